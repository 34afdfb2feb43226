//! The signed-in customer's projects and galleries: only those assigned to them, checked
//! on every request (`403 CUSTOMER_ASSIGNMENT_REVOKED` once taken away).

use atrium_common::error::ApiError;
use atrium_proto::portal::v1 as pb;
use axum::extract::{Path, State};
use axum::routing::get;
use http::Method;
use serde_json::Value;

use super::projects::{project_json, project_schema};
use super::{Route, Security, list_of};
use crate::GatewayState;
use crate::extract::{ActsFor, CustomerSession, PageQuery, QueryMap, path_id};

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            method: Method::GET,
            path: "/api/customer/projects",
            summary: "The customer's projects and galleries, newest assignment first",
            security: Security::Customer,
            request: None,
            response: (200, list_of(project_schema(false))),
            errors: &["UNAUTHENTICATED", "VALIDATION_FAILED"],
            handler: get(list),
        },
        Route {
            method: Method::GET,
            path: "/api/customer/projects/{id}",
            summary: "One assigned project with its phases; 403 CUSTOMER_ASSIGNMENT_REVOKED once unassigned",
            security: Security::Customer,
            request: None,
            response: (200, project_schema(false)),
            errors: &[
                "UNAUTHENTICATED",
                "CUSTOMER_ASSIGNMENT_REVOKED",
                "NOT_FOUND",
            ],
            handler: get(read),
        },
    ]
}

async fn list(
    State(state): State<GatewayState>,
    session: CustomerSession,
    QueryMap(query): QueryMap,
) -> Result<axum::Json<Value>, ApiError> {
    let page = PageQuery::parse(&query)?;
    let request = pb::ListMyProjectsRequest {
        page_size: page.page_size,
        page_token: page.page_token,
    };
    let response = state
        .clients
        .my_projects
        .clone()
        .list_my_projects(session.request(request))
        .await?
        .into_inner();
    let items = response
        .items
        .iter()
        .map(|p| project_json(p, false, false))
        .collect();
    Ok(super::list_json(items, response.next_page_token))
}

async fn read(
    State(state): State<GatewayState>,
    session: CustomerSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    let request = pb::ProjectRequest {
        project_id: path_id(&id)?.to_string(),
    };
    let response = state
        .clients
        .my_projects
        .clone()
        .get_my_project(session.request(request))
        .await?
        .into_inner();
    Ok(axum::Json(project_json(
        &response.project.unwrap_or_default(),
        false,
        true,
    )))
}
