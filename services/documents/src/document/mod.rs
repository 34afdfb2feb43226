//! Project documents: one current file each, a version number and the publish
//! workflow. Staff reach a project's documents only through a project the portal says
//! is theirs to see; every statement is scoped to the caller's organization.

pub mod store;
pub mod workflow;

use atrium_common::auth::Principal;
use atrium_common::ids::{DocumentId, FileId, ProjectId};
use atrium_proto::portal::v1 as portal;
use bytes::Bytes;
use futures_util::stream::{BoxStream, Stream};

use crate::AppState;
use crate::error::DocumentsError;
use crate::storage::{Allowed, ObjectKey, StorageError};
use store::{DocumentRow, HistoryRow};
use workflow::{Action, Status};

/// A document with its history (on single reads).
#[derive(Debug, Clone)]
pub struct DocumentView {
    pub row: DocumentRow,
    pub history: Vec<HistoryRow>,
}

/// What staff give a new document besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct NewDocument {
    pub project_id: String,
    pub title: String,
    pub description: String,
    pub file_name: String,
    pub document_type_id: String,
}

fn invalid(field: &'static str, problem: &'static str) -> DocumentsError {
    DocumentsError::InvalidField { field, problem }
}

/// The project, when the portal says the caller may see it (another organization's, or
/// none, is `ProjectNotFound`).
async fn check_project(
    state: &AppState,
    principal: &Principal,
    project_id: &str,
) -> Result<ProjectId, DocumentsError> {
    let id = ProjectId::parse(project_id).ok_or(DocumentsError::ProjectNotFound)?;
    let request = principal.request(portal::ProjectRequest {
        project_id: id.to_string(),
    });
    match state.portal.clone().get_project(request).await {
        Ok(_) => Ok(id),
        Err(status) if status.code() == tonic::Code::NotFound => {
            Err(DocumentsError::ProjectNotFound)
        }
        Err(status) => Err(DocumentsError::Portal(status)),
    }
}

async fn find(
    state: &AppState,
    principal: &Principal,
    document_id: &str,
) -> Result<DocumentRow, DocumentsError> {
    let id = DocumentId::parse(document_id).ok_or(DocumentsError::DocumentNotFound)?;
    store::find_document(&state.db, principal.org_id, id)
        .await?
        .ok_or(DocumentsError::DocumentNotFound)
}

/// A trimmed text of at most `max` characters; `required` refuses an empty one.
fn text(
    field: &'static str,
    value: &str,
    max: usize,
    required: bool,
) -> Result<String, DocumentsError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(invalid(field, "is required"));
    }
    if value.chars().count() > max {
        return Err(invalid(
            field,
            match max {
                255 => "must be at most 255 characters",
                200 => "must be at most 200 characters",
                _ => "must be at most 5000 characters",
            },
        ));
    }
    Ok(value.to_owned())
}

fn step(
    principal: &Principal,
    action: &str,
    from: Option<Status>,
    row: &DocumentRow,
) -> HistoryRow {
    HistoryRow {
        at: row.updated_at,
        action: action.to_owned(),
        from_status: from.map(|s| s.as_str().to_owned()),
        to_status: row.status.as_str().to_owned(),
        actor_kind: principal.kind.as_str().to_owned(),
        actor_id: Some(principal.subject_id),
        actor_name: String::new(),
        reason: None,
        version: row.version,
    }
}

/// Stores the streamed file, then its row: a row never points at a missing object, and
/// an object whose row could not be written is deleted again (or swept).
pub async fn create<S, E>(
    state: &AppState,
    principal: &Principal,
    new: NewDocument,
    chunks: S,
) -> Result<DocumentView, DocumentsError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let project_id = check_project(state, principal, &new.project_id).await?;
    let file_name = text("file_name", &new.file_name, 255, true)?;
    let title = match text("title", &new.title, 200, false)? {
        empty if empty.is_empty() => text("title", &file_name, 200, true)?,
        title => title,
    };
    let description = text("description", &new.description, 5000, false)?;
    let document_type_id = match new.document_type_id.trim() {
        "" => None,
        id => match crate::document_type::find(state, principal, id).await {
            Ok(found) => Some(found.document_type_id),
            Err(DocumentsError::TypeNotFound) => {
                let problem = "is not a document type of this organization";
                return Err(invalid("document_type_id", problem));
            }
            Err(err) => return Err(err),
        },
    };
    let stored = state
        .storage
        .put(principal.org_id.0, &file_name, Allowed::Documents, chunks)
        .await?;
    let now = state.clock.now();
    let row = DocumentRow {
        document_id: DocumentId::new(),
        org_id: principal.org_id,
        project_id,
        title,
        description,
        document_type_id,
        status: Status::Draft,
        version: 1,
        file_id: FileId(stored.key.file_id),
        file_name,
        file_size: i64::try_from(stored.size).unwrap_or(i64::MAX),
        content_type: stored.content_type.to_owned(),
        sha256: stored.sha256.clone(),
        created_at: now,
        updated_at: now,
        published_at: None,
    };
    let history = vec![step(principal, "created", None, &row)];
    let written = async {
        let mut tx = state.db.begin().await?;
        store::insert_document(&mut tx, &row).await?;
        store::append_history(&mut tx, (row.org_id, row.document_id), &history[0]).await?;
        tx.commit().await
    };
    if let Err(err) = written.await {
        if let Err(gone) = state.storage.delete(&stored.key).await {
            tracing::warn!(error = %gone, "deleting the object of an unwritten document");
        }
        return Err(err.into());
    }
    Ok(DocumentView { row, history })
}

