//! The dashboard's billing section from the snapshot billing keeps here: billing writes
//! one into its outbox in the transaction of every change to a customer's invoices,
//! quotes or ledger, and the relay puts it here (an older version never replaces a
//! newer). The dashboard reads it in the statement that reads the settings, and counts
//! what depends on the day (overdue invoices, unexpired quotes) as it reads.

pub mod store;

use atrium_common::ids::{CustomerId, OrgId};
use atrium_proto::billing::v1 as billing;
use atrium_proto::portal::v1 as pb;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::PortalError;

/// A snapshot as stored.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Snapshot {
    /// Each open invoice's due date.
    pub due: Vec<NaiveDate>,
    /// Each sent quote's last valid day.
    pub valid: Vec<NaiveDate>,
    pub balances: Vec<Balance>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Balance {
    pub currency: String,
    pub credits: i64,
    pub debits: i64,
    pub balance_due: i64,
}

impl Snapshot {
    /// The dashboard's section on `today`.
    pub fn summary(&self, today: NaiveDate) -> billing::BillingSummary {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        billing::BillingSummary {
            open_invoices: count(self.due.len()),
            overdue_invoices: count(self.due.iter().filter(|due| **due < today).count()),
            open_quotes: count(self.valid.iter().filter(|valid| **valid >= today).count()),
            balances: self
                .balances
                .iter()
                .map(|b| billing::Balance {
                    currency: b.currency.clone(),
                    credits: b.credits,
                    debits: b.debits,
                    balance_due: b.balance_due,
                })
                .collect(),
        }
    }
}

/// The section a stored document shows (a customer billing never wrote for: nothing
/// open, no balances).
pub fn summary_of(
    document: Option<&str>,
    today: NaiveDate,
) -> Result<billing::BillingSummary, PortalError> {
    let snapshot: Snapshot = match document {
        Some(text) => serde_json::from_str(text)
            .map_err(|err| anyhow::anyhow!("a stored billing snapshot does not read: {err}"))?,
        None => Snapshot::default(),
    };
    Ok(snapshot.summary(today))
}

fn date(field: &'static str, text: &str) -> Result<NaiveDate, PortalError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| PortalError::InvalidField {
        field,
        problem: "must hold dates as YYYY-MM-DD",
    })
}

/// Keeps billing's snapshot of one customer unless a newer one is kept already.
pub async fn put(state: &AppState, r: &pb::PutBillingSnapshotRequest) -> Result<(), PortalError> {
    let invalid = |field| PortalError::InvalidField {
        field,
        problem: "must be a UUID",
    };
    let org_id = OrgId::parse(&r.org_id).ok_or(invalid("org_id"))?;
    let customer_id = CustomerId::parse(&r.customer_id).ok_or(invalid("customer_id"))?;
    let snapshot = Snapshot {
        due: r
            .open_invoice_due_dates
            .iter()
            .map(|d| date("open_invoice_due_dates", d))
            .collect::<Result<_, _>>()?,
        valid: r
            .open_quote_valid_until
            .iter()
            .map(|d| date("open_quote_valid_until", d))
            .collect::<Result<_, _>>()?,
        balances: r
            .balances
            .iter()
            .map(|b| Balance {
                currency: b.currency.clone(),
                credits: b.credits,
                debits: b.debits,
                balance_due: b.balance_due,
            })
            .collect(),
    };
    let document = serde_json::to_string(&snapshot).map_err(anyhow::Error::from)?;
    store::put(&state.db, (org_id, customer_id), r.version, &document).await?;
    Ok(())
}
