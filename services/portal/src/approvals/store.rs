//! The SQL of approvals, their files and their history. Every statement names the
//! organization; a customer's reads name their assigned projects and leave drafts out in
//! the statement itself. A decision is one conditional update: of two racing responses,
//! one changes the row.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{CustomerId, OrgId, ProjectId};
use atrium_common::sql;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Action, Status};

/// An approval as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApprovalRow {
    pub approval_id: Uuid,
    pub org_id: OrgId,
    pub project_id: ProjectId,
    pub title: String,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub revision: i32,
    pub due_on: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// One file of one revision.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileRow {
    pub file_id: Uuid,
    pub revision: i32,
    pub name: String,
    pub size: i64,
    pub content_type: String,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

/// One step of the history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub event_id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub action: Action,
    pub revision: i32,
    pub comment: Option<String>,
}

const COLUMNS: &str = "approval_id, org_id, project_id, title, description, status, revision, \
     due_on, created_by, created_at, updated_at, decided_at";

pub async fn insert(tx: &mut Tx, a: &ApprovalRow) -> Result<(), sqlx::Error> {
    sql!(tx tx, query(
        "insert into approval (approval_id, org_id, project_id, title, description, status, \
         revision, due_on, created_by, created_at, updated_at, decided_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ) [
        a.approval_id, a.org_id, a.project_id, &a.title, &a.description, a.status.as_str(),
        a.revision, &a.due_on, a.created_by, a.created_at, a.updated_at, a.decided_at,
    ] execute)
    .map(drop)
}

/// The organization's approval (the customer's reads check its project's assignment
/// beside it).
pub async fn find(
    db: &Db,
    org_id: OrgId,
    approval_id: Uuid,
) -> Result<Option<ApprovalRow>, sqlx::Error> {
    let text = format!("select {COLUMNS} from approval where org_id = $1 and approval_id = $2");
    sql!(db db, query_as::<_, ApprovalRow>(sqlx::AssertSqlSafe(text)) [org_id, approval_id] fetch_optional)
}

/// What a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    /// The customer's: their assigned projects' approvals, drafts left out, pending first.
    pub customer_id: Option<CustomerId>,
    pub project_id: Option<ProjectId>,
    pub status: Option<Status>,
}

