//! The console's billing forms as a person types them: amounts in the page's language
//! (`1,234.56` or `1.234,56`), quantities and rates with its decimal point, document
//! lines as rows of repeated fields. Parsed into the API's own bodies, so the API's
//! checks decide; what cannot be read is a 422 naming the field, as the API would.

use atrium_common::error::ApiError;
use atrium_common::money::minor_units;

use crate::api::billing::{Line, LineBody};
use crate::pages::i18n::Lang;
use crate::pages::session::PageForm;

/// Empty rows the editor offers below the lines a document has (more with scripts).
const EMPTY_ROWS: usize = 3;

/// `text` in minor units of `currency`: digits, the language's group and decimal marks,
/// at most as many decimals as the currency has. `None` when it is not such an amount.
pub fn minor_of(text: &str, currency: &str, lang: Lang) -> Option<i64> {
    let places = minor_units(currency)?;
    let (group, point) = if lang == Lang::De {
        ('.', ',')
    } else {
        (',', '.')
    };
    let text: String = text
        .chars()
        .filter(|c| *c != group && !c.is_whitespace())
        .collect();
    let (whole, fraction) = text.split_once(point).unwrap_or((&text, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty()
        || !digits(whole)
        || !digits(fraction)
        || fraction.len() > places as usize
    {
        return None;
    }
    let scale = 10i64.checked_pow(places)?;
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: i64 = format!("{fraction:0<width$}", width = places as usize)
        .parse()
        .unwrap_or(0);
    whole.checked_mul(scale)?.checked_add(fraction)
}

/// `minor` units of `currency` as the editor shows them: no group marks, the language's
/// decimal point.
pub fn amount_field(minor: i64, currency: &str, lang: Lang) -> String {
    let places = minor_units(currency).unwrap_or(2);
    let text = atrium_common::money::amount_text(minor, (places, ""), lang == Lang::De);
    text.trim_end()
        .chars()
        .filter(|c| *c != if lang == Lang::De { '.' } else { ',' })
        .collect()
}

/// A decimal typed with the language's point, as the API reads it (`1,5` → `1.5`).
pub fn decimal_of(text: &str, lang: Lang) -> String {
    let text = text.trim();
    if lang == Lang::De {
        text.replace('.', "").replace(',', ".")
    } else {
        text.replace(',', "")
    }
}

/// A decimal from the API as the editor shows it (`1.5` → `1,5` in German).
pub fn decimal_field(text: &str, lang: Lang) -> String {
    if lang == Lang::De {
        text.replace('.', ",")
    } else {
        text.to_owned()
    }
}

/// One row of the line editor, as its fields show it.
pub struct Row {
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub tax_rate: String,
    pub discount: String,
}

/// The editor's rows: the document's lines, then empty ones to fill.
pub fn rows(lines: &[Line], currency: &str, lang: Lang) -> Vec<Row> {
    let filled = lines.iter().map(|l| Row {
        description: l.description.clone(),
        quantity: decimal_field(&l.quantity, lang),
        unit_price: amount_field(l.unit_price_minor, currency, lang),
        tax_rate: decimal_field(&l.tax_rate, lang),
        discount: match l.discount_percent.as_str() {
            "" | "0" => String::new(),
            d => decimal_field(d, lang),
        },
    });
    let empty = (0..EMPTY_ROWS).map(|_| Row {
        description: String::new(),
        quantity: String::new(),
        unit_price: String::new(),
        tax_rate: String::new(),
        discount: String::new(),
    });
    filled.chain(empty).collect()
}

/// The rows a form sent, as the API's lines: a row left blank is skipped; a price that
/// is not an amount of `currency` is refused, naming the line.
pub fn lines_of(form: &PageForm, currency: &str, lang: Lang) -> Result<Vec<LineBody>, ApiError> {
    let column = |name: &str| form.all(name);
    let (descriptions, quantities, prices) = (
        column("line_description"),
        column("line_quantity"),
        column("line_unit_price"),
    );
    let (rates, discounts) = (column("line_tax_rate"), column("line_discount"));
    let at = |values: &[String], i: usize| values.get(i).map(|v| v.trim().to_owned());
    let mut lines = Vec::new();
    for i in 0..descriptions.len() {
        let description = at(&descriptions, i).unwrap_or_default();
        let price = at(&prices, i).unwrap_or_default();
        let quantity = at(&quantities, i).unwrap_or_default();
        if description.is_empty() && price.is_empty() && quantity.is_empty() {
            continue;
        }
        let n = lines.len();
        let unit_price_minor = minor_of(&price, currency, lang).ok_or_else(|| {
            ApiError::invalid_field(
                &format!("lines[{n}].unit_price_minor"),
                "must be an amount in the currency",
            )
        })?;
        let quantity = if quantity.is_empty() {
            "1".to_owned()
        } else {
            decimal_of(&quantity, lang)
        };
        let tax_rate = decimal_of(&at(&rates, i).unwrap_or_default(), lang);
        let discount = at(&discounts, i).filter(|d| !d.is_empty());
        lines.push(LineBody {
            description,
            quantity,
            unit_price_minor,
            tax_rate: if tax_rate.is_empty() {
                "0".to_owned()
            } else {
                tax_rate
            },
            discount_percent: discount.map(|d| decimal_of(&d, lang)),
        });
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_in_the_pages_language_and_the_currencys_places() {
        assert_eq!(minor_of("1,234.56", "EUR", Lang::En), Some(123_456));
        assert_eq!(minor_of("1.234,56", "EUR", Lang::De), Some(123_456));
        assert_eq!(minor_of("12", "EUR", Lang::En), Some(1200));
        assert_eq!(minor_of("0.5", "EUR", Lang::En), Some(50));
        assert_eq!(minor_of("1500", "JPY", Lang::En), Some(1500));
        assert_eq!(minor_of("1.5", "JPY", Lang::En), None);
        assert_eq!(minor_of("1.234", "KWD", Lang::En), Some(1234));
        assert_eq!(minor_of("1.001", "EUR", Lang::En), None);
        assert_eq!(minor_of("-3", "EUR", Lang::En), None);
        assert_eq!(minor_of("", "EUR", Lang::En), None);
        assert_eq!(minor_of("12", "XYZ", Lang::En), None);
        assert_eq!(minor_of("99999999999999999999", "EUR", Lang::En), None);
        assert_eq!(amount_field(123_456, "EUR", Lang::En), "1234.56");
        assert_eq!(amount_field(123_456, "EUR", Lang::De), "1234,56");
        assert_eq!(amount_field(1500, "JPY", Lang::En), "1500");
        assert_eq!(decimal_of("1,5", Lang::De), "1.5");
        assert_eq!(decimal_field("7.5", Lang::De), "7,5");
    }
}
