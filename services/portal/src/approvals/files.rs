//! An approval's files: stored by the documents service with the approval as owner, and
//! recorded here on the revision that was current when they came; deleting the approval
//! deletes them there.

use atrium_common::auth::Principal;
use atrium_proto::documents::v1 as documents;
use uuid::Uuid;

use super::staff::find;
use super::store::{self, ApprovalRow, FileRow};
use super::{Action, ApprovalView, Status, step, view_of};
use crate::AppState;
use crate::audit::Acting;
use crate::error::PortalError;

/// One file of the approval (any revision's).
pub(crate) async fn file_of(
    state: &AppState,
    row: &ApprovalRow,
    file_id: &str,
) -> Result<FileRow, PortalError> {
    let id = Uuid::parse_str(file_id).map_err(|_| PortalError::ApprovalFileNotFound)?;
    let files = store::files(&state.db, row.org_id, row.approval_id).await?;
    files
        .into_iter()
        .find(|f| f.file_id == id)
        .ok_or(PortalError::ApprovalFileNotFound)
}

/// The file for its download.
pub async fn file(
    state: &AppState,
    staff: &Principal,
    (approval_id, file_id): (&str, &str),
) -> Result<FileRow, PortalError> {
    let row = find(state, staff, approval_id).await?;
    file_of(state, &row, file_id).await
}

/// Deletes the approval, then its files at the documents service.
pub async fn delete(
    state: &AppState,
    acting: &Acting,
    approval_id: &str,
) -> Result<i32, PortalError> {
    let staff = &acting.principal;
    let row = find(state, staff, approval_id).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !store::delete(&mut tx, row.org_id, row.approval_id).await? {
        return Err(PortalError::ApprovalNotFound);
    }
    let about = ("approval", row.approval_id.to_string());
    acting
        .record(&mut tx, "approval.deleted", about, now)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    let asked = staff.request(documents::DeleteFilesRequest {
        owner: Some(owner(row.approval_id)),
    });
    let deleted = state.files.clone().delete_files(asked).await;
    Ok(deleted
        .map_err(PortalError::Documents)?
        .into_inner()
        .deleted)
}

/// The owner the documents service files an approval's files under.
pub fn owner(approval_id: Uuid) -> documents::FileOwner {
    documents::FileOwner {
        kind: "approval".to_owned(),
        id: approval_id.to_string(),
    }
}

/// Records a file the documents service stored for this approval onto its current
/// revision (not once approved: `APPROVAL_ALREADY_DECIDED`).
pub async fn attach(
    state: &AppState,
    acting: &Acting,
    (approval_id, file_id): (&str, &str),
) -> Result<ApprovalView, PortalError> {
    let staff = &acting.principal;
    let row = find(state, staff, approval_id).await?;
    if row.status == Status::Approved {
        return Err(PortalError::ApprovalAlreadyDecided);
    }
    let asked = staff.request(documents::FileRequest {
        file_id: file_id.to_owned(),
    });
    let stored = match state.files.clone().get_file(asked).await {
        Ok(found) => found.into_inner(),
        Err(status) if status.code() == tonic::Code::NotFound => {
            return Err(PortalError::ApprovalFileNotFound);
        }
        Err(status) => return Err(PortalError::Documents(status)),
    };
    if stored.owner.as_ref() != Some(&owner(row.approval_id)) {
        return Err(PortalError::ApprovalFileNotFound);
    }
    let info = stored.file.unwrap_or_default();
    let now = state.clock.now();
    let file = FileRow {
        file_id: Uuid::parse_str(&stored.id).map_err(|_| PortalError::ApprovalFileNotFound)?,
        revision: row.revision,
        name: info.name,
        size: info.size,
        content_type: info.content_type,
        sha256: info.sha256,
        created_at: now,
    };
    let mut tx = state.db.begin().await?;
    // The approval as seen: decided or revised meanwhile, the file waits for a retry.
    let mut touched = row.clone();
    touched.updated_at = now;
    if !store::update_if(&mut tx, &touched, (row.status, row.revision)).await? {
        return Err(PortalError::ChangedMeanwhile);
    }
    store::insert_file(&mut tx, (row.org_id, row.approval_id), &file).await?;
    let added = step(
        staff,
        &row,
        (Action::FileAdded, Some(file.name.clone())),
        now,
    );
    store::record(&mut tx, (row.org_id, row.approval_id), &added).await?;
    let about = ("approval", row.approval_id.to_string());
    acting
        .record(&mut tx, "approval.file_added", about, now)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    view_of(state, touched).await
}
