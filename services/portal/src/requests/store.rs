//! The SQL of requests and their messages. Every statement names the organization; every
//! query that serves a customer names the customer and leaves internal notes out in the
//! statement itself (`internal = false`), never after it.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{CustomerId, OrgId, ProjectId, StaffId};
use atrium_common::sql;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Priority, RequestType, Status};

/// A request as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestRow {
    pub request_id: Uuid,
    pub org_id: OrgId,
    pub number: i64,
    pub customer_id: CustomerId,
    pub project_id: Option<ProjectId>,
    #[sqlx(try_from = "String")]
    pub request_type: RequestType,
    pub category: String,
    pub title: String,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub priority: Priority,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub assignee_id: Option<StaffId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// One message of a request's thread.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageRow {
    pub message_id: Uuid,
    pub author_kind: String,
    pub author_id: Option<Uuid>,
    pub body: String,
    pub internal: bool,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "request_id, org_id, number, customer_id, project_id, request_type, \
     category, title, description, priority, status, assignee_id, created_at, updated_at, \
     first_response_at, closed_at";

/// The organization's next request number (from 1), inside the transaction that uses it.
pub async fn next_number(tx: &mut Tx, org_id: OrgId) -> Result<i64, sqlx::Error> {
    sql!(tx tx, query_scalar(
        "insert into request_counter (org_id, last_number) values ($1, 1) \
         on conflict (org_id) do update set last_number = request_counter.last_number + 1 \
         returning last_number"
    ) [org_id] fetch_one)
}

pub async fn insert(tx: &mut Tx, r: &RequestRow) -> Result<(), sqlx::Error> {
    sql!(tx tx, query(
        "insert into customer_request (request_id, org_id, number, customer_id, project_id, \
         request_type, category, title, description, priority, status, assignee_id, \
         created_at, updated_at, first_response_at, closed_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
    ) [
        r.request_id, r.org_id, r.number, r.customer_id, r.project_id, r.request_type.as_str(),
        &r.category, &r.title, &r.description, r.priority.as_str(), r.status.as_str(),
        r.assignee_id, r.created_at, r.updated_at, r.first_response_at, r.closed_at,
    ] execute)
    .map(drop)
}

/// The organization's request (`customer`: only if it is theirs).
pub async fn find(
    db: &Db,
    org_id: OrgId,
    customer: Option<CustomerId>,
    request_id: Uuid,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let text = format!(
        "select {COLUMNS} from customer_request where org_id = $1 and request_id = $2 \
         and ($3 is null or customer_id = $3)"
    );
    sql!(db db, query_as::<_, RequestRow>(sqlx::AssertSqlSafe(text)) [org_id, request_id, customer] fetch_optional)
}

/// What a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub customer_id: Option<CustomerId>,
    pub status: Option<Status>,
    pub request_type: Option<RequestType>,
    pub priority: Option<Priority>,
    pub assignee_id: Option<StaffId>,
    pub project_id: Option<ProjectId>,
    /// A case-insensitive substring of the title (ASCII folding on SQLite).
    pub q: Option<String>,
}

/// A page of the organization's requests, newest first, after the keyset `after`.
pub async fn list(
    db: &Db,
    org_id: OrgId,
    f: &Filter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    let (after_at, after_id) = after.unzip();
    let pattern = f.q.as_deref().map(atrium_common::db::like_pattern);
    // A customer's list names them as a plain equality, so the planner walks their own
    // index (behind `$2 is null or`, SQLite scans the organization's newest first).
    let customer = if f.customer_id.is_some() {
        "customer_id = $2"
    } else {
        "$2 is null"
    };
    let text = format!(
        "select {COLUMNS} from customer_request where org_id = $1 \
         and {customer} and ($3 is null or status = $3) \
         and ($4 is null or request_type = $4) and ($5 is null or priority = $5) \
         and ($6 is null or assignee_id = $6) and ($7 is null or project_id = $7) \
         and ($8 is null or lower(title) like $8 escape '\\') \
         and ($9 is null or created_at < $9 or (created_at = $9 and request_id < $10)) \
         order by created_at desc, request_id desc limit $11"
    );
    sql!(db db, query_as::<_, RequestRow>(sqlx::AssertSqlSafe(text)) [
        org_id, f.customer_id, f.status.map(|s| s.as_str()),
        f.request_type.map(|t| t.as_str()), f.priority.map(|p| p.as_str()), f.assignee_id,
        f.project_id, pattern, after_at, after_id, limit,
    ] fetch_all)
}

/// A request's thread, oldest first; `public_only` leaves internal notes out (every
/// customer-facing read).
pub async fn messages(
    db: &Db,
    org_id: OrgId,
    request_id: Uuid,
    public_only: bool,
) -> Result<Vec<MessageRow>, sqlx::Error> {
    sql!(db db, query_as(
        "select message_id, author_kind, author_id, body, internal, created_at \
         from request_message where org_id = $1 and request_id = $2 \
         and (not $3 or internal = false) order by created_at, message_id"
    ) [org_id, request_id, public_only] fetch_all)
}

pub async fn insert_message(
    tx: &mut Tx,
    (org_id, request_id): (OrgId, Uuid),
    m: &MessageRow,
) -> Result<(), sqlx::Error> {
    sql!(tx tx, query(
        "insert into request_message (message_id, org_id, request_id, author_kind, author_id, \
         body, internal, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)"
    ) [
        m.message_id, org_id, request_id, &m.author_kind, m.author_id, &m.body, m.internal,
        m.created_at,
    ] execute)
    .map(drop)
}

/// Writes the fields staff (or the customer's reply, reopening) change; false when the
/// request is gone.
pub async fn update(tx: &mut Tx, r: &RequestRow) -> Result<bool, sqlx::Error> {
    sql!(tx tx, query(
        "update customer_request set status = $3, priority = $4, category = $5, \
         assignee_id = $6, project_id = $7, updated_at = $8, first_response_at = $9, \
         closed_at = $10 where org_id = $1 and request_id = $2"
    ) [
        r.org_id, r.request_id, r.status.as_str(), r.priority.as_str(), &r.category,
        r.assignee_id, r.project_id, r.updated_at, r.first_response_at, r.closed_at,
    ] execute)
    .map(|changed| changed == 1)
}

/// GDPR erase: the customer's requests go, their threads with them.
pub async fn forget(
    tx: &mut Tx,
    (org_id, customer_id): (OrgId, CustomerId),
) -> Result<u64, sqlx::Error> {
    sql!(tx tx, query(
        "delete from request_message where org_id = $1 and request_id in \
         (select request_id from customer_request where org_id = $1 and customer_id = $2)"
    ) [org_id, customer_id] execute)?;
    sql!(tx tx, query(
        "delete from customer_request where org_id = $1 and customer_id = $2"
    ) [org_id, customer_id] execute)
}

/// The organization's requests opened or closed in `[start, end)` (the stats).
pub async fn in_period(
    db: &Db,
    org_id: OrgId,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<RequestRow>, sqlx::Error> {
    let text = format!(
        "select {COLUMNS} from customer_request where org_id = $1 \
         and ((created_at >= $2 and created_at < $3) or (closed_at >= $2 and closed_at < $3))"
    );
    sql!(db db, query_as::<_, RequestRow>(sqlx::AssertSqlSafe(text)) [org_id, start, end] fetch_all)
}
