//! Whether the caller may see a project now, asked of the portal on every request: a
//! staff member as themself, a customer by their assignment (with the feature on), a
//! guest by their gallery session (its password version). Nothing here is cached, so
//! access taken away is gone on the next request.

use atrium_common::auth::Principal;
use atrium_common::error::ApiError;
use atrium_common::ids::{OrgId, ProjectId};
use atrium_proto::portal::v1 as portal;

use crate::AppState;
use crate::error::DocumentsError;

/// A staff member's project (another organization's, or none, is `ProjectNotFound`).
pub async fn staff(
    state: &AppState,
    principal: &Principal,
    project_id: ProjectId,
) -> Result<(), DocumentsError> {
    let request = principal.request(portal::ProjectRequest {
        project_id: project_id.to_string(),
    });
    match state.portal.clone().get_project(request).await {
        Ok(_) => Ok(()),
        Err(status) if status.code() == tonic::Code::NotFound => {
            Err(DocumentsError::ProjectNotFound)
        }
        Err(status) => Err(DocumentsError::Portal(status)),
    }
}

/// A customer's project, assigned now with `feature` (documents, gallery) on: revoked
/// is `AssignmentRevoked`, never assigned or another org's `ProjectNotFound`.
pub async fn customer(
    state: &AppState,
    customer: &Principal,
    project_id: ProjectId,
    feature: &str,
) -> Result<(), DocumentsError> {
    let request = customer.request(portal::CheckMyProjectRequest {
        project_id: project_id.to_string(),
        feature: feature.to_owned(),
    });
    match state.my_projects.clone().check_my_project(request).await {
        Ok(_) => Ok(()),
        Err(status) => Err(match status.code() {
            tonic::Code::NotFound => DocumentsError::ProjectNotFound,
            tonic::Code::PermissionDenied
                if ApiError::from_status(&status).code == "CUSTOMER_ASSIGNMENT_REVOKED" =>
            {
                DocumentsError::AssignmentRevoked
            }
            _ => DocumentsError::Portal(status),
        }),
    }
}

/// The gallery a live guest session opens: its organization and project. A session
/// that ended (a new password, say) is `Unauthenticated`.
pub async fn guest(
    state: &AppState,
    (org_id, slug, guest_token): (&str, &str, &str),
) -> Result<(OrgId, ProjectId), DocumentsError> {
    let request = portal::GetGuestGalleryRequest {
        org_id: org_id.to_owned(),
        slug: slug.to_owned(),
        guest_token: guest_token.to_owned(),
    };
    let found = match state.guests.clone().get_guest_gallery(request).await {
        Ok(found) => found.into_inner(),
        Err(status) => {
            return Err(match status.code() {
                tonic::Code::NotFound => DocumentsError::ProjectNotFound,
                tonic::Code::Unauthenticated => DocumentsError::Unauthenticated,
                _ => DocumentsError::Portal(status),
            });
        }
    };
    let project = found.project.unwrap_or_default();
    let org = OrgId::parse(&project.org_id).ok_or(DocumentsError::ProjectNotFound)?;
    let project = ProjectId::parse(&project.id).ok_or(DocumentsError::ProjectNotFound)?;
    Ok((org, project))
}
