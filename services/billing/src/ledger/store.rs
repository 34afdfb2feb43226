//! The ledger's SQL: entries are only ever inserted, each with the customer's balance
//! in that currency updated in the same transaction (the balance row is the lock that
//! orders a customer's entries).

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::sql;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::EntryType;

/// An entry to append.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub org_id: OrgId,
    pub customer_id: CustomerId,
    pub currency: String,
    pub at: DateTime<Utc>,
    pub entry_type: EntryType,
    pub debit: i64,
    pub credit: i64,
    /// What booked it: `invoice`, `payment`, `credit_note`, `refund` or `adjustment`.
    pub reference_kind: &'static str,
    pub reference_id: Uuid,
    pub reference_number: Option<String>,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EntryRow {
    pub entry_id: Uuid,
    pub currency: String,
    pub seq: i64,
    pub at: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub entry_type: EntryType,
    pub debit: i64,
    pub credit: i64,
    pub balance_after: i64,
    pub reference_kind: String,
    pub reference_id: Uuid,
    pub reference_number: Option<String>,
}

/// A customer's totals in one currency.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BalanceRow {
    pub currency: String,
    pub credits: i64,
    pub debits: i64,
    pub balance_due: i64,
}

/// Appends `entry` after the customer's last in its currency; answers it as stored.
pub async fn append(tx: &mut Tx, entry: &NewEntry) -> Result<EntryRow, sqlx::Error> {
    let (balance_after, seq): (i64, i64) = sql!(tx tx, query_as::<_, (i64, i64)>(
        "insert into customer_balance \
         (org_id, customer_id, currency, credits, debits, balance_due, entries) \
         values ($1, $2, $3, $4, $5, $6, 1) \
         on conflict (org_id, customer_id, currency) do update set \
         credits = customer_balance.credits + excluded.credits, \
         debits = customer_balance.debits + excluded.debits, \
         balance_due = customer_balance.balance_due + excluded.balance_due, \
         entries = customer_balance.entries + 1 \
         returning balance_due, entries"
    ) [entry.org_id, entry.customer_id, &entry.currency, entry.credit, entry.debit,
       entry.credit - entry.debit] fetch_one)?;
    let row = EntryRow {
        entry_id: Uuid::new_v4(),
        currency: entry.currency.clone(),
        seq,
        at: entry.at,
        entry_type: entry.entry_type,
        debit: entry.debit,
        credit: entry.credit,
        balance_after,
        reference_kind: entry.reference_kind.to_owned(),
        reference_id: entry.reference_id,
        reference_number: entry.reference_number.clone(),
    };
    sql!(tx tx, query(
        "insert into ledger_entry (entry_id, org_id, customer_id, currency, seq, at, \
         entry_type, debit, credit, balance_after, reference_kind, reference_id, \
         reference_number) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ) [row.entry_id, entry.org_id, entry.customer_id, &row.currency, row.seq, row.at,
       row.entry_type.as_str(), row.debit, row.credit, row.balance_after,
       &row.reference_kind, row.reference_id, &row.reference_number] execute)?;
    Ok(row)
}

/// The customer's balances, one per currency they were ever booked in.
pub async fn balances(
    db: &Db,
    org_id: OrgId,
    customer_id: CustomerId,
) -> Result<Vec<BalanceRow>, sqlx::Error> {
    sql!(db db, query_as::<_, BalanceRow>(
        "select currency, credits, debits, balance_due from customer_balance \
         where org_id = $1 and customer_id = $2 order by currency"
    ) [org_id, customer_id] fetch_all)
}

const ENTRY_COLUMNS: &str = "entry_id, currency, seq, at, entry_type, debit, credit, \
                             balance_after, reference_kind, reference_id, reference_number";

/// A page of the customer's entries, newest first, in `currency` or all of them, after
/// the keyset `after` (time, id).
pub async fn entries(
    db: &Db,
    (org_id, customer_id): (OrgId, CustomerId),
    currency: Option<&str>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<EntryRow>, sqlx::Error> {
    let (after_at, after_id) = after.unzip();
    let text = format!(
        "select {ENTRY_COLUMNS} from ledger_entry where org_id = $1 and customer_id = $2 \
         and ($3 is null or currency = $3) \
         and ($4 is null or at < $4 or (at = $4 and entry_id < $5)) \
         order by at desc, entry_id desc limit $6"
    );
    sql!(db db, query_as::<_, EntryRow>(sqlx::AssertSqlSafe(text))
        [org_id, customer_id, currency, after_at, after_id, limit] fetch_all)
}

/// The customer's entries in `currency` booked in `[from, to)`, oldest first, and the
/// balance before the first of them (what the statement opens with).
pub async fn period(
    db: &Db,
    (org_id, customer_id): (OrgId, CustomerId),
    currency: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<(i64, Vec<EntryRow>), sqlx::Error> {
    let opening: Option<i64> = sql!(db db, query_scalar(
        "select balance_after from ledger_entry where org_id = $1 and customer_id = $2 \
         and currency = $3 and at < $4 order by seq desc limit 1"
    ) [org_id, customer_id, currency, from] fetch_optional)?;
    let text = format!(
        "select {ENTRY_COLUMNS} from ledger_entry where org_id = $1 and customer_id = $2 \
         and currency = $3 and at >= $4 and at < $5 order by seq"
    );
    let rows = sql!(db db, query_as::<_, EntryRow>(sqlx::AssertSqlSafe(text))
        [org_id, customer_id, currency, from, to] fetch_all)?;
    Ok((opening.unwrap_or(0), rows))
}

/// The entry of this id, in the organization.
pub async fn entry(
    db: &Db,
    org_id: OrgId,
    entry_id: Uuid,
) -> Result<Option<EntryRow>, sqlx::Error> {
    let text =
        format!("select {ENTRY_COLUMNS} from ledger_entry where org_id = $1 and entry_id = $2");
    sql!(db db, query_as::<_, EntryRow>(sqlx::AssertSqlSafe(text)) [org_id, entry_id] fetch_optional)
}

/// What an adjustment keeps beside its entry.
pub struct AdjustmentRow<'a> {
    pub adjustment_id: Uuid,
    pub direction: &'a str,
    pub amount: i64,
    pub reason: &'a str,
    pub entry_id: Uuid,
    pub created_by: Uuid,
}

pub async fn insert_adjustment(
    tx: &mut Tx,
    entry: &NewEntry,
    a: &AdjustmentRow<'_>,
) -> Result<(), sqlx::Error> {
    sql!(tx tx, query(
        "insert into ledger_adjustment (adjustment_id, org_id, customer_id, currency, \
         direction, amount, reason, entry_id, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ) [a.adjustment_id, entry.org_id, entry.customer_id, &entry.currency, a.direction,
       a.amount, a.reason, a.entry_id, a.created_by, entry.at] execute)
    .map(drop)
}
