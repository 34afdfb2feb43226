//! Checks of the project and phase fields DESIGN.md bounds (names ≤ 200, texts ≤ 5,000
//! characters, dates `YYYY-MM-DD`, covers https).

use crate::error::PortalError;
use crate::project::{PhaseStatus, ProjectKind, ProjectStatus};

fn invalid(field: &'static str, problem: &'static str) -> PortalError {
    PortalError::InvalidField { field, problem }
}

/// A required name: trimmed, 1–200 characters.
pub fn name(field: &'static str, text: &str) -> Result<String, PortalError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid(field, "is required"));
    }
    if text.chars().count() > 200 {
        return Err(invalid(field, "must be at most 200 characters"));
    }
    Ok(text.to_owned())
}

pub fn description(text: &str) -> Result<String, PortalError> {
    if text.chars().count() > 5000 {
        return Err(invalid("description", "must be at most 5000 characters"));
    }
    Ok(text.trim().to_owned())
}

pub fn kind(text: &str) -> Result<ProjectKind, PortalError> {
    match ProjectKind::parse(text) {
        Some(kind) => Ok(kind),
        None if text.is_empty() => Err(invalid("kind", "is required")),
        None => Err(invalid("kind", "must be project or gallery")),
    }
}

pub fn status(text: &str) -> Result<ProjectStatus, PortalError> {
    ProjectStatus::parse(text)
        .ok_or_else(|| invalid("status", "must be active, completed or archived"))
}

/// A slug as given: lowercase letters and digits in hyphen-separated words, ≤ 64.
pub fn slug(text: &str) -> Result<String, PortalError> {
    let well_formed = !text.is_empty()
        && text.len() <= 64
        && text.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if well_formed {
        Ok(text.to_owned())
    } else {
        Err(invalid(
            "slug",
            "must be lowercase letters and digits in words joined by single hyphens, at most 64",
        ))
    }
}

/// The slug a name gives: its ASCII letters and digits, other runs as one hyphen.
pub fn slug_from(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug: String = slug.trim_end_matches('-').chars().take(56).collect();
    slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "project".to_owned()
    } else {
        slug
    }
}

/// A date `YYYY-MM-DD`, or `None` for an empty text.
pub fn date(field: &'static str, text: &str) -> Result<Option<String>, PortalError> {
    if text.is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|d| d.format("%Y-%m-%d").to_string() == text)
        .map(|_| Some(text.to_owned()))
        .ok_or_else(|| invalid(field, "must be a date YYYY-MM-DD"))
}

/// The end may not come before the start (both `YYYY-MM-DD`, so text order is date order).
pub fn date_range(starts_on: &Option<String>, ends_on: &Option<String>) -> Result<(), PortalError> {
    match (starts_on, ends_on) {
        (Some(start), Some(end)) if end < start => {
            Err(invalid("ends_on", "must not come before starts_on"))
        }
        _ => Ok(()),
    }
}

/// An https URL (≤ 2,000 characters), or `None` for an empty text.
/// An https URL (or empty: none) in `field`.
pub fn https_url(field: &'static str, text: &str) -> Result<Option<String>, PortalError> {
    if text.is_empty() {
        return Ok(None);
    }
    let host = text.strip_prefix("https://").unwrap_or_default();
    let fine = text.len() <= 2000
        && !host.is_empty()
        && !host.starts_with('/')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control());
    if fine {
        Ok(Some(text.to_owned()))
    } else {
        Err(invalid(field, "must be an https URL"))
    }
}

pub fn phase_status(text: &str) -> Result<PhaseStatus, PortalError> {
    PhaseStatus::parse(text)
        .ok_or_else(|| invalid("status", "must be pending, in_progress or done"))
}

pub fn percent(value: i32) -> Result<i32, PortalError> {
    if (0..=100).contains(&value) {
        Ok(value)
    } else {
        Err(invalid("percent_complete", "must be between 0 and 100"))
    }
}

pub fn position(value: i32) -> Result<i32, PortalError> {
    if (0..=10_000).contains(&value) {
        Ok(value)
    } else {
        Err(invalid("position", "must be between 0 and 10000"))
    }
}

/// An optional name (empty: none): trimmed, at most 200 characters.
pub fn optional_name(field: &'static str, text: &str) -> Result<Option<String>, PortalError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    name(field, text).map(Some)
}

/// The display name of mails' From header: a name without quotes, angle brackets or
/// line breaks, so it cannot reshape the header.
pub fn sender_name(text: &str) -> Result<Option<String>, PortalError> {
    let name = optional_name("branding.sender_name", text)?;
    if text
        .chars()
        .any(|c| c.is_control() || matches!(c, '"' | '<' | '>' | '\\'))
    {
        return Err(invalid(
            "branding.sender_name",
            "must not hold quotes, angle brackets or line breaks",
        ));
    }
    Ok(name)
}

/// A colour `#rrggbb` (or empty: none), stored lowercase.
pub fn color(text: &str) -> Result<Option<String>, PortalError> {
    if text.is_empty() {
        return Ok(None);
    }
    match text.strip_prefix('#') {
        Some(hex) if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) => {
            Ok(Some(text.to_ascii_lowercase()))
        }
        _ => Err(invalid(
            "branding.primary_color",
            "must be a colour like #1a2b3c",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_names() {
        assert_eq!(slug_from("Smith Wedding — 2026!"), "smith-wedding-2026");
        assert_eq!(slug_from("  ***  "), "project");
        assert!(slug("smith-wedding-2026").is_ok());
        assert!(slug("Smith").is_err());
        assert!(slug("a--b").is_err());
        assert!(slug("-a").is_err());
    }

    #[test]
    fn dates_are_calendar_days() {
        assert_eq!(
            date("starts_on", "2026-02-28").unwrap().as_deref(),
            Some("2026-02-28")
        );
        assert!(date("starts_on", "2026-02-30").is_err());
        assert!(date("starts_on", "2026-2-3").is_err());
        assert_eq!(date("starts_on", "").unwrap(), None);
    }

    #[test]
    fn covers_are_https() {
        assert!(https_url("cover_url", "https://cdn.example.com/a.jpg").is_ok());
        assert!(https_url("cover_url", "http://cdn.example.com/a.jpg").is_err());
        assert!(https_url("cover_url", "javascript:alert(1)").is_err());
        assert!(https_url("cover_url", "https:///x").is_err());
    }
}
