//! The SQL of the dashboard snapshot: its version, and what it holds, read in the
//! transaction that changed it.

use atrium_common::db::Tx;
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::sql;
use chrono::NaiveDate;

use crate::ledger::store::BalanceRow;

pub struct Snapshot {
    pub due: Vec<NaiveDate>,
    pub valid: Vec<NaiveDate>,
    pub balances: Vec<BalanceRow>,
}

/// The customer's next snapshot version (a write first: the row stays locked until the
/// transaction ends).
pub async fn next_version(
    tx: &mut Tx,
    (org_id, customer_id): (OrgId, CustomerId),
) -> Result<i64, sqlx::Error> {
    let (version,): (i64,) = sql!(tx tx, query_as::<_, (i64,)>(
        "insert into billing_snapshot_version (org_id, customer_id, version) \
         values ($1, $2, 1) on conflict (org_id, customer_id) \
         do update set version = billing_snapshot_version.version + 1 returning version"
    ) [org_id, customer_id] fetch_one)?;
    Ok(version)
}

pub async fn snapshot(
    tx: &mut Tx,
    (org_id, customer_id): (OrgId, CustomerId),
) -> Result<Snapshot, sqlx::Error> {
    let due: Vec<(NaiveDate,)> = sql!(tx tx, query_as::<_, (NaiveDate,)>(
        "select due_date from invoice where org_id = $1 and customer_id = $2 \
         and status in ('issued', 'partially_paid') and due_date is not null \
         order by due_date"
    ) [org_id, customer_id] fetch_all)?;
    let valid: Vec<(NaiveDate,)> = sql!(tx tx, query_as::<_, (NaiveDate,)>(
        "select valid_until from quote where org_id = $1 and customer_id = $2 \
         and status = 'sent' order by valid_until"
    ) [org_id, customer_id] fetch_all)?;
    let balances = sql!(tx tx, query_as::<_, BalanceRow>(
        "select currency, credits, debits, balance_due from customer_balance \
         where org_id = $1 and customer_id = $2 order by currency"
    ) [org_id, customer_id] fetch_all)?;
    Ok(Snapshot {
        due: due.into_iter().map(|(d,)| d).collect(),
        valid: valid.into_iter().map(|(d,)| d).collect(),
        balances,
    })
}
