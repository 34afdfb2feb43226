//! The signed-in customer's own projects. Every read checks the assignment in the
//! database on that very request: nothing cached can serve a revoked project.

use crate::AppState;
use crate::assignment::store;
use crate::error::PortalError;
use crate::project::{Project, ProjectKind, ProjectView, parse_project_id, with_phases};
use crate::{settings, team};
use atrium_common::auth::Principal;
use atrium_common::page::Page;

/// One page of the customer's projects, newest assignment first.
pub async fn list(
    state: &AppState,
    customer: &Principal,
    page: Page,
) -> Result<(Vec<Project>, String), PortalError> {
    let settings = settings::load(state, customer.org_id).await?;
    let rows = store::list_assigned(
        &state.db,
        customer.org_id,
        customer.customer_id(),
        settings.features.gallery,
        page.after,
        page.size,
    )
    .await?;
    let next = page.next_token(
        rows.len(),
        rows.last()
            .map(|(p, assigned_at)| (*assigned_at, p.project_id.0)),
    );
    let projects = rows.into_iter().map(|(p, _)| p.for_customers()).collect();
    Ok((projects, next))
}

/// One assigned project with its phases; a revoked one is 403, any other 404 (so is a
/// gallery while the `gallery` feature is off).
pub async fn get(
    state: &AppState,
    customer: &Principal,
    project_id: &str,
) -> Result<ProjectView, PortalError> {
    let id = parse_project_id(project_id)?;
    let Some(project) =
        store::find_assigned(&state.db, customer.org_id, customer.customer_id(), id).await?
    else {
        return if store::was_revoked(&state.db, customer.org_id, customer.customer_id(), id).await?
        {
            Err(PortalError::AssignmentRevoked)
        } else {
            Err(PortalError::ProjectNotFound)
        };
    };
    let settings = settings::load(state, customer.org_id).await?;
    if project.kind == ProjectKind::Gallery && !settings.features.gallery {
        return Err(PortalError::ProjectNotFound);
    }
    let mut view = with_phases(state, project.for_customers()).await?;
    if settings.show_team_members {
        view.team = team::of(state, customer, id).await?;
    }
    Ok(view)
}

/// Whether the project is the customer's on this request with `feature` on (another
/// service asks before it serves what hangs on the project): revoked is 403, never
/// assigned, another org's or a feature that is off is 404.
pub async fn check(
    state: &AppState,
    customer: &Principal,
    project_id: &str,
    feature: &str,
) -> Result<(), PortalError> {
    let id = parse_project_id(project_id)?;
    let assigned =
        store::find_assigned(&state.db, customer.org_id, customer.customer_id(), id).await?;
    let Some(project) = assigned else {
        return if store::was_revoked(&state.db, customer.org_id, customer.customer_id(), id).await?
        {
            Err(PortalError::AssignmentRevoked)
        } else {
            Err(PortalError::ProjectNotFound)
        };
    };
    let features = settings::load(state, customer.org_id).await?.features;
    let on = match feature {
        "documents" => features.documents,
        "gallery" => features.gallery,
        // A share link's holder: the feature switches do not apply (design/links.md).
        "link" => return Ok(()),
        _ => {
            return Err(PortalError::InvalidField {
                field: "feature",
                problem: "must be documents, gallery or link",
            });
        }
    };
    if !on || (project.kind == ProjectKind::Gallery && !features.gallery) {
        return Err(PortalError::ProjectNotFound);
    }
    Ok(())
}
