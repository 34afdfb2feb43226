//! Amounts and dates as a customer reads them, in their locale: `en` writes
//! `1,234.56 EUR` and `2026-12-01`, `de` writes `1.234,56 EUR` and `01.12.2026`.

use chrono::NaiveDate;

use super::Currency;

fn is_german(locale: &str) -> bool {
    locale == "de" || locale.starts_with("de-")
}

/// `minor` units of `currency` with the locale's separators and the currency's code.
pub fn format_amount(minor: i64, currency: Currency, locale: &str) -> String {
    let (group, point) = if is_german(locale) {
        ('.', ',')
    } else {
        (',', '.')
    };
    let places = currency.minor_units() as usize;
    let digits = minor.unsigned_abs().to_string();
    let digits = format!("{digits:0>width$}", width = places + 1);
    let (whole, fraction) = digits.split_at(digits.len() - places);
    let mut out = String::with_capacity(digits.len() + 8);
    if minor < 0 {
        out.push('-');
    }
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if places > 0 {
        out.push(point);
        out.push_str(fraction);
    }
    out.push(' ');
    out.push_str(currency.code());
    out
}

/// `date` as the locale writes it.
pub fn format_date(date: NaiveDate, locale: &str) -> String {
    if is_german(locale) {
        date.format("%d.%m.%Y").to_string()
    } else {
        date.format("%Y-%m-%d").to_string()
    }
}
