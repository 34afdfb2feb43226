//! The customer dashboard's billing section: how many invoices are open and overdue, how
//! many quotes await a decision, and the balances, in one query at any volume.

mod store;

use atrium_common::ids::{CustomerId, OrgId};

use crate::AppState;
use crate::error::BillingError;
use crate::ledger::store::BalanceRow;

/// What the dashboard shows of billing.
pub struct Summary {
    pub open_invoices: i64,
    pub overdue_invoices: i64,
    pub open_quotes: i64,
    pub balances: Vec<BalanceRow>,
}

pub async fn summary(state: &AppState, whose: (OrgId, CustomerId)) -> Result<Summary, BillingError> {
    let today = state.clock.now().date_naive();
    Ok(store::summary(&state.db, whose, today).await?)
}
