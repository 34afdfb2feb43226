//! The customer's own projects and galleries, checked against the assignment on every
//! request: one taken away answers 403 `CUSTOMER_ASSIGNMENT_REVOKED`.

use atrium_common::error::ApiError;
use atrium_proto::portal::v1 as pb;
use axum::extract::{Path, State};
use axum::routing::get;

use crate::GatewayState;
use crate::api::projects::Project;
use crate::api::{Page, PageQuery};
use crate::extract::{ActsFor, CustomerSession, Query, path_id};
use crate::routes::Route;

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/customer/projects", "The customer's projects and galleries, newest assignment first", get(list))
            .customer().query::<PageQuery>().answers::<Page<Project>>(200),
        Route::get("/api/customer/projects/{id}", "One assigned project with its phases; 403 CUSTOMER_ASSIGNMENT_REVOKED once unassigned", get(read))
            .customer().answers::<Project>(200).errors(&["CUSTOMER_ASSIGNMENT_REVOKED"]),
    ]
}

async fn list(
    State(state): State<GatewayState>,
    session: CustomerSession,
    Query(query): Query<PageQuery>,
) -> Result<axum::Json<Page<Project>>, ApiError> {
    let (page_size, page_token) = query.paging.size_and_token()?;
    let request = pb::ListMyProjectsRequest {
        page_size,
        page_token,
    };
    let mut client = state.clients.my_projects.clone();
    let response = client
        .list_my_projects(session.request(request))
        .await?
        .into_inner();
    let items = response.items.into_iter().map(|p| Project::of(p, false));
    Ok(axum::Json(Page::of(items, response.next_page_token)))
}

async fn read(
    State(state): State<GatewayState>,
    session: CustomerSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Project>, ApiError> {
    let request = pb::ProjectRequest {
        project_id: path_id(&id)?.to_string(),
    };
    let mut client = state.clients.my_projects.clone();
    let response = client
        .get_my_project(session.request(request))
        .await?
        .into_inner();
    Ok(axum::Json(Project::of(
        response.project.unwrap_or_default(),
        true,
    )))
}
