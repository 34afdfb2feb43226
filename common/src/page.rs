//! Keyset pagination as DESIGN.md defines it: `page_size` 1–200 (default 50) and an
//! opaque `page_token` naming the last row seen (its time and id).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::Problem;

pub const DEFAULT_PAGE_SIZE: i32 = 50;
pub const MAX_PAGE_SIZE: i32 = 200;

/// A decoded page request: how many rows, and the cursor to continue after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub size: i64,
    pub after: Option<(DateTime<Utc>, Uuid)>,
}

impl Page {
    /// Parses `page_size` (0 means the default) and `page_token` (empty means the start).
    pub fn parse(page_size: i32, page_token: &str) -> Result<Page, Problem> {
        let size = match page_size {
            0 => DEFAULT_PAGE_SIZE,
            1..=MAX_PAGE_SIZE => page_size,
            _ => {
                return Err(Problem::invalid_field(
                    "page_size",
                    "must be between 1 and 200",
                ));
            }
        };
        let after = if page_token.is_empty() {
            None
        } else {
            Some(decode(page_token).ok_or_else(bad_token)?)
        };
        Ok(Page {
            size: i64::from(size),
            after,
        })
    }

    /// Answers the token for the next page when `fetched` filled this one.
    pub fn next_token(&self, fetched: usize, last: Option<(DateTime<Utc>, Uuid)>) -> String {
        match last {
            Some((at, id)) if fetched as i64 >= self.size => encode(at, id),
            _ => String::new(),
        }
    }
}

fn bad_token() -> Problem {
    Problem::invalid_field("page_token", "is not a token this list gave out")
}

pub fn encode(at: DateTime<Utc>, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{id}", at.timestamp_micros()))
}

fn decode(token: &str) -> Option<(DateTime<Utc>, Uuid)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
    let (micros, id) = text.split_once('|')?;
    Some((
        DateTime::from_timestamp_micros(micros.parse().ok()?)?,
        Uuid::parse_str(id).ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_tokens_are_checked() {
        assert_eq!(Page::parse(0, "").unwrap().size, 50);
        assert!(Page::parse(201, "").is_err());
        assert!(Page::parse(-1, "").is_err());
        assert!(Page::parse(10, "garbage").is_err());
        let at = DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap();
        let id = Uuid::new_v4();
        let page = Page::parse(10, &encode(at, id)).unwrap();
        assert_eq!(page.after, Some((at, id)));
        assert_eq!(page.next_token(9, Some((at, id))), "");
        assert_eq!(page.next_token(10, Some((at, id))), encode(at, id));
    }
}
