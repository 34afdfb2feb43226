//! The SQL of payments, their allocations and refunds, every statement scoped to the
//! organization. What is left of a payment only changes in statements that check it
//! still covers the change.

use std::collections::HashMap;

use atrium_common::db::{Db, Pools, Tx, ids_json};
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::sql;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// A payment as stored, without its allocations.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaymentRow {
    pub payment_id: Uuid,
    pub org_id: OrgId,
    pub customer_id: CustomerId,
    #[sqlx(flatten)]
    pub customer: Payer,
    pub currency: String,
    pub amount: i64,
    pub allocated: i64,
    pub refunded: i64,
    pub received_on: NaiveDate,
    pub method: String,
    pub reference: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// Who paid (or was refunded), as their details were then.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Payer {
    pub customer_name: String,
    pub customer_email: String,
    pub customer_company: String,
}

/// Part of a payment applied to one invoice.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AllocationRow {
    pub payment_id: Uuid,
    pub invoice_id: Uuid,
    pub invoice_number: String,
    pub amount: i64,
    pub received_on: NaiveDate,
    pub method: String,
    pub created_at: DateTime<Utc>,
}

/// Money given back to a customer.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RefundRow {
    pub refund_id: Uuid,
    pub org_id: OrgId,
    pub customer_id: CustomerId,
    #[sqlx(flatten)]
    pub customer: Payer,
    pub currency: String,
    pub amount: i64,
    pub payment_id: Option<Uuid>,
    pub reason: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "payment_id, org_id, customer_id, customer_name, customer_email, \
    customer_company, currency, amount, allocated, refunded, received_on, method, reference, \
    created_by, created_at";
const REFUND_COLUMNS: &str = "refund_id, org_id, customer_id, customer_name, customer_email, \
    customer_company, currency, amount, payment_id, reason, created_by, created_at";

pub async fn insert(tx: &mut Tx, row: &PaymentRow) -> Result<(), sqlx::Error> {
    let c = &row.customer;
    sql!(tx tx, query(sqlx::AssertSqlSafe(format!(
        "insert into payment ({COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15)"
    ))) [row.payment_id, row.org_id, row.customer_id, &c.customer_name, &c.customer_email,
         &c.customer_company, &row.currency, row.amount, row.allocated, row.refunded,
         row.received_on, &row.method, &row.reference, row.created_by, row.created_at] execute)
    .map(drop)
}

pub async fn insert_allocation(
    tx: &mut Tx,
    payment_id: Uuid,
    (invoice_id, amount): (Uuid, i64),
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sql!(tx tx, query(
        "insert into payment_allocation (allocation_id, payment_id, invoice_id, amount, \
         created_at) values ($1, $2, $3, $4, $5)"
    ) [Uuid::new_v4(), payment_id, invoice_id, amount, at] execute)
    .map(drop)
}

/// Takes `allocated` and `refunded` more out of what is left of the payment; `None`
/// when it is not the organization's or does not cover them.
pub async fn take(
    tx: &mut Tx,
    (org_id, payment_id): (OrgId, Uuid),
    (allocated, refunded): (i64, i64),
) -> Result<Option<PaymentRow>, sqlx::Error> {
    sql!(tx tx, query_as::<_, PaymentRow>(sqlx::AssertSqlSafe(format!(
        "update payment set allocated = allocated + $3, refunded = refunded + $4 \
         where org_id = $1 and payment_id = $2 and amount - allocated - refunded >= $3 + $4 \
         returning {COLUMNS}"
    ))) [org_id, payment_id, allocated, refunded] fetch_optional)
}

/// The organization's payment of this id; with `customer`, only if it is theirs.
pub async fn find(
    db: &Db,
    org_id: OrgId,
    customer: Option<CustomerId>,
    payment_id: Uuid,
) -> Result<Option<PaymentRow>, sqlx::Error> {
    sql!(db db, query_as::<_, PaymentRow>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from payment where org_id = $1 and payment_id = $2 \
         and ($3 is null or customer_id = $3)"
    ))) [org_id, payment_id, customer] fetch_optional)
}

