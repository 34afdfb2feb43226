//! Amounts as people read them, shared by the billing service (mails, PDFs) and the
//! pages: `en` writes `1,234.56 EUR`, `de` writes `1.234,56 EUR`.

/// The minor-unit exponent of an ISO 4217 currency that has one (EUR 2, JPY 0, KWD 3).
pub fn minor_units(code: &str) -> Option<u32> {
    let found = iso_currency::Currency::from_code(code)?;
    found.exponent().map(u32::from)
}

/// `minor` units with `places` decimals, the language's separators and `code` after.
pub fn amount_text(minor: i64, (places, code): (u32, &str), german: bool) -> String {
    let (group, point) = if german { ('.', ',') } else { (',', '.') };
    let places = places as usize;
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
    out.push_str(code);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_the_languages_way() {
        assert_eq!(amount_text(123456, (2, "EUR"), false), "1,234.56 EUR");
        assert_eq!(amount_text(123456, (2, "EUR"), true), "1.234,56 EUR");
        assert_eq!(amount_text(-5, (2, "EUR"), false), "-0.05 EUR");
        assert_eq!(amount_text(1500, (0, "JPY"), false), "1,500 JPY");
        assert_eq!(minor_units("KWD"), Some(3));
        assert_eq!(minor_units("EURO"), None);
    }
}
