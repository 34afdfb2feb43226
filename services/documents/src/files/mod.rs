//! Attachments: files other services own, stored here for them. The owner service
//! decides who may read one; here a file is only ever found in the caller's
//! organization, and goes when its owner asks.

pub mod store;

use atrium_common::auth::Principal;
use atrium_common::ids::FileId;
use bytes::Bytes;
use futures_util::stream::Stream;
use uuid::Uuid;

use crate::AppState;
use crate::document::FileBytes;
use crate::error::DocumentsError;
use crate::storage::{Allowed, ObjectKey};
use store::AttachmentRow;

fn invalid(field: &'static str, problem: &'static str) -> DocumentsError {
    DocumentsError::InvalidField { field, problem }
}

/// An owner as given: a kind of lowercase words and an id of at most 100 characters.
fn owner(kind: &str, id: &str) -> Result<(String, String), DocumentsError> {
    let kind = kind.trim();
    if kind.is_empty()
        || kind.len() > 40
        || !kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    {
        return Err(invalid("owner.kind", "must be a lowercase word"));
    }
    let id = id.trim();
    if id.is_empty() || id.chars().count() > 100 {
        return Err(invalid("owner.id", "must be 1 to 100 characters"));
    }
    Ok((kind.to_owned(), id.to_owned()))
}

fn key_of(row: &AttachmentRow) -> ObjectKey {
    ObjectKey {
        org_id: row.org_id.0,
        file_id: row.file_id.0,
    }
}

/// Stores the streamed file for its owner: the object first, then the row.
pub async fn put<S, E>(
    state: &AppState,
    principal: &Principal,
    (kind, id, file_name): (&str, &str, &str),
    chunks: S,
) -> Result<AttachmentRow, DocumentsError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let (owner_kind, owner_id) = owner(kind, id)?;
    let file_name = file_name.trim().to_owned();
    if file_name.is_empty() || file_name.chars().count() > 255 {
        return Err(invalid("file_name", "must be 1 to 255 characters"));
    }
    let stored = state
        .storage
        .put(principal.org_id.0, &file_name, Allowed::Documents, chunks)
        .await?;
    let row = AttachmentRow {
        file_id: FileId(stored.key.file_id),
        org_id: principal.org_id,
        owner_kind,
        owner_id,
        file_name,
        size: i64::try_from(stored.size).unwrap_or(i64::MAX),
        content_type: stored.content_type.to_owned(),
        sha256: stored.sha256.clone(),
        created_at: state.clock.now(),
    };
    if let Err(err) = store::insert(&state.db, &row).await {
        if let Err(gone) = state.storage.delete(&stored.key).await {
            tracing::warn!(error = %gone, "deleting the object of an unwritten attachment");
        }
        return Err(err.into());
    }
    Ok(row)
}

pub async fn get(
    state: &AppState,
    principal: &Principal,
    file_id: &str,
) -> Result<AttachmentRow, DocumentsError> {
    let id = Uuid::parse_str(file_id).map_err(|_| DocumentsError::DocumentNotFound)?;
    store::find(&state.db, principal.org_id, FileId(id))
        .await?
        .ok_or(DocumentsError::DocumentNotFound)
}

/// The file (or `range` of it, within the file) as a stream.
pub async fn read(
    state: &AppState,
    principal: &Principal,
    file_id: &str,
    range: Option<std::ops::Range<u64>>,
) -> Result<(AttachmentRow, FileBytes), DocumentsError> {
    let row = get(state, principal, file_id).await?;
    let bytes = state
        .storage
        .get_within(&key_of(&row), row.size, range)
        .await?;
    Ok((row, bytes))
}

/// Deletes every file of the owner: rows first, then objects (a failed delete leaves an
/// orphan the sweep takes).
pub async fn delete_owned(
    state: &AppState,
    principal: &Principal,
    (kind, id): (&str, &str),
) -> Result<usize, DocumentsError> {
    let (kind, id) = owner(kind, id)?;
    let rows = store::delete_owned(&state.db, principal.org_id, (&kind, &id)).await?;
    for row in &rows {
        if let Err(err) = state.storage.delete(&key_of(row)).await {
            tracing::warn!(error = %err, "deleting an attachment's object");
        }
    }
    Ok(rows.len())
}
