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

/// Open invoices' due dates, sent quotes' validity and the balances, in one statement
/// (part 0, 1 and 2 of its rows).
pub async fn snapshot(
    tx: &mut Tx,
    (org_id, customer_id): (OrgId, CustomerId),
) -> Result<Snapshot, sqlx::Error> {
    type Row = (i64, String, String, i64, i64, i64);
    let rows: Vec<Row> = sql!(tx tx, query_as::<_, Row>(
        "select cast(0 as bigint), cast(due_date as text), '', cast(0 as bigint), \
         cast(0 as bigint), cast(0 as bigint) from invoice \
         where org_id = $1 and customer_id = $2 and status in ('issued', 'partially_paid') \
         and due_date is not null \
         union all select cast(1 as bigint), cast(valid_until as text), '', cast(0 as bigint), \
         cast(0 as bigint), cast(0 as bigint) from quote \
         where org_id = $1 and customer_id = $2 and status = 'sent' \
         union all select cast(2 as bigint), '', currency, credits, debits, balance_due \
         from customer_balance where org_id = $1 and customer_id = $2 \
         order by 1, 2, 3"
    ) [org_id, customer_id] fetch_all)?;
    let mut snapshot = Snapshot {
        due: Vec::new(),
        valid: Vec::new(),
        balances: Vec::new(),
    };
    for (part, day, currency, credits, debits, balance_due) in rows {
        let date = || NaiveDate::parse_from_str(&day, "%Y-%m-%d");
        match part {
            0 => snapshot.due.extend(date().ok()),
            1 => snapshot.valid.extend(date().ok()),
            _ => snapshot.balances.push(BalanceRow {
                currency,
                credits,
                debits,
                balance_due,
            }),
        }
    }
    Ok(snapshot)
}
