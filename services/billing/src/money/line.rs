//! A document's line: what the caller sends (decimal strings, as the contract writes
//! them) and the checked line the arithmetic works on.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::{TooLarge, round_minor};

/// The most lines a document may hold.
pub const MAX_LINES: usize = 200;
const MAX_DESCRIPTION: usize = 500;
/// Bounds that keep every total of [`MAX_LINES`] lines within an `i64`.
const MAX_QUANTITY: i64 = 1_000_000;
const MAX_UNIT_PRICE: i64 = 10_000_000_000;

/// A line as sent: `quantity`, `tax_rate` and `discount_percent` are decimal strings
/// (`"1.5"`, `"19"`, `"7.5"`); an empty `discount_percent` is `"0"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub description: String,
    pub quantity: String,
    pub unit_price_minor: i64,
    pub tax_rate: String,
    pub discount_percent: String,
}

/// A checked line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub description: String,
    pub quantity: Decimal,
    pub unit_price_minor: i64,
    pub tax_rate: Decimal,
    pub discount_percent: Decimal,
}

/// A field of a line that is wrong, named as the request names it
/// (`lines[2].quantity`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    pub field: String,
    pub problem: &'static str,
}

impl Line {
    /// Checks the line at `index` of the request.
    pub fn parse(index: usize, input: &LineInput) -> Result<Line, LineProblem> {
        let problem = |name: &str, problem: &'static str| LineProblem {
            field: format!("lines[{index}].{name}"),
            problem,
        };
        let description = input.description.trim();
        if description.is_empty() {
            return Err(problem("description", "is required"));
        }
        if description.chars().count() > MAX_DESCRIPTION {
            return Err(problem("description", "must be at most 500 characters"));
        }
        let quantity = decimal(&input.quantity, 4)
            .ok_or_else(|| problem("quantity", "must be a decimal with at most 4 decimals"))?;
        if quantity <= Decimal::ZERO || quantity > Decimal::from(MAX_QUANTITY) {
            return Err(problem(
                "quantity",
                "must be more than 0 and at most 1000000",
            ));
        }
        if !(0..=MAX_UNIT_PRICE).contains(&input.unit_price_minor) {
            return Err(problem(
                "unit_price_minor",
                "must be a whole number from 0 to 10000000000",
            ));
        }
        let percent = |name: &str, text: &str| {
            decimal(text, 2)
                .filter(|v| *v <= Decimal::ONE_HUNDRED)
                .ok_or_else(|| {
                    problem(
                        name,
                        "must be a percentage from 0 to 100 with at most 2 decimals",
                    )
                })
        };
        let tax_rate = percent("tax_rate", &input.tax_rate)?;
        let discount = match input.discount_percent.as_str() {
            "" => Decimal::ZERO,
            text => percent("discount_percent", text)?,
        };
        Ok(Line {
            description: description.to_owned(),
            quantity,
            unit_price_minor: input.unit_price_minor,
            tax_rate,
            discount_percent: discount,
        })
    }

    /// `quantity × unit_price × (1 − discount/100)`, rounded half away from zero.
    pub fn net(&self) -> Result<i64, TooLarge> {
        let gross = self
            .quantity
            .checked_mul(Decimal::from(self.unit_price_minor))
            .ok_or(TooLarge)?;
        let kept = Decimal::ONE_HUNDRED - self.discount_percent;
        let net = gross
            .checked_mul(kept)
            .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED))
            .ok_or(TooLarge)?;
        round_minor(net)
    }

    /// The line as the contract writes it back.
    pub fn input(&self) -> LineInput {
        LineInput {
            description: self.description.clone(),
            quantity: canonical(self.quantity),
            unit_price_minor: self.unit_price_minor,
            tax_rate: canonical(self.tax_rate),
            discount_percent: canonical(self.discount_percent),
        }
    }
}

/// Every line of a request, checked: at least one is the caller's to require.
pub fn parse_lines(inputs: &[LineInput]) -> Result<Vec<Line>, LineProblem> {
    if inputs.len() > MAX_LINES {
        return Err(LineProblem {
            field: "lines".to_owned(),
            problem: "must hold at most 200 lines",
        });
    }
    inputs
        .iter()
        .enumerate()
        .map(|(index, input)| Line::parse(index, input))
        .collect()
}

/// A decimal in its shortest form: `"1.5"`, `"19"`, `"0"`.
pub fn canonical(value: Decimal) -> String {
    value.normalize().to_string()
}

/// A plain non-negative decimal (`12`, `1.25`) with at most `places` decimals; no sign,
/// exponent, spaces or bare point.
fn decimal(text: &str, places: usize) -> Option<Decimal> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let fine = !whole.is_empty()
        && whole.len() <= 12
        && digits(whole)
        && digits(fraction)
        && fraction.len() <= places
        && fraction.is_empty() != text.contains('.');
    if !fine {
        return None;
    }
    Decimal::from_str(text).ok()
}
