//! Money and its arithmetic: amounts are integer minor units of an ISO 4217 currency
//! whose minor unit is known; quantities, rates and discounts are decimals
//! (`rust_decimal`), never floats. Totals follow EN 16931's order — each line rounded,
//! then the tax of each rate on the sum of its lines — rounding half away from zero.

mod format;
pub mod line;
#[cfg(test)]
mod tests;

use rust_decimal::{Decimal, RoundingStrategy};

pub use format::{format_amount, format_date};
pub use line::{Line, LineInput, canonical, parse_lines};

/// A currency whose minor unit is known (EUR 2, JPY 0, KWD 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency {
    code: &'static str,
    minor_units: u32,
}

impl Currency {
    /// The currency of an ISO 4217 code (upper case), unless the code is unknown or has
    /// no minor unit (gold, the SDR, the testing code).
    pub fn parse(code: &str) -> Option<Currency> {
        let found = iso_currency::Currency::from_code(code)?;
        if found.is_fund() || found.is_superseded().is_some() {
            return None;
        }
        let minor_units = u32::from(found.exponent()?);
        Some(Currency {
            code: found.code(),
            minor_units,
        })
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    /// How many decimal places the minor unit is (2 for cents).
    pub fn minor_units(&self) -> u32 {
        self.minor_units
    }
}

/// An amount in a currency's minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub amount_minor: i64,
    pub currency: Currency,
}

/// What the arithmetic refuses: a sum past what an amount can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the amounts are too large")]
pub struct TooLarge;

/// `value` rounded to a whole minor unit, half away from zero (497.5 → 498, −0.5 → −1).
pub fn round_minor(value: Decimal) -> Result<i64, TooLarge> {
    let rounded = value.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    i64::try_from(rounded).map_err(|_| TooLarge)
}

/// The tax of one rate: the sum of the lines' nets at that rate and the tax on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxPart {
    pub tax_rate: Decimal,
    pub taxable: i64,
    pub tax: i64,
}

/// A document's totals, in minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// Each line's net, in the lines' order.
    pub nets: Vec<i64>,
    /// One part per distinct tax rate, lowest rate first.
    pub tax_breakdown: Vec<TaxPart>,
    pub subtotal: i64,
    pub tax_total: i64,
    pub total: i64,
}

impl Totals {
    /// The totals of `lines`: each net rounded, then the tax per rate on the sum of its
    /// nets, rounded once.
    pub fn of(lines: &[Line]) -> Result<Totals, TooLarge> {
        let nets = lines.iter().map(Line::net).collect::<Result<Vec<_>, _>>()?;
        let subtotal = checked_sum(nets.iter().copied())?;
        let mut rates: Vec<Decimal> = lines.iter().map(|line| line.tax_rate).collect();
        rates.sort();
        rates.dedup();
        let mut tax_breakdown = Vec::with_capacity(rates.len());
        for rate in rates {
            let taxable = checked_sum(
                lines
                    .iter()
                    .zip(&nets)
                    .filter(|(line, _)| line.tax_rate == rate)
                    .map(|(_, net)| *net),
            )?;
            let tax = Decimal::from(taxable)
                .checked_mul(rate)
                .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED))
                .ok_or(TooLarge)?;
            tax_breakdown.push(TaxPart {
                tax_rate: rate,
                taxable,
                tax: round_minor(tax)?,
            });
        }
        let tax_total = checked_sum(tax_breakdown.iter().map(|part| part.tax))?;
        let total = subtotal.checked_add(tax_total).ok_or(TooLarge)?;
        Ok(Totals {
            nets,
            tax_breakdown,
            subtotal,
            tax_total,
            total,
        })
    }
}

fn checked_sum(mut values: impl Iterator<Item = i64>) -> Result<i64, TooLarge> {
    values.try_fold(0i64, |sum, v| sum.checked_add(v).ok_or(TooLarge))
}

/// What is still owed on a document: its total less what was credited and paid, never
/// below zero.
pub fn amount_due(total: i64, credited: i64, paid: i64) -> i64 {
    total.saturating_sub(credited).saturating_sub(paid).max(0)
}