/// A page of the organization's payments (of one customer's), newest first.
pub async fn list(
    db: &Db,
    org_id: OrgId,
    customer: Option<CustomerId>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<PaymentRow>, sqlx::Error> {
    let (after_at, after_id) = after.unzip();
    sql!(db db, query_as::<_, PaymentRow>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from payment where org_id = $1 and ($2 is null or customer_id = $2) \
         and ($3 is null or created_at < $3 or (created_at = $3 and payment_id < $4)) \
         order by created_at desc, payment_id desc limit $5"
    ))) [org_id, customer, after_at, after_id, limit] fetch_all)
}

const ALLOCATION_SELECT: &str = "select a.payment_id, a.invoice_id, \
    coalesce(i.number, '') as invoice_number, a.amount, p.received_on, p.method, a.created_at \
    from payment_allocation a join invoice i on i.invoice_id = a.invoice_id \
    join payment p on p.payment_id = a.payment_id";

/// The allocations of each of `payment_ids` (`by_invoice`: of each of those invoices),
/// oldest first, in one query.
pub async fn allocations_of(
    db: &Db,
    ids: &[Uuid],
    by_invoice: bool,
) -> Result<HashMap<Uuid, Vec<AllocationRow>>, sqlx::Error> {
    let column = if by_invoice {
        "a.invoice_id"
    } else {
        "a.payment_id"
    };
    let rows: Vec<AllocationRow> = match db.pool() {
        Pools::Postgres(pool) => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{ALLOCATION_SELECT} where {column} = any($1) order by a.created_at, a.allocation_id"
        )))
        .bind(ids)
        .fetch_all(pool)
        .await?,
        Pools::Sqlite(pool) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{ALLOCATION_SELECT} where {column} in \
                 (select unhex(replace(value, '-', '')) from json_each($1)) \
                 order by a.created_at, a.allocation_id"
            )))
            .bind(ids_json(ids))
            .fetch_all(pool)
            .await?
        }
    };
    let mut by_id: HashMap<Uuid, Vec<AllocationRow>> = HashMap::new();
    for row in rows {
        let key = if by_invoice {
            row.invoice_id
        } else {
            row.payment_id
        };
        by_id.entry(key).or_default().push(row);
    }
    Ok(by_id)
}

pub async fn insert_refund(tx: &mut Tx, row: &RefundRow) -> Result<(), sqlx::Error> {
    let c = &row.customer;
    sql!(tx tx, query(sqlx::AssertSqlSafe(format!(
        "insert into refund ({REFUND_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         $10, $11, $12)"
    ))) [row.refund_id, row.org_id, row.customer_id, &c.customer_name, &c.customer_email,
         &c.customer_company, &row.currency, row.amount, row.payment_id, &row.reason,
         row.created_by, row.created_at] execute)
    .map(drop)
}

pub async fn find_refund(
    db: &Db,
    org_id: OrgId,
    refund_id: Uuid,
) -> Result<Option<RefundRow>, sqlx::Error> {
    sql!(db db, query_as::<_, RefundRow>(sqlx::AssertSqlSafe(format!(
        "select {REFUND_COLUMNS} from refund where org_id = $1 and refund_id = $2"
    ))) [org_id, refund_id] fetch_optional)
}

/// A page of the organization's refunds (of one customer's), newest first.
pub async fn refunds(
    db: &Db,
    org_id: OrgId,
    customer: Option<CustomerId>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<RefundRow>, sqlx::Error> {
    let (after_at, after_id) = after.unzip();
    sql!(db db, query_as::<_, RefundRow>(sqlx::AssertSqlSafe(format!(
        "select {REFUND_COLUMNS} from refund where org_id = $1 \
         and ($2 is null or customer_id = $2) \
         and ($3 is null or created_at < $3 or (created_at = $3 and refund_id < $4)) \
         order by created_at desc, refund_id desc limit $5"
    ))) [org_id, customer, after_at, after_id, limit] fetch_all)
}
