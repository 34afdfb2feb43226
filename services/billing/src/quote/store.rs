//! The SQL of quotes, every statement scoped to the organization. A change of state names
//! the state it expects, so two racing decisions cannot both win.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::sql;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Status;
use crate::invoice::store::{LineRow, Snapshot};
use crate::lines::Lines;

/// A quote as stored, without its lines.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QuoteRow {
    pub quote_id: Uuid,
    pub org_id: OrgId,
    pub customer_id: CustomerId,
    pub number: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub currency: String,
    pub valid_until: NaiveDate,
    pub notes: String,
    pub terms: String,
    pub subtotal: i64,
    pub tax_total: i64,
    pub total: i64,
    #[sqlx(flatten)]
    pub customer: Snapshot,
    pub issued_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_count: i32,
    #[sqlx(flatten)]
    pub decision: DecisionRow,
    pub converted_kind: Option<String>,
    pub converted_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The customer's decision on a quote, as recorded (all `None` until there is one).
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct DecisionRow {
    pub decision_name: Option<String>,
    pub decision_comment: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_ip: Option<String>,
    pub decision_user_agent: Option<String>,
    pub decision_channel: Option<String>,
    pub decision_link_id: Option<Uuid>,
    pub decision_content_sha256: Option<String>,
    pub decided_by: Option<Uuid>,
}

const COLUMNS: &str = "quote_id, org_id, customer_id, number, status, currency, valid_until, \
    notes, terms, subtotal, tax_total, total, customer_name, customer_email, customer_company, \
    customer_address, customer_locale, issued_at, sent_at, sent_count, decision_name, \
    decision_comment, decided_at, decision_ip, decision_user_agent, decision_channel, \
    decision_link_id, decision_content_sha256, decided_by, converted_kind, converted_id, \
    created_at, updated_at";

pub async fn insert(tx: &mut Tx, row: &QuoteRow, lines: &[LineRow]) -> Result<(), sqlx::Error> {
    let c = &row.customer;
    sql!(tx tx, query(
        "insert into quote (quote_id, org_id, customer_id, number, status, currency, \
         valid_until, notes, terms, subtotal, tax_total, total, customer_name, customer_email, \
         customer_company, customer_address, customer_locale, sent_count, created_at, \
         updated_at) values ($1, $2, $3, null, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $12, \
         $13, $14, $15, 0, $16, $16)"
    ) [row.quote_id, row.org_id, row.customer_id, &row.currency, row.valid_until, &row.notes,
       &row.terms, row.subtotal, row.tax_total, row.total, &c.customer_name, &c.customer_email,
       &c.customer_company, &c.customer_address, &c.customer_locale, row.created_at] execute)?;
    Lines::Quote.insert(tx, row.quote_id, lines).await
}

/// Rewrites a draft's fields and lines; false when it is no longer a draft.
pub async fn update_draft(
    tx: &mut Tx,
    row: &QuoteRow,
    lines: &[LineRow],
) -> Result<bool, sqlx::Error> {
    let c = &row.customer;
    let changed = sql!(tx tx, query(
        "update quote set customer_id = $3, currency = $4, valid_until = $5, notes = $6, \
         terms = $7, subtotal = $8, tax_total = $9, total = $10, customer_name = $11, \
         customer_email = $12, customer_company = $13, customer_address = $14, \
         customer_locale = $15, updated_at = $16 \
         where org_id = $1 and quote_id = $2 and status = 'draft'"
    ) [row.org_id, row.quote_id, row.customer_id, &row.currency, row.valid_until, &row.notes,
       &row.terms, row.subtotal, row.tax_total, row.total, &c.customer_name, &c.customer_email,
       &c.customer_company, &c.customer_address, &c.customer_locale, row.updated_at] execute)?;
    if changed == 0 {
        return Ok(false);
    }
    Lines::Quote.delete(tx, row.quote_id).await?;
    Lines::Quote.insert(tx, row.quote_id, lines).await?;
    Ok(true)
}

/// Deletes a draft (its lines go with it); false when there is no such draft.
pub async fn delete_draft(tx: &mut Tx, org_id: OrgId, quote_id: Uuid) -> Result<bool, sqlx::Error> {
    let deleted = sql!(tx tx, query(
        "delete from quote where org_id = $1 and quote_id = $2 and status = 'draft'"
    ) [org_id, quote_id] execute)?;
    if deleted == 1 {
        // Where the backend does not cascade.
        Lines::Quote.delete(tx, quote_id).await?;
    }
    Ok(deleted == 1)
}

