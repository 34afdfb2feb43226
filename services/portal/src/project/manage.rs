//! Staff managing the org's projects and galleries.

use atrium_common::auth::Principal;
use atrium_common::ids::ProjectId;
use atrium_common::page::Page;
use atrium_common::password::{hash_password, password_problem};
use uuid::Uuid;

use super::store::{self, ProjectFilter};
use super::{Project, ProjectKind, ProjectStatus, ProjectView, parse_project_id, with_phases};
use crate::AppState;
use crate::error::PortalError;
use crate::team;
use crate::validate;

/// A new project as asked for (texts as given; empty means absent).
pub struct NewProject {
    pub name: String,
    pub kind: String,
    pub slug: String,
    pub description: String,
    pub starts_on: String,
    pub ends_on: String,
    pub status: String,
    pub cover_url: String,
    pub guest_password: String,
}

/// A guest password for a gallery: 12–128 bytes, only on galleries.
async fn guest_hash(kind: ProjectKind, password: &str) -> Result<Option<String>, PortalError> {
    if password.is_empty() {
        return Ok(None);
    }
    if kind != ProjectKind::Gallery {
        return Err(PortalError::InvalidField {
            field: "guest_password",
            problem: "is only for galleries",
        });
    }
    if let Some(problem) = password_problem(password) {
        return Err(PortalError::InvalidField {
            field: "guest_password",
            problem,
        });
    }
    Ok(Some(hash_password(password.to_owned()).await?))
}

pub async fn create(
    state: &AppState,
    staff: &Principal,
    new: NewProject,
) -> Result<ProjectView, PortalError> {
    let name = validate::name("name", &new.name)?;
    let kind = validate::kind(&new.kind)?;
    let given_slug = if new.slug.is_empty() {
        None
    } else {
        Some(validate::slug(&new.slug)?)
    };
    let starts_on = validate::date("starts_on", &new.starts_on)?;
    let ends_on = validate::date("ends_on", &new.ends_on)?;
    validate::date_range(&starts_on, &ends_on)?;
    let status = if new.status.is_empty() {
        ProjectStatus::Active
    } else {
        validate::status(&new.status)?
    };
    let now = state.clock.now();
    let mut project = Project {
        project_id: ProjectId(Uuid::now_v7()),
        org_id: staff.org_id,
        description: validate::description(&new.description)?,
        cover_url: validate::https_url("cover_url", &new.cover_url)?,
        cover_item_id: None,
        guest_password_hash: guest_hash(kind, &new.guest_password).await?,
        guest_password_version: 0,
        slug: given_slug
            .clone()
            .unwrap_or_else(|| validate::slug_from(&name)),
        kind,
        name,
        starts_on,
        ends_on,
        status,
        created_at: now,
        updated_at: now,
        progress: 0,
    };
    // A derived slug that is taken gets the first free suffix; a given one is 409.
    let base = project.slug.clone();
    for attempt in 2..=50 {
        let mut tx = state.db.begin().await?;
        match store::insert_project(&mut tx, &project).await {
            Ok(()) => {
                tx.commit().await?;
                return Ok(ProjectView {
                    project,
                    phases: Vec::new(),
                    team: Vec::new(),
                });
            }
            Err(PortalError::SlugTaken) if given_slug.is_none() => {
                project.slug = format!("{base}-{attempt}");
            }
            Err(err) => return Err(err),
        }
    }
    Err(PortalError::SlugTaken)
}

pub async fn get(
    state: &AppState,
    staff: &Principal,
    project_id: &str,
) -> Result<ProjectView, PortalError> {
    let id = parse_project_id(project_id)?;
    let project = store::find_project(&state.db, staff.org_id, id)
        .await?
        .ok_or(PortalError::ProjectNotFound)?;
    let mut view = with_phases(state, project).await?;
    view.team = team::of(state, staff, id).await?;
    Ok(view)
}

pub async fn list(
    state: &AppState,
    staff: &Principal,
    filter: &ProjectFilter<'_>,
    page: Page,
) -> Result<(Vec<Project>, String), PortalError> {
    let rows = store::list_projects(&state.db, staff.org_id, filter, page.after, page.size).await?;
    let next = page.next_token(
        rows.len(),
        rows.last().map(|r| (r.created_at, r.project_id.0)),
    );
    Ok((rows, next))
}

/// A PATCH: `None` unchanged, an empty text clears a clearable field.
pub struct ProjectChange {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub status: Option<String>,
    pub cover_url: Option<String>,
    pub guest_password: Option<String>,
    /// One of the project's photos customers can see; empty removes the cover photo.
    pub cover_item_id: Option<String>,
}

pub async fn update(
    state: &AppState,
    staff: &Principal,
    project_id: &str,
    change: ProjectChange,
) -> Result<ProjectView, PortalError> {
    let id = parse_project_id(project_id)?;
    let now = state.clock.now();
    let mut project = store::find_project(&state.db, staff.org_id, id)
        .await?
        .ok_or(PortalError::ProjectNotFound)?;
    if let Some(name) = &change.name {
        project.name = validate::name("name", name)?;
    }
    if let Some(slug) = &change.slug {
        project.slug = validate::slug(slug)?;
    }
    if let Some(description) = &change.description {
        project.description = validate::description(description)?;
    }
    if let Some(starts_on) = &change.starts_on {
        project.starts_on = validate::date("starts_on", starts_on)?;
    }
    if let Some(ends_on) = &change.ends_on {
        project.ends_on = validate::date("ends_on", ends_on)?;
    }
    validate::date_range(&project.starts_on, &project.ends_on)?;
    if let Some(status) = &change.status {
        project.status = validate::status(status)?;
    }
    if let Some(cover_url) = &change.cover_url {
        project.cover_url = validate::https_url("cover_url", cover_url)?;
    }
    if let Some(item_id) = &change.cover_item_id {
        project.cover_item_id = super::cover::checked(state, staff, id, item_id).await?;
    }
    if let Some(password) = &change.guest_password {
        project.guest_password_hash = guest_hash(project.kind, password).await?;
        // Guest access opened with the old password ends.
        project.guest_password_version += 1;
    }
    project.updated_at = now;
    let mut tx = state.db.begin().await?;
    if !store::lock_project(&mut tx, staff.org_id, id, now).await? {
        return Err(PortalError::ProjectNotFound);
    }
    store::update_project(&mut tx, &project).await?;
    tx.commit().await?;
    with_phases(state, project).await
}

pub async fn delete(
    state: &AppState,
    staff: &Principal,
    project_id: &str,
) -> Result<(), PortalError> {
    let id = parse_project_id(project_id)?;
    let mut tx = state.db.begin().await?;
    let approvals = crate::approvals::store::delete_of_project(&mut tx, staff.org_id, id).await?;
    if !store::delete_project(&mut tx, staff.org_id, id).await? {
        return Err(PortalError::ProjectNotFound);
    }
    // Its documents and files go too, its approvals' files with them, once the documents
    // service hears of it.
    let forget = atrium_proto::documents::v1::ForgetProjectRequest {
        org_id: staff.org_id.to_string(),
        project_id: id.to_string(),
        owners: approvals
            .into_iter()
            .map(crate::approvals::files::owner)
            .collect(),
    };
    atrium_common::outbox::forget_project(&mut tx, &forget, state.clock.now()).await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(())
}
