//! Enums stored and sent as text (statuses, kinds): one declaration gives the text of each
//! value, parsing, and decoding from a database column.

/// A text that is none of its enum's values.
#[derive(Debug, thiserror::Error)]
#[error("{value:?} is not a {what}")]
pub struct Unknown {
    pub what: &'static str,
    pub value: String,
}

/// Declares an enum whose values are written as the given texts.
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$doc:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vdoc:meta])* $variant:ident = $text:literal,)*
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::text_enum::Unknown;

            fn try_from(text: String) -> Result<$name, $crate::text_enum::Unknown> {
                $name::parse(&text).ok_or($crate::text_enum::Unknown {
                    what: stringify!($name),
                    value: text,
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::text_enum! {
        enum Colour {
            Red = "red",
            Dark = "dark-blue",
        }
    }

    #[test]
    fn each_value_reads_back_from_its_text() {
        for colour in Colour::ALL {
            assert_eq!(Colour::parse(colour.as_str()), Some(*colour));
        }
        assert_eq!(
            Colour::try_from("dark-blue".to_owned()).unwrap(),
            Colour::Dark
        );
        assert!(Colour::try_from("green".to_owned()).is_err());
    }
}
