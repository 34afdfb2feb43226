//! Amounts and dates as a customer reads them, in their locale: `en` writes
//! `1,234.56 EUR` and `2026-12-01`, `de` writes `1.234,56 EUR` and `01.12.2026`.

use chrono::NaiveDate;

use super::Currency;

fn is_german(locale: &str) -> bool {
    locale == "de" || locale.starts_with("de-")
}

/// `minor` units of `currency` with the locale's separators and the currency's code.
pub fn format_amount(minor: i64, currency: Currency, locale: &str) -> String {
    let unit = (currency.minor_units(), currency.code());
    atrium_common::money::amount_text(minor, unit, is_german(locale))
}

/// `date` as the locale writes it.
pub fn format_date(date: NaiveDate, locale: &str) -> String {
    if is_german(locale) {
        date.format("%d.%m.%Y").to_string()
    } else {
        date.format("%Y-%m-%d").to_string()
    }
}
