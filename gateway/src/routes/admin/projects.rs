//! Staff managing projects and galleries (`projects.view` / `projects.manage`): create,
//! list with filters, read, edit, delete, and the team shown to customers.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::portal::v1 as pb;
use axum::routing::{delete, get, patch, post, put};
use http::StatusCode;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::api::projects::{Member, NewProject, NewTeam, ProjectPatch, StaffProject, Team};
use crate::api::{Page, Paging};
use crate::call;
use crate::extract::PathId;
use crate::extract::{Json, Query, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let (view, manage) = (Permission::ProjectsView, Permission::ProjectsManage);
    vec![
        Route::post("/api/admin/projects", "Create a project or gallery; the slug comes from the name when absent", post(create))
            .staff(manage).body::<NewProject>().answers::<StaffProject>(201)
            .errors(&["ALREADY_EXISTS"]),
        Route::get("/api/admin/projects", "The organization's projects and galleries (q, status, kind), newest first", get(list))
            .staff(view).query::<ProjectFilter>().answers::<Page<StaffProject>>(200),
        Route::get("/api/admin/projects/{id}", "One project with its phases", get(read))
            .staff(view).answers::<StaffProject>(200),
        Route::patch("/api/admin/projects/{id}", "Edit a project (absent: unchanged, null: cleared); a new guest password ends guest access", patch(update))
            .staff(manage).body::<ProjectPatch>().answers::<StaffProject>(200)
            .errors(&["ALREADY_EXISTS"]),
        Route::delete("/api/admin/projects/{id}", "Delete a project with its phases and assignments", delete(remove))
            .staff(manage).no_content(),
        Route::put("/api/admin/projects/{id}/team", "The project's team becomes exactly these staff members, in this order", put(set_team))
            .staff(manage).body::<NewTeam>().answers::<Team>(200),
    ]
}

/// The filters of the project list.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub(crate) struct ProjectFilter {
    /// A case-insensitive substring of the name, slug or description.
    pub q: Option<String>,
    #[schemars(extend("enum" = ["active", "completed", "archived"]))]
    pub status: Option<String>,
    #[schemars(extend("enum" = ["project", "gallery"]))]
    pub kind: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}

fn project_request(PathId(id): PathId) -> pb::ProjectRequest {
    pb::ProjectRequest {
        project_id: id.to_string(),
    }
}

pub(crate) async fn create(
    staff: StaffCall,
    Json(body): Json<NewProject>,
) -> Result<(StatusCode, Json<StaffProject>), ApiError> {
    let response = call!(
        staff,
        projects.create_project(pb::CreateProjectRequest::from(body))
    );
    let project = StaffProject::of(response.project.unwrap_or_default(), true);
    Ok((StatusCode::CREATED, Json(project)))
}

pub(crate) async fn list(
    staff: StaffCall,
    Query(filter): Query<ProjectFilter>,
) -> Answer<Page<StaffProject>> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let request = pb::ListProjectsRequest {
        q: filter.q.unwrap_or_default(),
        status: filter.status.unwrap_or_default(),
        kind: filter.kind.unwrap_or_default(),
        page_size,
        page_token,
    };
    let response = call!(staff, projects.list_projects(request));
    let items = response
        .items
        .into_iter()
        .map(|p| StaffProject::of(p, false));
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn read(staff: StaffCall, id: PathId) -> Answer<StaffProject> {
    let response = call!(staff, projects.get_project(project_request(id)));
    Ok(Json(StaffProject::of(
        response.project.unwrap_or_default(),
        true,
    )))
}

pub(crate) async fn update(
    staff: StaffCall,
    id: PathId,
    Json(body): Json<ProjectPatch>,
) -> Answer<StaffProject> {
    let response = call!(
        staff,
        projects.update_project(body.into_request(id.to_string()))
    );
    Ok(Json(StaffProject::of(
        response.project.unwrap_or_default(),
        true,
    )))
}

pub(crate) async fn remove(staff: StaffCall, id: PathId) -> Result<StatusCode, ApiError> {
    call!(staff, projects.delete_project(project_request(id)));
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn set_team(
    staff: StaffCall,
    id: PathId,
    Json(body): Json<NewTeam>,
) -> Answer<Team> {
    let members = body.members.into_iter().map(|m| pb::TeamMember {
        staff_id: m.staff_id.0,
        role_title: m.role_title.unwrap_or_default(),
        ..Default::default()
    });
    let request = pb::SetProjectTeamRequest {
        project_id: id.to_string(),
        members: members.collect(),
    };
    let response = call!(staff, projects.set_project_team(request));
    let members = response.members.into_iter().map(Member::from).collect();
    Ok(Json(Team { members }))
}
