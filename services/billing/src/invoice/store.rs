//! The SQL of invoices and their lines, every statement scoped to the organization.
//! A change of state names the state it expects, so two racing changes cannot both win.

use atrium_common::db::{Db, Tx, fold, like_pattern};
use atrium_common::ids::{CustomerId, OrgId, ProjectId};
use atrium_common::sql;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Status;
use crate::lines::Lines;
use crate::money::LineInput;

/// An invoice as stored, without its lines.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvoiceRow {
    pub invoice_id: Uuid,
    pub org_id: OrgId,
    pub customer_id: CustomerId,
    pub project_id: Option<ProjectId>,
    pub number: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub currency: String,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub payment_terms_days: i32,
    pub notes: String,
    pub subtotal: i64,
    pub tax_total: i64,
    pub total: i64,
    pub amount_credited: i64,
    pub amount_paid: i64,
    #[sqlx(flatten)]
    pub customer: Snapshot,
    pub void_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When staff last sent it by share link, and how often.
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_count: i64,
}

/// The customer's billing details as the document shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Snapshot {
    pub customer_name: String,
    pub customer_email: String,
    pub customer_company: String,
    pub customer_address: String,
    pub customer_locale: String,
}

/// A stored line with its net.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LineRow {
    pub position: i32,
    pub description: String,
    pub quantity: String,
    pub unit_price_minor: i64,
    pub tax_rate: String,
    pub discount_percent: String,
    pub net: i64,
}

impl LineRow {
    pub fn input(&self) -> LineInput {
        LineInput {
            description: self.description.clone(),
            quantity: self.quantity.clone(),
            unit_price_minor: self.unit_price_minor,
            tax_rate: self.tax_rate.clone(),
            discount_percent: self.discount_percent.clone(),
        }
    }
}

const COLUMNS: &str = "invoice_id, org_id, customer_id, project_id, number, status, currency, \
    issue_date, due_date, payment_terms_days, notes, subtotal, tax_total, total, \
    amount_credited, amount_paid, customer_name, customer_email, customer_company, \
    customer_address, customer_locale, void_reason, created_at, updated_at";

/// What `q` matches: the number and the customer's name, email and company, folded.
fn search(row_number: Option<&str>, c: &Snapshot) -> String {
    fold(&[
        row_number.unwrap_or_default(),
        &c.customer_name,
        &c.customer_email,
        &c.customer_company,
    ])
}

pub async fn insert(tx: &mut Tx, row: &InvoiceRow, lines: &[LineRow]) -> Result<(), sqlx::Error> {
    let c = &row.customer;
    sql!(tx tx, query(sqlx::AssertSqlSafe(format!(
        "insert into invoice ({COLUMNS}, search) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)"
    ))) [row.invoice_id, row.org_id, row.customer_id, row.project_id, &row.number,
         row.status.as_str(), &row.currency, row.issue_date, row.due_date,
         row.payment_terms_days, &row.notes, row.subtotal, row.tax_total, row.total,
         row.amount_credited, row.amount_paid, &c.customer_name, &c.customer_email,
         &c.customer_company, &c.customer_address, &c.customer_locale, &row.void_reason,
         row.created_at, row.updated_at, search(row.number.as_deref(), c)] execute)?;
    Lines::Invoice.insert(tx, row.invoice_id, lines).await
}

/// Rewrites a draft's fields and lines; false when it is no longer a draft.
pub async fn update_draft(
    tx: &mut Tx,
    row: &InvoiceRow,
    lines: &[LineRow],
) -> Result<bool, sqlx::Error> {
    let c = &row.customer;
    let changed = sql!(tx tx, query(
        "update invoice set project_id = $3, currency = $4, payment_terms_days = $5, \
         notes = $6, subtotal = $7, tax_total = $8, total = $9, customer_name = $10, \
         customer_email = $11, customer_company = $12, customer_address = $13, \
         customer_locale = $14, updated_at = $15, search = $16 \
         where org_id = $1 and invoice_id = $2 and status = 'draft'"
    ) [row.org_id, row.invoice_id, row.project_id, &row.currency, row.payment_terms_days,
       &row.notes, row.subtotal, row.tax_total, row.total, &c.customer_name,
       &c.customer_email, &c.customer_company, &c.customer_address, &c.customer_locale,
       row.updated_at, search(None, c)] execute)?;
    if changed == 0 {
        return Ok(false);
    }
    Lines::Invoice.delete(tx, row.invoice_id).await?;
    Lines::Invoice.insert(tx, row.invoice_id, lines).await?;
    Ok(true)
}