/// A project's documents, newest first, optionally of one status.
pub async fn list(
    state: &AppState,
    principal: &Principal,
    project_id: &str,
    status: &str,
) -> Result<Vec<DocumentRow>, DocumentsError> {
    let status = match status.trim() {
        "" => None,
        text => Some(Status::parse(text).ok_or(invalid("status", "is not a document status"))?),
    };
    let project_id = check_project(state, principal, project_id).await?;
    Ok(store::list_documents(&state.db, principal.org_id, project_id, status, 500).await?)
}

pub async fn get(
    state: &AppState,
    principal: &Principal,
    document_id: &str,
) -> Result<DocumentView, DocumentsError> {
    let row = find(state, principal, document_id).await?;
    let history = store::history_of(&state.db, principal.org_id, row.document_id).await?;
    Ok(DocumentView { row, history })
}

/// Moves the document along its workflow, from the status it is in now; of two racing
/// moves one wins, the other is `Changed`.
pub async fn transition(
    state: &AppState,
    principal: &Principal,
    document_id: &str,
    action: &str,
    reason: &str,
) -> Result<DocumentView, DocumentsError> {
    let action =
        Action::parse(action.trim()).ok_or(invalid("action", "is not a document action"))?;
    let reason = text("reason", reason, 5000, action == Action::Reject)?;
    let mut row = find(state, principal, document_id).await?;
    let from = row.status;
    let requires_approval = match row.document_type_id {
        Some(id) => crate::document_type::store::find_type(&state.db, row.org_id, id)
            .await?
            .is_some_and(|t| t.requires_approval),
        None => false,
    };
    let to = workflow::next(from, action, requires_approval)?;
    let now = state.clock.now();
    let key = (row.org_id, row.document_id);
    let mut tx = state.db.begin().await?;
    if !store::move_status(&mut tx, key, from, to, now).await? {
        return Err(DocumentsError::Changed);
    }
    row.status = to;
    row.updated_at = now;
    row.published_at = (to == Status::Published).then_some(now);
    let mut done = step(principal, action.as_str(), Some(from), &row);
    done.reason = Some(reason).filter(|r| !r.is_empty());
    store::append_history(&mut tx, key, &done).await?;
    tx.commit().await?;
    let history = store::history_of(&state.db, row.org_id, row.document_id).await?;
    Ok(DocumentView { row, history })
}

/// Deletes the document with its history and log, then its file.
pub async fn delete(
    state: &AppState,
    principal: &Principal,
    document_id: &str,
) -> Result<(), DocumentsError> {
    let row = find(state, principal, document_id).await?;
    let mut tx = state.db.begin().await?;
    let file = store::delete_document(&mut tx, row.org_id, row.document_id).await?;
    tx.commit().await?;
    if let Some(file_id) = file {
        let key = ObjectKey {
            org_id: row.org_id.0,
            file_id: file_id.0,
        };
        // Once the row is gone the object is an orphan: the sweep takes it if this fails.
        if let Err(err) = state.storage.delete(&key).await {
            tracing::warn!(error = %err, "deleting a deleted document's object");
        }
    }
    Ok(())
}

/// The document's current file (or `range` of it), and its bytes as a stream.
pub async fn download(
    state: &AppState,
    principal: &Principal,
    document_id: &str,
    range: Option<std::ops::Range<u64>>,
) -> Result<(DocumentRow, BoxStream<'static, Result<Bytes, StorageError>>), DocumentsError> {
    let row = find(state, principal, document_id).await?;
    let size = u64::try_from(row.file_size).unwrap_or(0);
    if let Some(range) = &range
        && (range.start >= range.end || range.end > size)
    {
        return Err(invalid("range", "must lie within the file"));
    }
    let key = ObjectKey {
        org_id: row.org_id.0,
        file_id: row.file_id.0,
    };
    let bytes = state.storage.get(&key, range).await?;
    Ok((row, bytes))
}
