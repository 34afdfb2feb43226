//! Staff changing a document: moving it along the workflow (publishing tells the
//! project's customers in-app), editing its details, giving it a new version, deleting
//! it. Every change is in its history and in the audit trail, written in one
//! transaction with it.

use atrium_common::auth::Principal;
use atrium_common::db::Tx;
use atrium_common::outbox::{self, Acting};
use atrium_proto::notifier::v1 as notifier;
use atrium_proto::portal::v1 as portal;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::stream::Stream;
use serde_json::json;

use super::staff::{find_visible, subject, type_of};
use super::store::{self, DocumentRow, FileRow};
use super::workflow::{self, Action, Status};
use super::{DocumentView, invalid, object_of, step, text};
use crate::AppState;
use crate::error::DocumentsError;
use crate::links::SubjectKind;
use crate::storage::Allowed;

/// What a PATCH changes (`None`: as it is; an empty type: none).
#[derive(Debug, Clone, Default)]
pub struct DocumentChange {
    pub title: Option<String>,
    pub description: Option<String>,
    pub document_type_id: Option<String>,
}

/// The view of a changed row, with its type and whole history.
async fn view_of(
    state: &AppState,
    principal: &Principal,
    row: DocumentRow,
) -> Result<DocumentView, DocumentsError> {
    let history = store::history_of(&state.db, row.org_id, row.document_id).await?;
    let mut views = super::with_types(state, principal, vec![row]).await?;
    let mut view = views.pop().ok_or(DocumentsError::DocumentNotFound)?;
    view.history = history;
    Ok(view)
}

/// Moves the document along its workflow, from the status it is in now; of two racing
/// moves one wins, the other is `Changed`.
pub async fn transition(
    state: &AppState,
    acting: &Acting,
    document_id: &str,
    action: &str,
    reason: &str,
) -> Result<DocumentView, DocumentsError> {
    let principal = &acting.principal;
    let action =
        Action::parse(action.trim()).ok_or(invalid("action", "is not a document action"))?;
    let reason = text("reason", reason, 5000, action == Action::Reject)?;
    let mut row = find_visible(state, principal, document_id).await?;
    let from = row.status;
    let requires_approval = match row.document_type_id {
        Some(id) => crate::document_type::store::find_type(&state.db, row.org_id, id)
            .await?
            .is_some_and(|t| t.requires_approval),
        None => false,
    };
    let to = workflow::next(from, action, requires_approval)?;
    let audience = if to == Status::Published {
        audience(state, principal, &row).await?
    } else {
        Vec::new()
    };
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
    if from == Status::Published {
        // Unpublished: the links it was sent by die with it, for good.
        let subject = (row.org_id, SubjectKind::Document, row.document_id.0);
        crate::links::store::revoke_subject(&mut tx, subject, now).await?;
    }
    let audit = format!("document.{}", action.past_tense());
    acting.record(&mut tx, &audit, subject(&row), now).await?;
    for customer_id in &audience {
        notify_published(&mut tx, &row, customer_id, now).await?;
    }
    tx.commit().await?;
    state.relay.wake();
    view_of(state, principal, row).await
}

/// The customers the project is shared with, asked of the portal as the caller.
pub(super) async fn audience(
    state: &AppState,
    principal: &Principal,
    row: &DocumentRow,
) -> Result<Vec<String>, DocumentsError> {
    let request = principal.request(portal::ProjectRequest {
        project_id: row.project_id.to_string(),
    });
    match state.portal.clone().list_project_audience(request).await {
        Ok(answer) => Ok(answer.into_inner().ids),
        Err(status) if status.code() == tonic::Code::NotFound => {
            Err(DocumentsError::DocumentNotFound)
        }
        Err(status) => Err(DocumentsError::Portal(status)),
    }
}

/// The `document_published` in-app notice to one customer, into the outbox.
async fn notify_published(
    tx: &mut Tx,
    row: &DocumentRow,
    customer_id: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let notice = notifier::CreateNotificationRequest {
        org_id: row.org_id.to_string(),
        recipient_kind: "customer".to_owned(),
        recipient_id: customer_id.to_owned(),
        kind: "document_published".to_owned(),
        title: format!("New document: {}", row.title),
        body: String::new(),
        link: format!("/customer/projects/{}#documents", row.project_id),
        idempotency_key: format!(
            "document_published:{}:{}:{customer_id}",
            row.document_id,
            now.timestamp_micros()
        ),
        params_json: json!({ "title": row.title }).to_string(),
    };
    outbox::create_notification(tx, &notice, now).await
}

