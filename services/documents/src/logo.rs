//! The organization's logo: one PNG, JPEG or WebP of at most 1 MiB, stored like every
//! other file and served to anyone (pages before sign-in show it). A new logo replaces
//! the old one, whose object goes once the row points at the new.

use atrium_common::auth::Principal;
use atrium_common::db::Db;
use atrium_common::ids::{FileId, OrgId};
use atrium_common::sql;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::stream::Stream;

use crate::AppState;
use crate::document::FileBytes;
use crate::error::DocumentsError;
use crate::storage::{Allowed, ObjectKey};

/// The largest logo.
pub const MAX_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LogoRow {
    pub org_id: OrgId,
    pub file_id: FileId,
    pub file_name: String,
    pub size: i64,
    pub content_type: String,
    pub sha256: String,
    pub updated_at: DateTime<Utc>,
}

impl LogoRow {
    fn key(&self) -> ObjectKey {
        ObjectKey {
            org_id: self.org_id.0,
            file_id: self.file_id.0,
        }
    }
}

async fn find(db: &Db, org_id: OrgId) -> Result<Option<LogoRow>, sqlx::Error> {
    sql!(db db, query_as::<_, LogoRow>(
        "select org_id, file_id, file_name, size, content_type, sha256, updated_at \
         from org_logo where org_id = $1"
    ) [org_id] fetch_optional)
}

/// Whether a logo holds the file (the storage sweep keeps such objects).
pub async fn file_is_used(db: &Db, org_id: OrgId, file_id: FileId) -> Result<bool, sqlx::Error> {
    Ok(find(db, org_id)
        .await?
        .is_some_and(|logo| logo.file_id == file_id))
}

/// Stores the streamed logo and makes it the organization's.
pub async fn set<S, E>(
    state: &AppState,
    staff: &Principal,
    file_name: &str,
    chunks: S,
) -> Result<LogoRow, DocumentsError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let file_name = file_name.trim();
    if file_name.is_empty() || file_name.chars().count() > 255 {
        return Err(DocumentsError::InvalidField {
            field: "file_name",
            problem: "must be 1 to 255 characters",
        });
    }
    let storage = state.storage.with_max(MAX_BYTES);
    let stored = storage
        .put(staff.org_id.0, file_name, Allowed::Images, chunks)
        .await?;
    let row = LogoRow {
        org_id: staff.org_id,
        file_id: FileId(stored.key.file_id),
        file_name: file_name.to_owned(),
        size: i64::try_from(stored.size).unwrap_or(i64::MAX),
        content_type: stored.content_type.to_owned(),
        sha256: stored.sha256.clone(),
        updated_at: state.clock.now(),
    };
    let before = find(&state.db, row.org_id).await?;
    let written = sql!(db &state.db, query(
        "insert into org_logo (org_id, file_id, file_name, size, content_type, sha256, \
         updated_at) values ($1, $2, $3, $4, $5, $6, $7) on conflict (org_id) do update set \
         file_id = excluded.file_id, file_name = excluded.file_name, size = excluded.size, \
         content_type = excluded.content_type, sha256 = excluded.sha256, \
         updated_at = excluded.updated_at"
    ) [
        row.org_id, row.file_id, &row.file_name, row.size, &row.content_type, &row.sha256,
        row.updated_at,
    ] execute);
    if let Err(err) = written {
        if let Err(gone) = state.storage.delete(&stored.key).await {
            tracing::warn!(error = %gone, "deleting the object of an unwritten logo");
        }
        return Err(err.into());
    }
    if let Some(old) = before.filter(|old| old.file_id != row.file_id)
        && let Err(err) = state.storage.delete(&old.key()).await
    {
        tracing::warn!(error = %err, "deleting a replaced logo");
    }
    Ok(row)
}

/// The organization's logo (`org_id` as given by anyone).
pub async fn get(state: &AppState, org_id: &str) -> Result<LogoRow, DocumentsError> {
    let org_id = OrgId::parse(org_id).ok_or(DocumentsError::DocumentNotFound)?;
    find(&state.db, org_id)
        .await?
        .ok_or(DocumentsError::DocumentNotFound)
}

pub async fn read(
    state: &AppState,
    org_id: &str,
    range: Option<std::ops::Range<u64>>,
) -> Result<(LogoRow, FileBytes), DocumentsError> {
    let row = get(state, org_id).await?;
    let bytes = state
        .storage
        .get_within(&row.key(), row.size, range)
        .await?;
    Ok((row, bytes))
}
