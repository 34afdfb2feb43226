//! The cover photo of a project: one of its gallery items that customers can see,
//! checked with the documents service (which holds the items) when it is set, and
//! cleared when the item is deleted or made internal (relayed from documents' outbox).

use atrium_common::auth::Principal;
use atrium_common::ids::{OrgId, ProjectId};
use atrium_proto::documents::v1 as documents;
use atrium_proto::portal::v1::ForgetItemRequest;
use uuid::Uuid;

use crate::AppState;
use crate::error::PortalError;

const NOT_A_PHOTO: PortalError = PortalError::InvalidField {
    field: "cover_item_id",
    problem: "must be one of the project's photos",
};

/// The cover a PATCH gives: empty is none; any other text must name one of the project's
/// items that is not `internal`, asked of documents as the staff member.
pub async fn checked(
    state: &AppState,
    staff: &Principal,
    project_id: ProjectId,
    item_id: &str,
) -> Result<Option<String>, PortalError> {
    if item_id.is_empty() {
        return Ok(None);
    }
    let id = Uuid::parse_str(item_id).map_err(|_| NOT_A_PHOTO)?;
    let request = staff.request(documents::ItemRequest {
        item_id: id.to_string(),
    });
    let item = match state.gallery.clone().get_item(request).await {
        Ok(answer) => answer.into_inner().item.unwrap_or_default(),
        Err(status) if status.code() == tonic::Code::NotFound => return Err(NOT_A_PHOTO),
        Err(status) => return Err(PortalError::Documents(status)),
    };
    if item.project_id != project_id.to_string() {
        return Err(NOT_A_PHOTO);
    }
    if item.visibility == "internal" {
        return Err(PortalError::InvalidField {
            field: "cover_item_id",
            problem: "must be a photo customers can see (client or public)",
        });
    }
    Ok(Some(id.to_string()))
}

/// A gallery item is no cover any more: every project of the org it was the cover of has
/// none. A repeat finds nothing and answers the same.
pub async fn forget_item(state: &AppState, request: &ForgetItemRequest) -> Result<(), PortalError> {
    let invalid = |field| PortalError::InvalidField {
        field,
        problem: "must be a UUID",
    };
    let org_id = OrgId::parse(&request.org_id).ok_or(invalid("org_id"))?;
    let item_id = Uuid::parse_str(&request.item_id).map_err(|_| invalid("item_id"))?;
    super::store::clear_cover(&state.db, org_id, item_id).await
}
