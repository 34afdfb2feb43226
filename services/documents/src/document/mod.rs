//! Project documents: one current file each, a version number and the publish
//! workflow. Staff reach a project's documents only through a project the portal says
//! is theirs to see (`staff`); customers see the published ones of projects assigned to
//! them, asked of the portal on every request (`customer`). Every statement is scoped
//! to the caller's organization.

pub mod changes;
pub mod customer;
pub mod send;
pub mod staff;
pub mod store;
pub mod workflow;

use atrium_common::auth::Principal;
use atrium_common::ids::DocumentId;
use bytes::Bytes;
use futures_util::stream::BoxStream;

use crate::AppState;
use crate::document_type::store::TypeRow;
use crate::error::DocumentsError;
use crate::storage::{ObjectKey, StorageError};
use store::{DocumentRow, HistoryRow};
use workflow::Status;

/// The most documents one page lists.
pub const PAGE_MAX: i32 = 200;

/// A document with its type, and its history on single staff reads.
#[derive(Debug, Clone)]
pub struct DocumentView {
    pub row: DocumentRow,
    pub document_type: Option<TypeRow>,
    pub history: Vec<HistoryRow>,
}

/// One page of documents, and the token of the next (empty: the last page).
#[derive(Debug, Clone)]
pub struct DocumentPage {
    pub items: Vec<DocumentView>,
    pub next_page_token: String,
}

/// The bytes of a file (or of a range of it) as they are read.
pub type FileBytes = BoxStream<'static, Result<Bytes, StorageError>>;

fn invalid(field: &'static str, problem: &'static str) -> DocumentsError {
    DocumentsError::InvalidField { field, problem }
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

/// The document of the caller's organization, whatever its project.
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

/// The organization's type of each row (one read of the org's few types for a page).
async fn with_types(
    state: &AppState,
    principal: &Principal,
    rows: Vec<DocumentRow>,
) -> Result<Vec<DocumentView>, DocumentsError> {
    let types = if rows.iter().any(|row| row.document_type_id.is_some()) {
        crate::document_type::store::list_types(&state.db, principal.org_id).await?
    } else {
        Vec::new()
    };
    Ok(rows
        .into_iter()
        .map(|row| DocumentView {
            document_type: row
                .document_type_id
                .and_then(|id| types.iter().find(|t| t.document_type_id == id).cloned()),
            row,
            history: Vec::new(),
        })
        .collect())
}

/// The object a row's file is in.
fn object_of(row: &DocumentRow) -> ObjectKey {
    ObjectKey {
        org_id: row.org_id.0,
        file_id: row.file_id.0,
    }
}

/// A history step of the caller doing `action` to `row` (now in its new state).
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

/// The row's file, or `range` of it (which must lie within the file), as a stream.
async fn read_file(
    state: &AppState,
    row: &DocumentRow,
    range: Option<std::ops::Range<u64>>,
) -> Result<FileBytes, DocumentsError> {
    Ok(state
        .storage
        .get_within(&object_of(row), row.file_size, range)
        .await?)
}
