//! A project's phases (`projects.manage`); the project's progress is the rounded mean
//! of their `percent_complete`.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::portal::v1 as pb;
use axum::routing::{delete, patch, post};
use http::StatusCode;

use crate::api::projects::{NewPhase, Phase, PhasePatch};
use crate::call;
use crate::extract::{Json, StaffCall};
use crate::extract::{PathId, PathIds};
use crate::routes::{Answer, Route};

const PHASE: &str = "/api/admin/projects/{id}/phases/{phase_id}";

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let manage = Permission::ProjectsManage;
    vec![
        Route::post("/api/admin/projects/{id}/phases", "Add a phase; the project's progress is the rounded mean of its phases", post(add))
            .staff(manage).body::<NewPhase>().answers::<Phase>(201),
        Route::patch(PHASE, "Edit a phase", patch(update))
            .staff(manage).body::<PhasePatch>().answers::<Phase>(200),
        Route::delete(PHASE, "Delete a phase", delete(remove))
            .staff(manage).no_content(),
    ]
}

pub(crate) async fn add(
    staff: StaffCall,
    id: PathId,
    Json(body): Json<NewPhase>,
) -> Result<(StatusCode, Json<Phase>), ApiError> {
    let request = pb::AddPhaseRequest {
        project_id: id.to_string(),
        name: body.name,
        position: body.position,
        status: body.status.unwrap_or_default(),
        percent_complete: body.percent_complete,
    };
    let response = call!(staff, projects.add_phase(request));
    let phase = response.phase.unwrap_or_default().into();
    Ok((StatusCode::CREATED, Json(phase)))
}

pub(crate) async fn update(
    staff: StaffCall,
    PathIds(id, phase_id): PathIds,
    Json(body): Json<PhasePatch>,
) -> Answer<Phase> {
    let request = pb::UpdatePhaseRequest {
        project_id: id.to_string(),
        phase_id: phase_id.to_string(),
        name: body.name,
        position: body.position,
        status: body.status,
        percent_complete: body.percent_complete,
    };
    let response = call!(staff, projects.update_phase(request));
    Ok(Json(response.phase.unwrap_or_default().into()))
}

pub(crate) async fn remove(
    staff: StaffCall,
    PathIds(id, phase_id): PathIds,
) -> Result<StatusCode, ApiError> {
    let request = pb::PhaseRequest {
        project_id: id.to_string(),
        phase_id: phase_id.to_string(),
    };
    call!(staff, projects.delete_phase(request));
    Ok(StatusCode::NO_CONTENT)
}
