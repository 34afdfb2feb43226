use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::line::{LineInput, parse_lines};
use super::*;

fn line(quantity: &str, price: i64, tax: &str, discount: &str) -> LineInput {
    LineInput {
        description: "Work".into(),
        quantity: quantity.into(),
        unit_price_minor: price,
        tax_rate: tax.into(),
        discount_percent: discount.into(),
    }
}

fn totals(inputs: &[LineInput]) -> Totals {
    Totals::of(&parse_lines(inputs).unwrap()).unwrap()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn the_contracts_worked_example() {
    let t = totals(&[
        line("3", 333, "19", ""),
        line("1", 1000, "19", "10"),
        line("2.5", 199, "7", "0"),
    ]);
    assert_eq!(t.nets, [999, 900, 498], "497.5 rounds up");
    assert_eq!(
        t.tax_breakdown,
        [
            TaxPart {
                tax_rate: dec("7"),
                taxable: 498,
                tax: 35
            },
            TaxPart {
                tax_rate: dec("19"),
                taxable: 1899,
                tax: 361
            },
        ]
    );
    assert_eq!((t.subtotal, t.tax_total, t.total), (2397, 396, 2793));
}

#[test]
fn tax_is_rounded_once_per_rate_not_per_line() {
    // Each line's tax would be 0.19 (rounds to 0), three times; the rate's sum is 0.57 → 1.
    let t = totals(&[
        line("1", 1, "19", ""),
        line("1", 1, "19", ""),
        line("1", 1, "19", ""),
    ]);
    assert_eq!(t.tax_breakdown[0].tax, 1);
    assert_eq!(t.total, 4);
}

#[test]
fn halves_round_away_from_zero_never_to_even() {
    assert_eq!(round_minor(dec("0.5")).unwrap(), 1);
    assert_eq!(round_minor(dec("2.5")).unwrap(), 3, "not the banker's 2");
    assert_eq!(round_minor(dec("-2.5")).unwrap(), -3);
    assert_eq!(round_minor(dec("2.4999")).unwrap(), 2);
}

#[test]
fn currencies_know_their_minor_units_and_unknown_codes_are_refused() {
    assert_eq!(Currency::parse("EUR").unwrap().minor_units(), 2);
    assert_eq!(Currency::parse("JPY").unwrap().minor_units(), 0);
    assert_eq!(Currency::parse("KWD").unwrap().minor_units(), 3);
    for bad in ["XAU", "ZZZ", "eur", "", "EURO"] {
        assert!(Currency::parse(bad).is_none(), "{bad}");
    }
}

#[test]
fn yen_and_dinar_totals_are_whole_minor_units() {
    // JPY has no minor unit: 3 × ¥1,999 at 10 % less 5 % → 5,697.15 → ¥5,697; tax 569.7 → ¥570.
    let yen = totals(&[line("3", 1999, "10", "5")]);
    assert_eq!((yen.subtotal, yen.tax_total, yen.total), (5697, 570, 6267));
    let jpy = Currency::parse("JPY").unwrap();
    assert_eq!(format_amount(yen.total, jpy, "en"), "6,267 JPY");
    // KWD has three: 1.5 × 2.345 KWD = 3.5175 → 3.518 KWD (half away from zero).
    let dinar = totals(&[line("1.5", 2345, "0", "")]);
    assert_eq!(
        (dinar.subtotal, dinar.tax_total, dinar.total),
        (3518, 0, 3518)
    );
    let kwd = Currency::parse("KWD").unwrap();
    assert_eq!(format_amount(dinar.total, kwd, "de"), "3,518 KWD");
    assert_eq!(format_amount(1_234_567, kwd, "en"), "1,234.567 KWD");
}

#[test]
fn no_tax_and_a_full_discount_are_lines_like_any_other() {
    let t = totals(&[line("2", 5000, "0", ""), line("4", 2500, "19", "100")]);
    assert_eq!(t.nets, [10_000, 0]);
    assert_eq!(
        t.tax_breakdown,
        [
            TaxPart {
                tax_rate: dec("0"),
                taxable: 10_000,
                tax: 0
            },
            TaxPart {
                tax_rate: dec("19"),
                taxable: 0,
                tax: 0
            },
        ]
    );
    assert_eq!(t.total, 10_000);
}

#[test]
fn amounts_and_dates_follow_the_locale() {
    let eur = Currency::parse("EUR").unwrap();
    assert_eq!(format_amount(123_456, eur, "en"), "1,234.56 EUR");
    assert_eq!(format_amount(123_456, eur, "de"), "1.234,56 EUR");
    assert_eq!(format_amount(5, eur, "en"), "0.05 EUR");
    assert_eq!(format_amount(-100_000_000, eur, "de"), "-1.000.000,00 EUR");
    assert_eq!(format_amount(0, eur, "en"), "0.00 EUR");
    let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    assert_eq!(format_date(date, "en"), "2026-12-01");
    assert_eq!(format_date(date, "de"), "01.12.2026");
}

#[test]
fn bad_lines_name_their_field() {
    let cases: [(LineInput, &str); 12] = [
        (line("0", 1, "19", ""), "lines[0].quantity"),
        (line("-1", 1, "19", ""), "lines[0].quantity"),
        (line("1.23456", 1, "19", ""), "lines[0].quantity"),
        (line("1e3", 1, "19", ""), "lines[0].quantity"),
        (line("1.", 1, "19", ""), "lines[0].quantity"),
        (line(" 1", 1, "19", ""), "lines[0].quantity"),
        (line("2000000", 1, "19", ""), "lines[0].quantity"),
        (line("1", -1, "19", ""), "lines[0].unit_price_minor"),
        (line("1", 1, "100.5", ""), "lines[0].tax_rate"),
        (line("1", 1, "7.125", ""), "lines[0].tax_rate"),
        (line("1", 1, "", ""), "lines[0].tax_rate"),
        (line("1", 1, "19", "101"), "lines[0].discount_percent"),
    ];
    for (input, field) in cases {
        let err = parse_lines(&[line("1", 1, "0", ""), input.clone()]).unwrap_err();
        assert_eq!(err.field, field.replace("[0]", "[1]"), "{input:?}");
    }
    let blank = LineInput {
        description: "  ".into(),
        ..line("1", 1, "0", "")
    };
    assert_eq!(
        parse_lines(&[blank]).unwrap_err().field,
        "lines[0].description"
    );
    let many = vec![line("1", 1, "0", ""); 201];
    assert_eq!(parse_lines(&many).unwrap_err().field, "lines");
}

#[test]
fn the_largest_document_allowed_still_adds_up() {
    let most = vec![line("1000000", 10_000_000_000, "100", ""); 200];
    let t = totals(&most);
    assert_eq!(t.total, 2 * 200 * 1_000_000 * 10_000_000_000);
}

#[test]
fn lines_are_written_back_in_their_shortest_form() {
    let parsed = parse_lines(&[line("1.50", 10, "19.00", "")]).unwrap();
    let back = parsed[0].input();
    assert_eq!(
        (back.quantity.as_str(), back.tax_rate.as_str()),
        ("1.5", "19")
    );
    assert_eq!(back.discount_percent, "0");
}

#[test]
fn amount_due_never_goes_below_zero() {
    assert_eq!(amount_due(1000, 200, 300), 500);
    assert_eq!(amount_due(1000, 800, 300), 0);
}