/// Deletes a draft with its lines; false when there is no such draft.
pub async fn delete_draft(
    tx: &mut Tx,
    org_id: OrgId,
    invoice_id: Uuid,
) -> Result<bool, sqlx::Error> {
    let found: Option<Uuid> = sql!(tx tx, query_scalar(
        "select invoice_id from invoice where org_id = $1 and invoice_id = $2 and status = 'draft'"
    ) [org_id, invoice_id] fetch_optional)?;
    if found.is_none() {
        return Ok(false);
    }
    Lines::Invoice.delete(tx, invoice_id).await?;
    sql!(tx tx, query("delete from invoice where invoice_id = $1") [invoice_id] execute)?;
    Ok(true)
}

/// What issuing writes onto a draft.
pub struct Issue<'a> {
    pub number: &'a str,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub customer: &'a Snapshot,
    pub at: DateTime<Utc>,
}

/// Issues the draft; false when it is no longer a draft (another issue came first).
pub async fn issue(
    tx: &mut Tx,
    (org_id, invoice_id): (OrgId, Uuid),
    issue: &Issue<'_>,
) -> Result<bool, sqlx::Error> {
    let c = issue.customer;
    let changed = sql!(tx tx, query(
        "update invoice set status = 'issued', number = $3, issue_date = $4, due_date = $5, \
         customer_name = $6, customer_email = $7, customer_company = $8, \
         customer_address = $9, customer_locale = $10, updated_at = $11, search = $12 \
         where org_id = $1 and invoice_id = $2 and status = 'draft'"
    ) [org_id, invoice_id, issue.number, issue.issue_date, issue.due_date,
       &c.customer_name, &c.customer_email, &c.customer_company, &c.customer_address,
       &c.customer_locale, issue.at, search(Some(issue.number), c)] execute)?;
    Ok(changed == 1)
}

/// The invoice, locked for the transaction's change where the backend locks rows.
pub async fn find_in(
    tx: &mut Tx,
    org_id: OrgId,
    invoice_id: Uuid,
) -> Result<Option<InvoiceRow>, sqlx::Error> {
    let lock = if matches!(tx, Tx::Postgres(_)) {
        " for update"
    } else {
        ""
    };
    sql!(tx tx, query_as::<_, InvoiceRow>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS}, sent_at, sent_count from invoice where org_id = $1 and invoice_id = $2{lock}"
    ))) [org_id, invoice_id] fetch_optional)
}

pub async fn find(
    db: &Db,
    org_id: OrgId,
    invoice_id: Uuid,
) -> Result<Option<InvoiceRow>, sqlx::Error> {
    sql!(db db, query_as::<_, InvoiceRow>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS}, sent_at, sent_count from invoice where org_id = $1 and invoice_id = $2"
    ))) [org_id, invoice_id] fetch_optional)
}

/// One of the customer's own issued invoices (never a draft, never another's).
pub async fn find_issued_to(
    db: &Db,
    (org_id, customer_id): (OrgId, CustomerId),
    invoice_id: Uuid,
) -> Result<Option<InvoiceRow>, sqlx::Error> {
    sql!(db db, query_as::<_, InvoiceRow>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS}, sent_at, sent_count from invoice where org_id = $1 and customer_id = $2 \
         and invoice_id = $3 and status <> 'draft'"
    ))) [org_id, customer_id, invoice_id] fetch_optional)
}

/// Which invoices a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub customer_id: Option<CustomerId>,
    pub status: Option<Status>,
    /// Leave drafts out (what customers see).
    pub issued_only: bool,
    /// Only those still owed past their due date on `today`.
    pub overdue_on: Option<NaiveDate>,
    /// A number or a customer's name, email or company, in part.
    pub q: Option<&'a str>,
}

