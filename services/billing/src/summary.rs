//! The customer dashboard's billing section: how many invoices are open and overdue, how
//! many quotes await a decision, and the balances, in two queries at any volume.

use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::sql;

use crate::AppState;
use crate::error::BillingError;
use crate::ledger::store::{self, BalanceRow};

/// What the dashboard shows of billing.
pub struct Summary {
    pub open_invoices: i64,
    pub overdue_invoices: i64,
    pub open_quotes: i64,
    pub balances: Vec<BalanceRow>,
}

pub async fn summary(
    state: &AppState,
    (org_id, customer_id): (OrgId, CustomerId),
) -> Result<Summary, BillingError> {
    let today = state.clock.now().date_naive();
    let db = &state.db;
    let (open_invoices, overdue_invoices, open_quotes): (i64, i64, i64) = sql!(db db, query_as::<_, (i64, i64, i64)>(
        "select \
         (select count(*) from invoice where org_id = $1 and customer_id = $2 \
          and status in ('issued', 'partially_paid')), \
         (select count(*) from invoice where org_id = $1 and customer_id = $2 \
          and status in ('issued', 'partially_paid') and due_date < $3), \
         (select count(*) from quote where org_id = $1 and customer_id = $2 \
          and status = 'sent' and valid_until >= $3)"
    ) [org_id, customer_id, today] fetch_one)?;
    let balances = store::balances(db, org_id, customer_id).await?;
    Ok(Summary {
        open_invoices,
        overdue_invoices,
        open_quotes,
        balances,
    })
}