/// A page after the keyset `after` (its rank is read from the row it names): staff's
/// newest first; a customer's pending first, then newest first.
pub async fn list(
    db: &Db,
    org_id: OrgId,
    f: Filter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<ApprovalRow>, sqlx::Error> {
    let (after_at, after_id) = after.unzip();
    // Staff rank every row alike; a customer's pending ones come first.
    let rank = "(case when $2 is not null and status = 'pending' then 0 else 1 end)";
    let after_rank = format!(
        "coalesce((select {} from approval b where b.org_id = $1 and b.approval_id = $6), 1)",
        rank.replace("status", "b.status")
    );
    let text = format!(
        "select {COLUMNS} from approval a where org_id = $1 \
         and ($2 is null or (status <> 'draft' and exists (select 1 from assignment s \
         where s.org_id = a.org_id and s.project_id = a.project_id and s.customer_id = $2))) \
         and ($3 is null or project_id = $3) and ($4 is null or status = $4) \
         and ($5 is null or {rank} > {after_rank} or ({rank} = {after_rank} \
         and (created_at < $5 or (created_at = $5 and approval_id < $6)))) \
         order by {rank}, created_at desc, approval_id desc limit $7"
    );
    sql!(db db, query_as::<_, ApprovalRow>(sqlx::AssertSqlSafe(text)) [
        org_id, f.customer_id, f.project_id, f.status.map(|s| s.as_str()), after_at, after_id,
        limit,
    ] fetch_all)
}

/// The approval's files, every revision's, oldest first.
pub async fn files(db: &Db, org_id: OrgId, approval_id: Uuid) -> Result<Vec<FileRow>, sqlx::Error> {
    sql!(db db, query_as(
        "select file_id, revision, name, size, content_type, sha256, created_at \
         from approval_file where org_id = $1 and approval_id = $2 \
         order by revision, created_at, file_id"
    ) [org_id, approval_id] fetch_all)
}

/// The approval's history, oldest first.
pub async fn history(
    db: &Db,
    org_id: OrgId,
    approval_id: Uuid,
) -> Result<Vec<EventRow>, sqlx::Error> {
    sql!(db db, query_as(
        "select event_id, at, actor_kind, actor_id, action, revision, comment \
         from approval_event where org_id = $1 and approval_id = $2 order by at, event_id"
    ) [org_id, approval_id] fetch_all)
}

pub async fn insert_file(
    tx: &mut Tx,
    (org_id, approval_id): (OrgId, Uuid),
    f: &FileRow,
) -> Result<(), sqlx::Error> {
    sql!(tx tx, query(
        "insert into approval_file (file_id, org_id, approval_id, revision, name, size, \
         content_type, sha256, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ) [
        f.file_id, org_id, approval_id, f.revision, &f.name, f.size, &f.content_type,
        &f.sha256, f.created_at,
    ] execute)
    .map(drop)
}

/// Records a step; false when it was a `viewed` of a revision already viewed.
pub async fn record(
    tx: &mut Tx,
    (org_id, approval_id): (OrgId, Uuid),
    e: &EventRow,
) -> Result<bool, sqlx::Error> {
    sql!(tx tx, query(
        "insert into approval_event (event_id, org_id, approval_id, at, actor_kind, actor_id, \
         action, revision, comment) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         on conflict do nothing"
    ) [
        e.event_id, org_id, approval_id, e.at, &e.actor_kind, e.actor_id, e.action.as_str(),
        e.revision, &e.comment,
    ] execute)
    .map(|n| n == 1)
}

/// Writes the approval's fields when its status and revision are still `seen`'s: false
/// when another change came first (or it is gone).
pub async fn update_if(
    tx: &mut Tx,
    a: &ApprovalRow,
    (seen_status, seen_revision): (Status, i32),
) -> Result<bool, sqlx::Error> {
    sql!(tx tx, query(
        "update approval set title = $3, description = $4, status = $5, revision = $6, \
         due_on = $7, updated_at = $8, decided_at = $9 \
         where org_id = $1 and approval_id = $2 and status = $10 and revision = $11"
    ) [
        a.org_id, a.approval_id, &a.title, &a.description, a.status.as_str(), a.revision,
        &a.due_on, a.updated_at, a.decided_at, seen_status.as_str(), seen_revision,
    ] execute)
    .map(|changed| changed == 1)
}

/// Deletes the approval with its files' rows and history; false when it was gone.
pub async fn delete(tx: &mut Tx, org_id: OrgId, approval_id: Uuid) -> Result<bool, sqlx::Error> {
    for table in ["approval_event", "approval_file"] {
        let text = format!("delete from {table} where org_id = $1 and approval_id = $2");
        sql!(tx tx, query(sqlx::AssertSqlSafe(text)) [org_id, approval_id] execute)?;
    }
    sql!(tx tx, query(
        "delete from approval where org_id = $1 and approval_id = $2"
    ) [org_id, approval_id] execute)
    .map(|gone| gone == 1)
}

/// Deletes the project's approvals with their files' rows and history (the project is
/// being deleted); answers their ids, whose files the documents service is to delete.
pub async fn delete_of_project(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let ids: Vec<Uuid> = sql!(tx tx, query_scalar(
        "select approval_id from approval where org_id = $1 and project_id = $2"
    ) [org_id, project_id] fetch_all)?;
    for id in &ids {
        delete(tx, org_id, *id).await?;
    }
    Ok(ids)
}

/// The oldest five pending approvals of the projects assigned to the customer.
pub async fn oldest_pending(
    db: &Db,
    (org_id, customer_id): (OrgId, CustomerId),
) -> Result<Vec<ApprovalRow>, sqlx::Error> {
    let text = format!(
        "select {COLUMNS} from approval a where org_id = $1 and status = 'pending' and exists \
         (select 1 from assignment s where s.org_id = a.org_id and s.project_id = a.project_id \
         and s.customer_id = $2) order by created_at, approval_id limit 5"
    );
    sql!(db db, query_as::<_, ApprovalRow>(sqlx::AssertSqlSafe(text)) [org_id, customer_id] fetch_all)
}

/// GDPR erase: the customer's comments go; their other steps stay, no longer naming them.
pub async fn forget(
    tx: &mut Tx,
    (org_id, customer_id): (OrgId, CustomerId),
) -> Result<u64, sqlx::Error> {
    let gone = sql!(tx tx, query(
        "delete from approval_event where org_id = $1 and actor_kind = 'customer' \
         and actor_id = $2 and action = 'commented'"
    ) [org_id, customer_id] execute)?;
    sql!(tx tx, query(
        "update approval_event set actor_id = null, comment = null where org_id = $1 \
         and actor_kind = 'customer' and actor_id = $2"
    ) [org_id, customer_id] execute)?;
    Ok(gone)
}
