//! The signed-in customer's documents: the published ones of projects assigned to them,
//! asked of the portal on every request (a project taken away answers 403 on the next
//! one). Nothing here shows a document in any other status, or its history.

use atrium_common::auth::Principal;
use atrium_common::ids::ProjectId;
use atrium_common::page::Page;
use uuid::Uuid;

use super::store::{self, DocumentFilter, DocumentRow, DownloadRow};
use super::workflow::Status;
use super::{DocumentPage, DocumentView, FileBytes, find, read_file};
use crate::AppState;
use crate::error::DocumentsError;
use crate::links::SubjectKind;

/// One published document of a project the customer holds now. A link holder's call
/// (`link_id` set by the gateway) needs a live link of theirs to this very document in
/// place of the documents feature: staff chose to send it (design/links.md); the
/// project must still be assigned to them.
async fn find_published(
    state: &AppState,
    customer: &Principal,
    document_id: &str,
    link_id: &str,
) -> Result<DocumentRow, DocumentsError> {
    let row = find(state, customer, document_id).await?;
    let feature = if link_id.is_empty() {
        "documents"
    } else {
        let link = crate::links::check(state, customer, link_id).await?;
        if link.subject_kind != SubjectKind::Document || link.subject_id != row.document_id.0 {
            return Err(DocumentsError::TokenInvalid);
        }
        "link"
    };
    match crate::projects::customer(state, customer, row.project_id, feature).await {
        Err(DocumentsError::ProjectNotFound) => return Err(DocumentsError::DocumentNotFound),
        other => other?,
    }
    if row.status != Status::Published {
        return Err(DocumentsError::DocumentNotFound);
    }
    Ok(row)
}

/// One page of the project's published documents, newest publication first.
pub async fn list(
    state: &AppState,
    customer: &Principal,
    project_id: &str,
    (page_size, page_token): (i32, &str),
) -> Result<DocumentPage, DocumentsError> {
    let page = Page::parse(page_size, page_token).map_err(DocumentsError::Page)?;
    let project_id = ProjectId::parse(project_id).ok_or(DocumentsError::ProjectNotFound)?;
    crate::projects::customer(state, customer, project_id, "documents").await?;
    let filter = DocumentFilter {
        status: Some(Status::Published),
        q: None,
        after: page.after,
    };
    let rows =
        store::list_documents(&state.db, (customer.org_id, project_id), filter, page.size).await?;
    let last = rows
        .last()
        .and_then(|d| Some((d.published_at?, d.document_id.0)));
    let next_page_token = page.next_token(rows.len(), last);
    Ok(DocumentPage {
        items: super::with_types(state, customer, rows).await?,
        next_page_token,
    })
}

/// One published document (`link_id`: as a link holder).
pub async fn get(
    state: &AppState,
    customer: &Principal,
    (document_id, link_id): (&str, &str),
) -> Result<DocumentView, DocumentsError> {
    let row = find_published(state, customer, document_id, link_id).await?;
    let mut views = super::with_types(state, customer, vec![row]).await?;
    views.pop().ok_or(DocumentsError::DocumentNotFound)
}

/// The file (or `range` of it); a download from the first byte goes into the log with
/// the customer, their address and the link it came by (`link_id`, if any).
pub async fn download(
    state: &AppState,
    customer: &Principal,
    (document_id, link_id, ip): (&str, &str, String),
    range: Option<std::ops::Range<u64>>,
) -> Result<(DocumentRow, FileBytes), DocumentsError> {
    let row = find_published(state, customer, document_id, link_id).await?;
    let bytes = read_file(state, &row, range.clone()).await?;
    if range.is_none_or(|r| r.start == 0) {
        let download = DownloadRow {
            download_id: Uuid::now_v7(),
            at: state.clock.now(),
            customer_id: Some(customer.customer_id()),
            link_id: Uuid::parse_str(link_id).ok(),
            ip,
        };
        store::record_download(&state.db, (row.org_id, row.document_id), &download).await?;
    }
    Ok((row, bytes))
}

/// GDPR erase: the customer stays in every download log as nobody.
pub async fn forget(
    state: &AppState,
    request: &atrium_proto::common::v1::EraseCustomerRequest,
) -> Result<(), DocumentsError> {
    let invalid = |field| DocumentsError::InvalidField {
        field,
        problem: "must be a UUID",
    };
    let org_id = atrium_common::ids::OrgId::parse(&request.org_id).ok_or(invalid("org_id"))?;
    let customer_id = atrium_common::ids::CustomerId::parse(&request.customer_id)
        .ok_or(invalid("customer_id"))?;
    let forgotten = store::forget_customer(&state.db, org_id, customer_id).await?;
    // Links die with the customer's erase.
    let revoked = crate::links::revoke_customer(state, (org_id, customer_id)).await?;
    tracing::info!(%org_id, %customer_id, forgotten, revoked, "erased customer from download logs and links");
    Ok(())
}

/// A deleted project's documents go, rows first, then their files (an object left by a
/// failed delete is swept).
pub async fn forget_project(
    state: &AppState,
    request: &atrium_proto::documents::v1::ForgetProjectRequest,
) -> Result<(), DocumentsError> {
    let invalid = |field| DocumentsError::InvalidField {
        field,
        problem: "must be a UUID",
    };
    let org_id = atrium_common::ids::OrgId::parse(&request.org_id).ok_or(invalid("org_id"))?;
    let project_id = ProjectId::parse(&request.project_id).ok_or(invalid("project_id"))?;
    let mut tx = state.db.begin().await?;
    let mut files = store::delete_project_documents(&mut tx, org_id, project_id).await?;
    files.extend(crate::gallery::store::delete_project_items(&mut tx, org_id, project_id).await?);
    tx.commit().await?;
    // The attachments of what went with the project (its approvals).
    for owner in &request.owners {
        let owned = (owner.kind.as_str(), owner.id.as_str());
        let rows = crate::files::store::delete_owned(&state.db, org_id, owned).await?;
        files.extend(rows.into_iter().map(|row| row.file_id));
    }
    for file in &files {
        let key = crate::storage::ObjectKey {
            org_id: org_id.0,
            file_id: file.0,
        };
        if let Err(err) = state.storage.delete(&key).await {
            tracing::warn!(error = %err, "deleting a deleted project's file");
        }
    }
    tracing::info!(%org_id, %project_id, documents = files.len(), "forgot a deleted project");
    Ok(())
}
