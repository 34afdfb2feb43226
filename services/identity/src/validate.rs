//! Parse-don't-validate input types of identity: slugs, emails, names, passwords.

use crate::error::IdentityError;

/// An organization slug: `[a-z0-9-]{2,63}`, not starting or ending with `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(text: &str) -> Result<Slug, IdentityError> {
        let valid = (2..=63).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !text.starts_with('-')
            && !text.ends_with('-');
        if !valid {
            return Err(IdentityError::InvalidField {
                field: "slug",
                problem: "must be 2-63 of a-z, 0-9 and -",
            });
        }
        Ok(Slug(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email as the user typed it (trimmed) and its normalised form for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub display: String,
    pub normalized: String,
}

impl Email {
    pub fn parse(field: &'static str, text: &str) -> Result<Email, IdentityError> {
        let display = text.trim();
        if display.chars().count() > 254 {
            return Err(IdentityError::InvalidField {
                field,
                problem: "must be at most 254 characters",
            });
        }
        let valid = match display.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !display.contains(char::is_whitespace)
            }
            None => false,
        };
        if !valid {
            return Err(IdentityError::InvalidField {
                field,
                problem: "must be an email address",
            });
        }
        Ok(Email {
            display: display.to_owned(),
            normalized: normalize_email(display),
        })
    }
}

/// Folds an email for comparison: trimmed and lowercased (full Unicode, not ASCII only).
pub fn normalize_email(text: &str) -> String {
    text.trim().to_lowercase()
}

/// A required display name of 1-200 characters.
pub fn name(field: &'static str, text: &str) -> Result<String, IdentityError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(IdentityError::InvalidField {
            field,
            problem: "is required",
        });
    }
    if trimmed.chars().count() > 200 {
        return Err(IdentityError::InvalidField {
            field,
            problem: "must be at most 200 characters",
        });
    }
    Ok(trimmed.to_owned())
}

/// An optional text of at most `max` characters, trimmed.
pub fn optional_text(field: &'static str, text: &str, max: usize) -> Result<String, IdentityError> {
    let trimmed = text.trim();
    if trimmed.chars().count() > max {
        return Err(IdentityError::InvalidField {
            field,
            problem: match max {
                200 => "must be at most 200 characters",
                50 => "must be at most 50 characters",
                _ => "must be at most 5000 characters",
            },
        });
    }
    Ok(trimmed.to_owned())
}

/// A locale: empty (the org's default), `en` or `de`.
pub fn locale(field: &'static str, text: &str) -> Result<String, IdentityError> {
    match text.trim() {
        "" | "en" | "de" => Ok(text.trim().to_owned()),
        _ => Err(IdentityError::InvalidField {
            field,
            problem: "must be en or de",
        }),
    }
}

/// A new password of 12-128 bytes.
pub fn new_password(field: &'static str, password: &str) -> Result<(), IdentityError> {
    match atrium_common::password::password_problem(password) {
        Some(problem) => Err(IdentityError::InvalidField { field, problem }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_design_pattern() {
        assert!(Slug::parse("acme-2").is_ok());
        assert!(Slug::parse("a").is_err());
        assert!(Slug::parse("Acme").is_err());
        assert!(Slug::parse("-acme").is_err());
        assert!(Slug::parse(&"a".repeat(64)).is_err());
    }

    #[test]
    fn emails_are_trimmed_and_folded() {
        let email = Email::parse("email", "  Öla@Example.COM ").unwrap();
        assert_eq!(email.display, "Öla@Example.COM");
        assert_eq!(email.normalized, "öla@example.com");
        assert!(Email::parse("email", "no-at-sign").is_err());
        assert!(Email::parse("email", "a b@c.d").is_err());
    }
}
