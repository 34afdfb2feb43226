//! A customer's statement for a period in one currency: the balance it opens with, every
//! entry booked in it (oldest first) and the balance it closes with.

use atrium_common::ids::{CustomerId, OrgId};
use chrono::{Duration, NaiveDate};

use super::store::{self, EntryRow};
use crate::AppState;
use crate::error::BillingError;
use crate::money::Currency;

/// The longest period one statement covers, in days.
const MAX_DAYS: i64 = 366;

/// A statement as read.
pub struct Statement {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    pub opening_balance: i64,
    pub entries: Vec<EntryRow>,
    pub closing_balance: i64,
}

fn day(text: &str, field: &str) -> Result<NaiveDate, BillingError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| BillingError::field(field, "is required: a date YYYY-MM-DD"))
}

/// The statement of the customer for `[from, to]` (days, both included, UTC).
pub async fn statement(
    state: &AppState,
    key: (OrgId, CustomerId),
    (from, to): (&str, &str),
    currency: &str,
) -> Result<Statement, BillingError> {
    let (from, to) = (day(from, "from")?, day(to, "to")?);
    if to < from {
        return Err(BillingError::field("to", "must not be before from"));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(BillingError::field("to", "must be within 366 days of from"));
    }
    let currency = Currency::parse(currency).ok_or_else(|| {
        BillingError::field(
            "currency",
            "is required: an ISO 4217 code with a minor unit",
        )
    })?;
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let end = (to + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let (opening_balance, entries) =
        store::period(&state.db, key, currency.code(), (start, end)).await?;
    let closing_balance = entries.last().map_or(opening_balance, |e| e.balance_after);
    Ok(Statement {
        from,
        to,
        currency: currency.code().to_owned(),
        opening_balance,
        entries,
        closing_balance,
    })
}
