//! The SQL of attachments; every statement names the organization.

use atrium_common::db::Db;
use atrium_common::ids::{FileId, OrgId};
use atrium_common::sql;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttachmentRow {
    pub file_id: FileId,
    pub org_id: OrgId,
    pub owner_kind: String,
    pub owner_id: String,
    pub file_name: String,
    pub size: i64,
    pub content_type: String,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "file_id, org_id, owner_kind, owner_id, file_name, size, content_type, sha256, created_at";

pub async fn insert(db: &Db, a: &AttachmentRow) -> Result<(), sqlx::Error> {
    sql!(db db, query(
        "insert into attachment (file_id, org_id, owner_kind, owner_id, file_name, size, \
         content_type, sha256, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ) [
        a.file_id, a.org_id, &a.owner_kind, &a.owner_id, &a.file_name, a.size, &a.content_type,
        &a.sha256, a.created_at,
    ] execute)
    .map(drop)
}

pub async fn find(
    db: &Db,
    org_id: OrgId,
    file_id: FileId,
) -> Result<Option<AttachmentRow>, sqlx::Error> {
    let select = format!("select {COLUMNS} from attachment where org_id = $1 and file_id = $2");
    sql!(db db, query_as::<_, AttachmentRow>(sqlx::AssertSqlSafe(select)) [org_id, file_id] fetch_optional)
}

/// Deletes the owner's files; answers them, for the storage.
pub async fn delete_owned(
    db: &Db,
    org_id: OrgId,
    (kind, id): (&str, &str),
) -> Result<Vec<AttachmentRow>, sqlx::Error> {
    let select = format!(
        "select {COLUMNS} from attachment where org_id = $1 and owner_kind = $2 and owner_id = $3"
    );
    let mut tx = db.begin().await?;
    let rows: Vec<AttachmentRow> = sql!(tx &mut tx, query_as::<_, AttachmentRow>(sqlx::AssertSqlSafe(select)) [org_id, kind, id] fetch_all)?;
    sql!(tx &mut tx, query(
        "delete from attachment where org_id = $1 and owner_kind = $2 and owner_id = $3"
    ) [org_id, kind, id] execute)?;
    tx.commit().await?;
    Ok(rows)
}

/// Whether an attachment holds the file (the storage sweep keeps such objects).
pub async fn file_is_used(db: &Db, org_id: OrgId, file_id: FileId) -> Result<bool, sqlx::Error> {
    Ok(find(db, org_id, file_id).await?.is_some())
}
