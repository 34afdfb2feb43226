//! What staff do with a project's documents besides moving them along: upload, list
//! and search, read with history, download, and read the download log. Each call asks
//! the portal, as the caller, whether the project is theirs to see.

use atrium_common::auth::Principal;
use atrium_common::ids::{DocumentId, FileId, ProjectId};
use atrium_common::page::Page;
use bytes::Bytes;
use futures_util::stream::Stream;

use super::store::{self, DocumentFilter, DocumentRow, DownloadRow};
use super::workflow::Status;
use super::{DocumentPage, DocumentView, FileBytes, find, invalid, read_file, step, text};
use crate::AppState;
use crate::error::DocumentsError;
use crate::storage::Allowed;

/// What staff give a new document besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct NewDocument {
    pub project_id: String,
    pub title: String,
    pub description: String,
    pub file_name: String,
    pub document_type_id: String,
}

/// What a staff list asks for.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub project_id: String,
    pub status: String,
    pub q: String,
    pub page_size: i32,
    pub page_token: String,
}

/// The document, of a project the caller may see now (a deleted project's documents
/// are gone with it, whatever is left of them).
pub(super) async fn find_visible(
    state: &AppState,
    principal: &Principal,
    document_id: &str,
) -> Result<DocumentRow, DocumentsError> {
    let row = find(state, principal, document_id).await?;
    match crate::projects::staff(state, principal, row.project_id).await {
        Err(DocumentsError::ProjectNotFound) => Err(DocumentsError::DocumentNotFound),
        other => other.map(|()| row),
    }
}

/// The document type a text names, if any: one of another org is a bad field.
pub(super) async fn type_of(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<Option<crate::document_type::store::TypeRow>, DocumentsError> {
    match id.trim() {
        "" => Ok(None),
        id => match crate::document_type::find(state, principal, id).await {
            Ok(found) => Ok(Some(found)),
            Err(DocumentsError::TypeNotFound) => Err(invalid(
                "document_type_id",
                "is not a document type of this organization",
            )),
            Err(err) => Err(err),
        },
    }
}

/// Stores the streamed file, then its row: a row never points at a missing object, and
/// an object whose row could not be written is deleted again (or swept).
pub async fn create<S, E>(
    state: &AppState,
    acting: &atrium_common::outbox::Acting,
    new: NewDocument,
    chunks: S,
) -> Result<DocumentView, DocumentsError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let principal = &acting.principal;
    let project_id = ProjectId::parse(&new.project_id).ok_or(DocumentsError::ProjectNotFound)?;
    crate::projects::staff(state, principal, project_id).await?;
    let file_name = text("file_name", &new.file_name, 255, true)?;
    let title = match text("title", &new.title, 200, false)? {
        empty if empty.is_empty() => text("title", &file_name, 200, true)?,
        title => title,
    };
    let description = text("description", &new.description, 5000, false)?;
    let document_type = type_of(state, principal, &new.document_type_id).await?;
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
        document_type_id: document_type.as_ref().map(|t| t.document_type_id),
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
        sent_at: None,
        sent_count: 0,
    };
    let history = vec![step(principal, "created", None, &row)];
    let written = async {
        let mut tx = state.db.begin().await?;
        store::insert_document(&mut tx, &row).await?;
        store::append_history(&mut tx, (row.org_id, row.document_id), &history[0]).await?;
        acting
            .record(&mut tx, "document.created", subject(&row), now)
            .await?;
        tx.commit().await
    };
    if let Err(err) = written.await {
        if let Err(gone) = state.storage.delete(&stored.key).await {
            tracing::warn!(error = %gone, "deleting the object of an unwritten document");
        }
        return Err(err.into());
    }
    state.relay.wake();
    Ok(DocumentView {
        row,
        document_type,
        history,
    })
}

/// The audit subject of a document.
pub(super) fn subject(row: &DocumentRow) -> (&'static str, String) {
    ("document", row.document_id.to_string())
}

/// One page of a project's documents, newest first, optionally of one status or
/// matching a search.
pub async fn list(
    state: &AppState,
    principal: &Principal,
    query: &ListQuery,
) -> Result<DocumentPage, DocumentsError> {
    let status = match query.status.trim() {
        "" => None,
        text => Some(Status::parse(text).ok_or(invalid("status", "is not a document status"))?),
    };
    let q = text("q", &query.q, 200, false)?;
    let page = Page::parse(query.page_size, &query.page_token).map_err(DocumentsError::Page)?;
    let project_id = ProjectId::parse(&query.project_id).ok_or(DocumentsError::ProjectNotFound)?;
    crate::projects::staff(state, principal, project_id).await?;
    let filter = DocumentFilter {
        status,
        q: Some(q.as_str()).filter(|q| !q.is_empty()),
        after: page.after,
    };
    let rows =
        store::list_documents(&state.db, (principal.org_id, project_id), filter, page.size).await?;
    let last = rows.last().map(|d| (d.created_at, d.document_id.0));
    let next_page_token = page.next_token(rows.len(), last);
    Ok(DocumentPage {
        items: super::with_types(state, principal, rows).await?,
        next_page_token,
    })
}

pub async fn get(
    state: &AppState,
    principal: &Principal,
    document_id: &str,
) -> Result<DocumentView, DocumentsError> {
    let row = find_visible(state, principal, document_id).await?;
    let history = store::history_of(&state.db, principal.org_id, row.document_id).await?;
    let mut view = super::with_types(state, principal, vec![row]).await?;
    let mut view = view.pop().ok_or(DocumentsError::DocumentNotFound)?;
    view.history = history;
    Ok(view)
}

/// The document's current file (or `range` of it), and its bytes as a stream.
pub async fn download(
    state: &AppState,
    principal: &Principal,
    document_id: &str,
    range: Option<std::ops::Range<u64>>,
) -> Result<(DocumentRow, FileBytes), DocumentsError> {
    let row = find_visible(state, principal, document_id).await?;
    let bytes = read_file(state, &row, range).await?;
    Ok((row, bytes))
}

/// Who downloaded the document, newest first.
pub async fn downloads(
    state: &AppState,
    principal: &Principal,
    document_id: &str,
) -> Result<Vec<DownloadRow>, DocumentsError> {
    let row = find_visible(state, principal, document_id).await?;
    Ok(store::downloads_of(&state.db, principal.org_id, row.document_id).await?)
}
