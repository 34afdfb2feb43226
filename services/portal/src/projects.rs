//! Staff managing the org's projects and galleries with their phases.

use atrium_common::auth::Principal;
use atrium_common::db::is_unique_violation;
use atrium_common::page::Page;
use atrium_common::password::{hash_password, password_problem};
use uuid::Uuid;

use crate::AppState;
use crate::error::PortalError;
use crate::store::{self, PhaseRow, ProjectFilter, ProjectRow};
use crate::team::{self, Member};
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

/// A project with its phases, as single reads answer it.
pub struct ProjectView {
    pub project: ProjectRow,
    pub phases: Vec<PhaseRow>,
    pub team: Vec<Member>,
}

pub fn parse_project_id(text: &str) -> Result<Uuid, PortalError> {
    Uuid::parse_str(text).map_err(|_| PortalError::ProjectNotFound)
}

/// A guest password for a gallery: 12–128 bytes, only on galleries.
async fn guest_hash(kind: &str, password: &str) -> Result<Option<String>, PortalError> {
    if password.is_empty() {
        return Ok(None);
    }
    if kind != "gallery" {
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
        "active".to_owned()
    } else {
        validate::status(&new.status)?
    };
    let now = state.clock.now();
    let mut project = ProjectRow {
        project_id: Uuid::now_v7(),
        org_id: staff.org_id.0,
        description: validate::description(&new.description)?,
        cover_url: validate::https_url("cover_url", &new.cover_url)?,
        guest_password_hash: guest_hash(&kind, &new.guest_password).await?,
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
            Err(err) if is_unique_violation(&err) && given_slug.is_none() => {
                project.slug = format!("{base}-{attempt}");
            }
            Err(err) if is_unique_violation(&err) => return Err(PortalError::SlugTaken),
            Err(err) => return Err(err.into()),
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
    let project = store::find_project(&state.db, staff.org_id.0, id)
        .await?
        .ok_or(PortalError::ProjectNotFound)?;
    let mut view = with_phases(state, project).await?;
    view.team = team::of(state, staff, id).await?;
    Ok(view)
}

pub async fn with_phases(
    state: &AppState,
    project: ProjectRow,
) -> Result<ProjectView, PortalError> {
    let phases = store::phases_of(&state.db, project.project_id).await?;
    Ok(ProjectView {
        project,
        phases,
        team: Vec::new(),
    })
}

pub async fn list(
    state: &AppState,
    staff: &Principal,
    filter: &ProjectFilter<'_>,
    page: Page,
) -> Result<(Vec<ProjectRow>, String), PortalError> {
    if let Some(status) = filter.status {
        validate::status(status)?;
    }
    if let Some(kind) = filter.kind {
        validate::kind(kind)?;
    }
    let rows =
        store::list_projects(&state.db, staff.org_id.0, filter, page.after, page.size).await?;
    let next = page.next_token(
        rows.len(),
        rows.last().map(|r| (r.created_at, r.project_id)),
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
}

pub async fn update(
    state: &AppState,
    staff: &Principal,
    project_id: &str,
    change: ProjectChange,
) -> Result<ProjectView, PortalError> {
    let id = parse_project_id(project_id)?;
    let now = state.clock.now();
    let mut project = store::find_project(&state.db, staff.org_id.0, id)
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
    if let Some(password) = &change.guest_password {
        project.guest_password_hash = guest_hash(&project.kind, password).await?;
        // Guest access opened with the old password ends.
        project.guest_password_version += 1;
    }
    project.updated_at = now;
    let mut tx = state.db.begin().await?;
    if !store::lock_project(&mut tx, staff.org_id.0, id, now).await? {
        return Err(PortalError::ProjectNotFound);
    }
    match store::update_project(&mut tx, &project).await {
        Err(err) if is_unique_violation(&err) => return Err(PortalError::SlugTaken),
        other => other?,
    }
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
    if !store::delete_project(&mut tx, staff.org_id.0, id).await? {
        return Err(PortalError::ProjectNotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// A phase as asked for.
pub struct NewPhase {
    pub name: String,
    pub position: i32,
    pub status: String,
    pub percent_complete: i32,
}

pub async fn add_phase(
    state: &AppState,
    staff: &Principal,
    project_id: &str,
    new: NewPhase,
) -> Result<PhaseRow, PortalError> {
    let project_id = parse_project_id(project_id)?;
    let phase = PhaseRow {
        phase_id: Uuid::now_v7(),
        project_id,
        name: validate::name("name", &new.name)?,
        position: validate::position(new.position)?,
        status: if new.status.is_empty() {
            "pending".to_owned()
        } else {
            validate::phase_status(&new.status)?
        },
        percent_complete: validate::percent(new.percent_complete)?,
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !store::lock_project(&mut tx, staff.org_id.0, project_id, now).await? {
        return Err(PortalError::ProjectNotFound);
    }
    store::insert_phase(&mut tx, &phase, now).await?;
    store::refresh_progress(&mut tx, project_id).await?;
    tx.commit().await?;
    Ok(phase)
}

/// A phase PATCH: `None` unchanged.
pub struct PhaseChange {
    pub name: Option<String>,
    pub position: Option<i32>,
    pub status: Option<String>,
    pub percent_complete: Option<i32>,
}

fn parse_phase_id(text: &str) -> Result<Uuid, PortalError> {
    Uuid::parse_str(text).map_err(|_| PortalError::PhaseNotFound)
}

pub async fn update_phase(
    state: &AppState,
    staff: &Principal,
    project_id: &str,
    phase_id: &str,
    change: PhaseChange,
) -> Result<PhaseRow, PortalError> {
    let project_id = parse_project_id(project_id)?;
    let phase_id = parse_phase_id(phase_id)?;
    let mut tx = state.db.begin().await?;
    if !store::lock_project(&mut tx, staff.org_id.0, project_id, state.clock.now()).await? {
        return Err(PortalError::ProjectNotFound);
    }
    let mut phase = store::find_phase(&mut tx, project_id, phase_id)
        .await?
        .ok_or(PortalError::PhaseNotFound)?;
    if let Some(name) = &change.name {
        phase.name = validate::name("name", name)?;
    }
    if let Some(position) = change.position {
        phase.position = validate::position(position)?;
    }
    if let Some(status) = &change.status {
        phase.status = validate::phase_status(status)?;
    }
    if let Some(percent) = change.percent_complete {
        phase.percent_complete = validate::percent(percent)?;
    }
    store::update_phase(&mut tx, &phase).await?;
    store::refresh_progress(&mut tx, project_id).await?;
    tx.commit().await?;
    Ok(phase)
}

pub async fn delete_phase(
    state: &AppState,
    staff: &Principal,
    project_id: &str,
    phase_id: &str,
) -> Result<(), PortalError> {
    let project_id = parse_project_id(project_id)?;
    let phase_id = parse_phase_id(phase_id)?;
    let mut tx = state.db.begin().await?;
    if !store::lock_project(&mut tx, staff.org_id.0, project_id, state.clock.now()).await? {
        return Err(PortalError::ProjectNotFound);
    }
    if !store::delete_phase(&mut tx, project_id, phase_id).await? {
        return Err(PortalError::PhaseNotFound);
    }
    store::refresh_progress(&mut tx, project_id).await?;
    tx.commit().await?;
    Ok(())
}
