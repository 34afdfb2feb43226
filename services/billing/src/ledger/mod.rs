//! The customer ledger: append-only entries (no statement updates or deletes one; the
//! database refuses it too) and each customer's balance per currency, kept beside them
//! in the same transaction, so reading a balance costs one row at any ledger length.
//! `balance_due = Σcredit − Σdebit`: positive means the customer owes.

pub mod adjust;
pub mod statement;
pub mod store;

atrium_common::text_enum! {
    /// What booked an entry.
    pub enum EntryType {
        /// An invoice issued: its total, credited.
        Invoice = "invoice",
        /// A payment received: debited.
        Payment = "payment",
        /// A credit note issued (a void included): debited.
        CreditNote = "credit_note",
        /// Money returned to the customer: credited.
        Refund = "refund",
        /// A manual correction, either way.
        Adjustment = "adjustment",
    }
}

use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::page::Page;

use crate::AppState;
use crate::error::BillingError;
use store::{BalanceRow, EntryRow};

/// A customer's balances and a page of their entries, newest first.
pub struct LedgerPage {
    pub balances: Vec<BalanceRow>,
    pub items: Vec<EntryRow>,
    pub next_page_token: String,
}

/// The ledger of one customer of `org_id`, in `currency` (a code) or every currency.
pub async fn of(
    state: &AppState,
    (org_id, customer_id): (OrgId, CustomerId),
    currency: Option<&str>,
    page: Page,
) -> Result<LedgerPage, BillingError> {
    if let Some(code) = currency {
        crate::money::Currency::parse(code).ok_or_else(|| {
            BillingError::field("currency", "must be an ISO 4217 code with a minor unit")
        })?;
    }
    let key = (org_id, customer_id);
    let mut balances = store::balances(&state.db, org_id, customer_id).await?;
    if let Some(code) = currency {
        balances.retain(|b| b.currency == code);
    }
    let items = store::entries(&state.db, key, currency, page.after, page.size).await?;
    let last = items.last().map(|e| (e.at, e.entry_id));
    Ok(LedgerPage {
        next_page_token: page.next_token(items.len(), last),
        balances,
        items,
    })
}
