//! The customer's own projects and galleries, checked against the assignment on every
//! request: one taken away answers 403 `CUSTOMER_ASSIGNMENT_REVOKED`.

use atrium_proto::portal::v1 as pb;
use axum::routing::get;

use crate::api::projects::Project;
use crate::api::{Page, PageQuery};
use crate::call;
use crate::extract::Json;
use crate::extract::PathId;
use crate::extract::{CustomerCall, Query};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/customer/projects", "The customer's projects and galleries, newest assignment first", get(list))
            .customer().query::<PageQuery>().answers::<Page<Project>>(200),
        Route::get("/api/customer/projects/{id}", "One assigned project with its phases; 403 CUSTOMER_ASSIGNMENT_REVOKED once unassigned", get(read))
            .customer().answers::<Project>(200).errors(&["CUSTOMER_ASSIGNMENT_REVOKED"]),
    ]
}

pub(crate) async fn list(
    customer: CustomerCall,
    Query(query): Query<PageQuery>,
) -> Answer<Page<Project>> {
    let (page_size, page_token) = query.paging.size_and_token()?;
    let request = pb::ListMyProjectsRequest {
        page_size,
        page_token,
    };
    let response = call!(customer, my_projects.list_my_projects(request));
    let items = response.items.into_iter().map(|p| Project::of(p, false));
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn read(customer: CustomerCall, id: PathId) -> Answer<Project> {
    let request = pb::ProjectRequest {
        project_id: id.to_string(),
    };
    let response = call!(customer, my_projects.get_my_project(request));
    Ok(Json(Project::of(
        response.project.unwrap_or_default(),
        true,
    )))
}
