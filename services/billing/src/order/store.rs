//! The SQL of sales orders, every statement scoped to the organization; a change of
//! state names the states it may come from.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::sql;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Status;
use crate::invoice::store::{LineRow, Snapshot};
use crate::lines::Lines;

/// An order as stored, without its lines.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderRow {
    pub order_id: Uuid,
    pub org_id: OrgId,
    pub customer_id: CustomerId,
    pub number: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub currency: String,
    pub notes: String,
    pub subtotal: i64,
    pub tax_total: i64,
    pub total: i64,
    #[sqlx(flatten)]
    pub customer: Snapshot,
    pub quote_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When staff last sent it by share link, and how often.
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_count: i64,
}

const COLUMNS: &str = "order_id, org_id, customer_id, number, status, currency, notes, \
    subtotal, tax_total, total, customer_name, customer_email, customer_company, \
    customer_address, customer_locale, quote_id, invoice_id, created_at, updated_at";

pub async fn insert(tx: &mut Tx, row: &OrderRow, lines: &[LineRow]) -> Result<(), sqlx::Error> {
    let c = &row.customer;
    sql!(tx tx, query(sqlx::AssertSqlSafe(format!(
        "insert into sales_order ({COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19)"
    ))) [row.order_id, row.org_id, row.customer_id, &row.number, row.status.as_str(),
         &row.currency, &row.notes, row.subtotal, row.tax_total, row.total, &c.customer_name,
         &c.customer_email, &c.customer_company, &c.customer_address, &c.customer_locale,
         row.quote_id, row.invoice_id, row.created_at, row.updated_at] execute)?;
    Lines::Order.insert(tx, row.order_id, lines).await
}

/// Moves an open order to `to`; false when it is not open.
pub async fn close(
    tx: &mut Tx,
    (org_id, order_id): (OrgId, Uuid),
    to: Status,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let changed = sql!(tx tx, query(
        "update sales_order set status = $3, updated_at = $4 \
         where org_id = $1 and order_id = $2 and status = 'open'"
    ) [org_id, order_id, to.as_str(), at] execute)?;
    Ok(changed == 1)
}

/// Notes the invoice made from an order that is not cancelled and was not invoiced;
/// false otherwise.
pub async fn invoiced(
    tx: &mut Tx,
    (org_id, order_id): (OrgId, Uuid),
    invoice_id: Uuid,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let changed = sql!(tx tx, query(
        "update sales_order set invoice_id = $3, updated_at = $4 \
         where org_id = $1 and order_id = $2 and status <> 'cancelled' and invoice_id is null"
    ) [org_id, order_id, invoice_id, at] execute)?;
    Ok(changed == 1)
}

/// The organization's order of this id; with `customer`, only if it is theirs.
pub async fn find(
    db: &Db,
    org_id: OrgId,
    customer: Option<CustomerId>,
    order_id: Uuid,
) -> Result<Option<OrderRow>, sqlx::Error> {
    sql!(db db, query_as::<_, OrderRow>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS}, sent_at, sent_count from sales_order where org_id = $1 and order_id = $2 \
         and ($3 is null or customer_id = $3)"
    ))) [org_id, order_id, customer] fetch_optional)
}

/// A page of the organization's orders, newest first, after the keyset `after`.
pub async fn list(
    db: &Db,
    (org_id, customer): (OrgId, Option<CustomerId>),
    status: Option<Status>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<OrderRow>, sqlx::Error> {
    let (after_at, after_id) = after.unzip();
    sql!(db db, query_as::<_, OrderRow>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS}, sent_at, sent_count from sales_order where org_id = $1 \
         and ($2 is null or customer_id = $2) and ($3 is null or status = $3) \
         and ($4 is null or created_at < $4 or (created_at = $4 and order_id < $5)) \
         order by created_at desc, order_id desc limit $6"
    ))) [org_id, customer, status.map(Status::as_str), after_at, after_id, limit] fetch_all)
}
