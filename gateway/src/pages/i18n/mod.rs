//! Every text of the pages in English and German. A page reads its words from one
//! [`Words`]; a word missing in a language does not compile. The language is chosen as
//! `web.md` says: the switch's cookie, the person's profile locale, `Accept-Language`,
//! then the organization's default.

use http::HeaderMap;

use crate::extract::cookie;

mod approvals;
mod billing;
mod books;
mod de;
mod documents;
mod en;
mod links;
mod phrases;
mod requests;
mod words;

pub use approvals::ApprovalWords;
pub use billing::BillWords;
pub use books::BookWords;
pub use de::DE;
pub use documents::DocWords;
pub use en::EN;
pub use links::LinkWords;
pub use requests::RequestWords;
pub use words::Words;

/// The cookie the language switch remembers its choice in.
pub const LANG_COOKIE: &str = "atrium_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
}

impl Lang {
    pub fn parse(text: &str) -> Option<Lang> {
        let primary = text.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "de" => Some(Lang::De),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    pub fn words(self) -> &'static Words {
        match self {
            Lang::En => &EN,
            Lang::De => &DE,
        }
    }

    /// The switch's choice, then `profile` (the person's locale), then the first language
    /// of `Accept-Language` we speak, then `fallback` (the organization's default).
    pub fn choose(headers: &HeaderMap, profile: Option<&str>, fallback: Option<&str>) -> Lang {
        if let Some(lang) = cookie(headers, LANG_COOKIE).and_then(|v| Lang::parse(&v)) {
            return lang;
        }
        if let Some(lang) = profile.and_then(Lang::parse) {
            return lang;
        }
        let accepted = headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let mut ranked: Vec<(f32, Lang)> = accepted
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let lang = Lang::parse(pieces.next()?)?;
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked
            .first()
            .map(|(_, lang)| *lang)
            .or_else(|| fallback.and_then(Lang::parse))
            .unwrap_or(Lang::En)
    }

    /// A `YYYY-MM-DD` date (or an RFC 3339 time) as the language writes it.
    pub fn date(self, text: &str) -> String {
        let day = text.get(..10).unwrap_or(text);
        let mut parts = day.split('-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return text.to_owned();
        };
        let Ok(month) = m.parse::<usize>() else {
            return text.to_owned();
        };
        let day: u32 = d.parse().unwrap_or(0);
        match self {
            Lang::En => {
                let name = EN_MONTHS.get(month.wrapping_sub(1)).unwrap_or(&"");
                format!("{day} {name} {y}")
            }
            Lang::De => format!("{day:02}.{month:02}.{y}"),
        }
    }

    /// An RFC 3339 time as a date and an hour (UTC).
    pub fn time(self, text: &str) -> String {
        let hour = text.get(11..16).unwrap_or_default();
        format!("{}, {hour}", self.date(text))
    }

    /// A whole number with the language's thousands separator.
    pub fn number(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let sep = match self {
            Lang::En => ',',
            Lang::De => '.',
        };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    }

    /// An amount in minor units of `currency` as the language writes it.
    pub fn money(self, minor: i64, currency: &str) -> String {
        match atrium_common::money::minor_units(currency) {
            Some(places) => {
                atrium_common::money::amount_text(minor, (places, currency), self == Lang::De)
            }
            None => format!("{minor} {currency}"),
        }
    }

    /// A file's size: bytes, KB or MB (1000s), one decimal in the language's way.
    pub fn size(self, bytes: &i64) -> String {
        let bytes = *bytes;
        let (value, unit) = match bytes {
            ..1_000 => return format!("{} B", self.number(bytes)),
            1_000..1_000_000 => (bytes as f64 / 1e3, "KB"),
            1_000_000..1_000_000_000 => (bytes as f64 / 1e6, "MB"),
            _ => (bytes as f64 / 1e9, "GB"),
        };
        let text = format!("{value:.1}");
        match self {
            Lang::En => format!("{text} {unit}"),
            Lang::De => format!("{} {unit}", text.replace('.', ",")),
        }
    }
}

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_wins_then_the_profile_then_accept_language_then_the_org() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::ACCEPT_LANGUAGE,
            "fr, de;q=0.8, en;q=0.5".parse().unwrap(),
        );
        assert_eq!(Lang::choose(&headers, None, Some("en")), Lang::De);
        assert_eq!(Lang::choose(&headers, Some("en-GB"), None), Lang::En);
        headers.insert(http::header::COOKIE, "atrium_lang=de".parse().unwrap());
        assert_eq!(Lang::choose(&headers, Some("en"), None), Lang::De);
        assert_eq!(Lang::choose(&HeaderMap::new(), None, Some("de")), Lang::De);
        assert_eq!(Lang::choose(&HeaderMap::new(), None, None), Lang::En);
    }

    #[test]
    fn a_known_notice_is_worded_in_the_readers_language() {
        let params = serde_json::json!({"count": 1, "names": ["Smith House"]});
        let params = params.as_object().unwrap();
        let (title, body) = DE.notice("assignment", params).unwrap();
        assert_eq!(title, "Mit Ihnen geteilt: Smith House");
        assert_eq!(body, "Smith House");
        let two = serde_json::json!({"count": 2, "names": ["A", "B"]});
        assert_eq!(
            EN.notice("assignment", two.as_object().unwrap()).unwrap().0,
            "2 new projects and galleries shared with you"
        );
        assert!(EN.notice("invoice.sent", params).is_none());
    }

    #[test]
    fn dates_and_numbers_follow_the_language() {
        assert_eq!(Lang::En.date("2026-03-07"), "7 Mar 2026");
        assert_eq!(Lang::De.date("2026-03-07T10:00:00Z"), "07.03.2026");
        assert_eq!(Lang::De.number(1234567), "1.234.567");
        assert_eq!(Lang::En.number(-1234), "-1,234");
    }
}