/// Numbers the draft and sends it, with the customer's details as they are now; false
/// when it is no longer a draft.
pub async fn issue(
    tx: &mut Tx,
    (org_id, quote_id): (OrgId, Uuid),
    number: &str,
    customer: &Snapshot,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let c = customer;
    let changed = sql!(tx tx, query(
        "update quote set status = 'sent', number = $3, issued_at = $4, updated_at = $4, \
         customer_name = $5, customer_email = $6, customer_company = $7, \
         customer_address = $8, customer_locale = $9 \
         where org_id = $1 and quote_id = $2 and status = 'draft'"
    ) [org_id, quote_id, number, at, &c.customer_name, &c.customer_email, &c.customer_company,
       &c.customer_address, &c.customer_locale] execute)?;
    Ok(changed == 1)
}

/// A decision to record.
pub struct Decide<'a> {
    pub status: Status,
    pub decision: &'a DecisionRow,
    /// The quote must still be valid on this day.
    pub today: NaiveDate,
}

/// Records the customer's decision in the statement that checks the quote is theirs,
/// still `sent` and not past `valid_until`; false when any of that fails.
pub async fn decide(
    tx: &mut Tx,
    (org_id, customer_id, quote_id): (OrgId, CustomerId, Uuid),
    d: &Decide<'_>,
) -> Result<bool, sqlx::Error> {
    let r = d.decision;
    let changed = sql!(tx tx, query(
        "update quote set status = $4, decision_name = $5, decision_comment = $6, \
         decided_at = $7, decision_ip = $8, decision_user_agent = $9, decision_channel = $10, \
         decision_link_id = $11, decision_content_sha256 = $12, decided_by = $13, updated_at = $7 \
         where org_id = $1 and customer_id = $2 and quote_id = $3 and status = 'sent' \
         and valid_until >= $14"
    ) [org_id, customer_id, quote_id, d.status.as_str(), &r.decision_name, &r.decision_comment,
       r.decided_at, &r.decision_ip, &r.decision_user_agent, &r.decision_channel,
       r.decision_link_id, &r.decision_content_sha256, r.decided_by, d.today] execute)?;
    Ok(changed == 1)
}

/// Marks an accepted quote converted into `kind` `id`; false when it is not accepted or
/// was converted already.
pub async fn convert(
    tx: &mut Tx,
    (org_id, quote_id): (OrgId, Uuid),
    (kind, id): (&str, Uuid),
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let changed = sql!(tx tx, query(
        "update quote set converted_kind = $3, converted_id = $4, updated_at = $5 \
         where org_id = $1 and quote_id = $2 and status = 'accepted' and converted_id is null"
    ) [org_id, quote_id, kind, id, at] execute)?;
    Ok(changed == 1)
}

/// The organization's quote of this id; with `customer`, only theirs and never a draft.
pub async fn find(
    db: &Db,
    org_id: OrgId,
    customer: Option<CustomerId>,
    quote_id: Uuid,
) -> Result<Option<QuoteRow>, sqlx::Error> {
    sql!(db db, query_as::<_, QuoteRow>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from quote where org_id = $1 and quote_id = $2 \
         and ($3 is null or (customer_id = $3 and status <> 'draft'))"
    ))) [org_id, quote_id, customer] fetch_optional)
}

/// Which quotes a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub customer_id: Option<CustomerId>,
    /// A stored status; `sent` is those still valid on `today`.
    pub status: Option<Status>,
    /// Only those sent and past `valid_until` on `today` (shown as `expired`).
    pub expired: bool,
    /// Leave drafts out (what customers see).
    pub issued_only: bool,
    pub today: Option<NaiveDate>,
}

/// A page of the organization's quotes, newest first, after the keyset `after`.
pub async fn list(
    db: &Db,
    org_id: OrgId,
    f: Filter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<QuoteRow>, sqlx::Error> {
    let (after_at, after_id) = after.unzip();
    let sent = f.status == Some(Status::Sent);
    sql!(db db, query_as::<_, QuoteRow>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from quote where org_id = $1 \
         and ($2 is null or customer_id = $2) \
         and ($3 is null or status = $3) \
         and (not $4 or valid_until >= $6) \
         and (not $5 or (status = 'sent' and valid_until < $6)) \
         and (not $7 or status <> 'draft') \
         and ($8 is null or created_at < $8 or (created_at = $8 and quote_id < $9)) \
         order by created_at desc, quote_id desc limit $10"
    ))) [org_id, f.customer_id, f.status.map(Status::as_str), sent, f.expired, f.today,
         f.issued_only, after_at, after_id, limit] fetch_all)
}

/// Deletes the customer's draft quotes with their lines (an erase); answers how many.
pub async fn delete_drafts_of(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
) -> Result<u64, sqlx::Error> {
    sql!(tx tx, query(
        "delete from quote_line where quote_id in (select quote_id from quote \
         where org_id = $1 and customer_id = $2 and status = 'draft')"
    ) [org_id, customer_id] execute)?;
    sql!(tx tx, query(
        "delete from quote where org_id = $1 and customer_id = $2 and status = 'draft'"
    ) [org_id, customer_id] execute)
}
