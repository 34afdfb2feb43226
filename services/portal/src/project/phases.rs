//! Staff managing a project's phases; every change recomputes the project's progress
//! in the same transaction.

use atrium_common::auth::Principal;
use atrium_common::ids::PhaseId;
use uuid::Uuid;

use super::store;
use super::{Phase, PhaseStatus, parse_phase_id, parse_project_id};
use crate::AppState;
use crate::error::PortalError;
use crate::validate;

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
) -> Result<Phase, PortalError> {
    let project_id = parse_project_id(project_id)?;
    let phase = Phase {
        phase_id: PhaseId(Uuid::now_v7()),
        project_id,
        name: validate::name("name", &new.name)?,
        position: validate::position(new.position)?,
        status: if new.status.is_empty() {
            PhaseStatus::Pending
        } else {
            validate::phase_status(&new.status)?
        },
        percent_complete: validate::percent(new.percent_complete)?,
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !store::lock_project(&mut tx, staff.org_id, project_id, now).await? {
        return Err(PortalError::ProjectNotFound);
    }
    if !store::insert_phase(&mut tx, staff.org_id, &phase, now).await? {
        return Err(PortalError::ProjectNotFound);
    }
    store::refresh_progress(&mut tx, staff.org_id, project_id).await?;
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

pub async fn update_phase(
    state: &AppState,
    staff: &Principal,
    project_id: &str,
    phase_id: &str,
    change: PhaseChange,
) -> Result<Phase, PortalError> {
    let project_id = parse_project_id(project_id)?;
    let phase_id = parse_phase_id(phase_id)?;
    let mut tx = state.db.begin().await?;
    if !store::lock_project(&mut tx, staff.org_id, project_id, state.clock.now()).await? {
        return Err(PortalError::ProjectNotFound);
    }
    let mut phase = store::find_phase(&mut tx, staff.org_id, project_id, phase_id)
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
    if !store::update_phase(&mut tx, staff.org_id, &phase).await? {
        return Err(PortalError::PhaseNotFound);
    }
    store::refresh_progress(&mut tx, staff.org_id, project_id).await?;
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
    if !store::lock_project(&mut tx, staff.org_id, project_id, state.clock.now()).await? {
        return Err(PortalError::ProjectNotFound);
    }
    if !store::delete_phase(&mut tx, staff.org_id, project_id, phase_id).await? {
        return Err(PortalError::PhaseNotFound);
    }
    store::refresh_progress(&mut tx, staff.org_id, project_id).await?;
    tx.commit().await?;
    Ok(())
}