/// Changes the title, description or type (a type that needs approval does not move a
/// document already past that step).
pub async fn update(
    state: &AppState,
    acting: &Acting,
    document_id: &str,
    change: DocumentChange,
) -> Result<DocumentView, DocumentsError> {
    let principal = &acting.principal;
    let mut row = find_visible(state, principal, document_id).await?;
    if let Some(title) = &change.title {
        row.title = text("title", title, 200, true)?;
    }
    if let Some(description) = &change.description {
        row.description = text("description", description, 5000, false)?;
    }
    if let Some(id) = &change.document_type_id {
        row.document_type_id = type_of(state, principal, id)
            .await?
            .map(|t| t.document_type_id);
    }
    row.updated_at = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !store::update_details(&mut tx, &row).await? {
        return Err(DocumentsError::DocumentNotFound);
    }
    acting
        .record(&mut tx, "document.updated", subject(&row), row.updated_at)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    view_of(state, principal, row).await
}

/// A new version: the file is stored first, then the row points at it (version + 1,
/// back to draft, so customers stop seeing it), then the old object goes.
pub async fn replace_file<S, E>(
    state: &AppState,
    acting: &Acting,
    document_id: &str,
    file_name: &str,
    chunks: S,
) -> Result<DocumentView, DocumentsError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let principal = &acting.principal;
    let file_name = text("file_name", file_name, 255, true)?;
    let mut row = find_visible(state, principal, document_id).await?;
    let stored = state
        .storage
        .put(principal.org_id.0, &file_name, Allowed::Documents, chunks)
        .await?;
    let old = object_of(&row);
    let file = FileRow {
        file_id: atrium_common::ids::FileId(stored.key.file_id),
        file_name,
        file_size: i64::try_from(stored.size).unwrap_or(i64::MAX),
        content_type: stored.content_type.to_owned(),
        sha256: stored.sha256.clone(),
    };
    let now = state.clock.now();
    let from = row.status;
    let written = async {
        let mut tx = state.db.begin().await?;
        let key = (row.org_id, row.document_id);
        let details = (row.title.as_str(), row.description.as_str());
        if !store::replace_file(&mut tx, key, row.version, &file, details, now).await? {
            return Ok(false);
        }
        row.version += 1;
        row.status = Status::Draft;
        row.published_at = None;
        row.updated_at = now;
        (row.file_id, row.file_name) = (file.file_id, file.file_name.clone());
        (row.file_size, row.content_type) = (file.file_size, file.content_type.clone());
        row.sha256 = file.sha256.clone();
        store::append_history(
            &mut tx,
            key,
            &step(principal, "new_version", Some(from), &row),
        )
        .await?;
        // Back in draft: the links it was sent by die (a new version is sent anew).
        let about = (row.org_id, SubjectKind::Document, row.document_id.0);
        crate::links::store::revoke_subject(&mut tx, about, now).await?;
        acting
            .record(&mut tx, "document.new_version", subject(&row), now)
            .await?;
        tx.commit().await.map(|()| true)
    };
    match written.await {
        Ok(true) => {
            // The row points at the new file: the old one is an orphan (swept if this fails).
            if let Err(err) = state.storage.delete(&old).await {
                tracing::warn!(error = %err, "deleting a replaced document file");
            }
        }
        result => {
            if let Err(gone) = state.storage.delete(&stored.key).await {
                tracing::warn!(error = %gone, "deleting the object of an unwritten version");
            }
            result.map_err(DocumentsError::from)?;
            return Err(DocumentsError::Changed);
        }
    }
    state.relay.wake();
    view_of(state, principal, row).await
}

/// Deletes the document with its history and log, then its file.
pub async fn delete(
    state: &AppState,
    acting: &Acting,
    document_id: &str,
) -> Result<(), DocumentsError> {
    let row = find_visible(state, &acting.principal, document_id).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let file = store::delete_document(&mut tx, row.org_id, row.document_id).await?;
    let about = (row.org_id, SubjectKind::Document, row.document_id.0);
    crate::links::store::revoke_subject(&mut tx, about, now).await?;
    acting
        .record(&mut tx, "document.deleted", subject(&row), now)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    if file.is_some() {
        // Once the row is gone the object is an orphan: the sweep takes it if this fails.
        if let Err(err) = state.storage.delete(&object_of(&row)).await {
            tracing::warn!(error = %err, "deleting a deleted document's object");
        }
    }
    Ok(())
}
