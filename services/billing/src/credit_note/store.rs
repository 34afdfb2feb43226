//! The SQL of credit notes and their lines, every statement scoped to the organization.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::sql;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::invoice::store::{LineRow, Snapshot};
use crate::lines::Lines;

/// A credit note as stored, without its lines.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CreditNoteRow {
    pub credit_note_id: Uuid,
    pub org_id: OrgId,
    pub invoice_id: Uuid,
    pub customer_id: CustomerId,
    pub number: String,
    /// The credited invoice's number.
    pub invoice_number: String,
    pub currency: String,
    pub issue_date: NaiveDate,
    pub reason: String,
    pub subtotal: i64,
    pub tax_total: i64,
    pub total: i64,
    #[sqlx(flatten)]
    pub customer: Snapshot,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    /// When staff last sent it by share link, and how often.
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_count: i64,
}

const COLUMNS: &str = "c.credit_note_id, c.org_id, c.invoice_id, c.customer_id, c.number, \
    i.number as invoice_number, c.currency, c.issue_date, c.reason, c.subtotal, c.tax_total, \
    c.total, c.customer_name, c.customer_email, c.customer_company, c.customer_address, \
    c.customer_locale, c.created_by, c.created_at";
const FROM: &str = "credit_note c join invoice i on i.invoice_id = c.invoice_id";

pub async fn insert(
    tx: &mut Tx,
    row: &CreditNoteRow,
    lines: &[LineRow],
) -> Result<(), sqlx::Error> {
    let c = &row.customer;
    sql!(tx tx, query(
        "insert into credit_note (credit_note_id, org_id, invoice_id, customer_id, number, \
         currency, issue_date, reason, subtotal, tax_total, total, customer_name, \
         customer_email, customer_company, customer_address, customer_locale, created_by, \
         created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
         $15, $16, $17, $18)"
    ) [row.credit_note_id, row.org_id, row.invoice_id, row.customer_id, &row.number,
       &row.currency, row.issue_date, &row.reason, row.subtotal, row.tax_total, row.total,
       &c.customer_name, &c.customer_email, &c.customer_company, &c.customer_address,
       &c.customer_locale, row.created_by, row.created_at] execute)?;
    Lines::CreditNote
        .insert(tx, row.credit_note_id, lines)
        .await
}

/// The organization's credit note of this id; with `customer`, only if it is theirs.
pub async fn find(
    db: &Db,
    org_id: OrgId,
    customer: Option<CustomerId>,
    credit_note_id: Uuid,
) -> Result<Option<CreditNoteRow>, sqlx::Error> {
    sql!(db db, query_as::<_, CreditNoteRow>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS}, c.sent_at, c.sent_count from {FROM} where c.org_id = $1 and c.credit_note_id = $2 \
         and ($3 is null or c.customer_id = $3)"
    ))) [org_id, credit_note_id, customer] fetch_optional)
}

/// Which credit notes a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub invoice_id: Option<Uuid>,
    pub customer_id: Option<CustomerId>,
}

/// A page of the organization's credit notes, newest first, after the keyset `after`.
pub async fn list(
    db: &Db,
    org_id: OrgId,
    filter: Filter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<CreditNoteRow>, sqlx::Error> {
    let (after_at, after_id) = after.unzip();
    sql!(db db, query_as::<_, CreditNoteRow>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS}, c.sent_at, c.sent_count from {FROM} where c.org_id = $1 \
         and ($2 is null or c.invoice_id = $2) and ($3 is null or c.customer_id = $3) \
         and ($4 is null or c.created_at < $4 or (c.created_at = $4 and c.credit_note_id < $5)) \
         order by c.created_at desc, c.credit_note_id desc limit $6"
    ))) [org_id, filter.invoice_id, filter.customer_id, after_at, after_id, limit] fetch_all)
}