/// A page of the organization's invoices, newest first, after the keyset `after`.
pub async fn list(
    db: &Db,
    org_id: OrgId,
    filter: &Filter<'_>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<InvoiceRow>, sqlx::Error> {
    let (after_at, after_id) = after.unzip();
    let pattern = filter.q.map(like_pattern);
    sql!(db db, query_as::<_, InvoiceRow>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS}, sent_at, sent_count from invoice where org_id = $1 \
         and ($2 is null or customer_id = $2) \
         and ($3 is null or status = $3) \
         and (not $4 or status <> 'draft') \
         and ($5 is null or (due_date < $5 and status in ('issued', 'partially_paid'))) \
         and ($6 is null or search like $6 escape '\\') \
         and ($7 is null or created_at < $7 or (created_at = $7 and invoice_id < $8)) \
         order by created_at desc, invoice_id desc limit $9"
    ))) [org_id, filter.customer_id, filter.status.map(Status::as_str), filter.issued_only,
         filter.overdue_on, pattern, after_at, after_id, limit] fetch_all)
}

/// The organization's invoices still open to payment (issued or partially paid).
pub async fn open(db: &Db, org_id: OrgId) -> Result<Vec<InvoiceRow>, sqlx::Error> {
    sql!(db db, query_as::<_, InvoiceRow>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS}, sent_at, sent_count from invoice where org_id = $1 \
         and status in ('issued', 'partially_paid') order by customer_name, customer_id"
    ))) [org_id] fetch_all)
}

/// Money applied to an issued invoice: paid (an allocation) or credited (a credit note).
pub struct Apply<'a> {
    pub customer_id: CustomerId,
    pub currency: &'a str,
    pub paid: i64,
    pub credited: i64,
    /// Only while nothing is paid on it (a void).
    pub unpaid_only: bool,
    pub void_reason: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// Adds `a` to the open invoice of that customer and currency when it still fits in
/// what is due, in the statement that checks it (a racing payment waits for this row and
/// then sees what this one left), its status following: `paid` when nothing is left and
/// something was paid, `void` when credit notes alone cover it. `None` when it is not
/// open to it, or it does not fit.
pub async fn apply(
    tx: &mut Tx,
    (org_id, invoice_id): (OrgId, Uuid),
    a: &Apply<'_>,
) -> Result<Option<InvoiceRow>, sqlx::Error> {
    sql!(tx tx, query_as::<_, InvoiceRow>(sqlx::AssertSqlSafe(format!(
        "update invoice set amount_paid = amount_paid + $5, \
         amount_credited = amount_credited + $6, \
         status = case when total - amount_credited - amount_paid = $5 + $6 \
             then (case when amount_paid + $5 > 0 then 'paid' else 'void' end) \
             when amount_paid + $5 > 0 then 'partially_paid' else 'issued' end, \
         void_reason = coalesce($8, void_reason), updated_at = $9 \
         where org_id = $1 and invoice_id = $2 and customer_id = $3 and currency = $4 \
         and status in ('issued', 'partially_paid') \
         and total - amount_credited - amount_paid >= $5 + $6 \
         and (not $7 or amount_paid = 0) \
         returning {COLUMNS}, sent_at, sent_count"
    ))) [org_id, invoice_id, a.customer_id, a.currency, a.paid, a.credited, a.unpaid_only,
         a.void_reason, a.at] fetch_optional)
}

/// Deletes the customer's draft invoices with their lines (an erase); answers how many.
pub async fn delete_drafts_of(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
) -> Result<u64, sqlx::Error> {
    sql!(tx tx, query(
        "delete from invoice_line where invoice_id in (select invoice_id from invoice \
         where org_id = $1 and customer_id = $2 and status = 'draft')"
    ) [org_id, customer_id] execute)?;
    sql!(tx tx, query(
        "delete from invoice where org_id = $1 and customer_id = $2 and status = 'draft'"
    ) [org_id, customer_id] execute)
}

/// The customer's details as their latest issued invoice took them (what a statement is
/// addressed with).
pub async fn latest_snapshot(
    db: &Db,
    (org_id, customer_id): (OrgId, CustomerId),
) -> Result<Option<Snapshot>, sqlx::Error> {
    sql!(db db, query_as::<_, Snapshot>(
        "select customer_name, customer_email, customer_company, customer_address, \
         customer_locale from invoice where org_id = $1 and customer_id = $2 \
         and status <> 'draft' order by issue_date desc, created_at desc limit 1"
    ) [org_id, customer_id] fetch_optional)
}
