//! Staff managing projects and galleries, their phases, and who sees them (reconciled
//! from the project's side or the customer's).

use atrium_common::error::ApiError;
use atrium_common::grpc::rfc3339;
use atrium_common::roles::Permission;
use atrium_proto::portal::v1 as pb;
use axum::extract::{Path, State};
use axum::routing::{delete, get, patch, post, put};
use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Route, Security, list_of, non_empty, object, string, timestamp, uuid};
use crate::GatewayState;
use crate::extract::{
    ActsFor, Json, PageQuery, QueryMap, StaffSession, patch_field, patched, path_id,
};

const BODY_ERRORS: &[&str] = &[
    "UNAUTHENTICATED",
    "PERMISSION_DENIED",
    "NOT_FOUND",
    "MALFORMED_JSON",
    "UNSUPPORTED_MEDIA_TYPE",
    "PAYLOAD_TOO_LARGE",
    "VALIDATION_FAILED",
];

pub fn routes() -> Vec<Route> {
    let nullable = json!({"type": ["string", "null"]});
    let date = json!({"type": ["string", "null"], "format": "date"});
    vec![
        Route {
            method: Method::POST,
            path: "/api/admin/projects",
            summary: "Create a project or gallery; the slug comes from the name when absent",
            security: Security::Staff,
            request: Some(object(
                &[
                    ("name", string()),
                    (
                        "kind",
                        json!({"type": "string", "enum": ["project", "gallery"]}),
                    ),
                    ("slug", string()),
                    ("description", string()),
                    ("starts_on", date.clone()),
                    ("ends_on", date.clone()),
                    ("status", status_schema()),
                    ("cover_url", nullable.clone()),
                    ("guest_password", nullable.clone()),
                ],
                &["name", "kind"],
            )),
            response: (201, project_schema(true)),
            errors: &[
                "UNAUTHENTICATED",
                "PERMISSION_DENIED",
                "MALFORMED_JSON",
                "UNSUPPORTED_MEDIA_TYPE",
                "PAYLOAD_TOO_LARGE",
                "VALIDATION_FAILED",
                "ALREADY_EXISTS",
            ],
            handler: post(create),
        },
        Route {
            method: Method::GET,
            path: "/api/admin/projects",
            summary: "The organization's projects and galleries (q, status, kind), newest first",
            security: Security::Staff,
            request: None,
            response: (200, list_of(project_schema(true))),
            errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "VALIDATION_FAILED"],
            handler: get(list),
        },
        Route {
            method: Method::GET,
            path: "/api/admin/projects/{id}",
            summary: "One project with its phases",
            security: Security::Staff,
            request: None,
            response: (200, project_schema(true)),
            errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND"],
            handler: get(read),
        },
        Route {
            method: Method::PATCH,
            path: "/api/admin/projects/{id}",
            summary: "Edit a project (absent: unchanged, null: cleared); a new guest password ends guest access",
            security: Security::Staff,
            request: Some(object(
                &[
                    ("name", string()),
                    ("slug", string()),
                    ("description", nullable.clone()),
                    ("starts_on", date.clone()),
                    ("ends_on", date),
                    ("status", status_schema()),
                    ("cover_url", nullable.clone()),
                    ("guest_password", nullable),
                ],
                &[],
            )),
            response: (200, project_schema(true)),
            errors: &[
                "UNAUTHENTICATED",
                "PERMISSION_DENIED",
                "NOT_FOUND",
                "MALFORMED_JSON",
                "UNSUPPORTED_MEDIA_TYPE",
                "PAYLOAD_TOO_LARGE",
                "VALIDATION_FAILED",
                "ALREADY_EXISTS",
            ],
            handler: patch(update),
        },
        Route {
            method: Method::DELETE,
            path: "/api/admin/projects/{id}",
            summary: "Delete a project with its phases and assignments",
            security: Security::Staff,
            request: None,
            response: (204, Value::Null),
            errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND"],
            handler: delete(remove),
        },
        Route {
            method: Method::POST,
            path: "/api/admin/projects/{id}/phases",
            summary: "Add a phase; the project's progress is the rounded mean of its phases",
            security: Security::Staff,
            request: Some(phase_request(&["name"])),
            response: (201, phase_schema()),
            errors: BODY_ERRORS,
            handler: post(add_phase),
        },
        Route {
            method: Method::PATCH,
            path: "/api/admin/projects/{id}/phases/{phase_id}",
            summary: "Edit a phase",
            security: Security::Staff,
            request: Some(phase_request(&[])),
            response: (200, phase_schema()),
            errors: BODY_ERRORS,
            handler: patch(update_phase),
        },
        Route {
            method: Method::DELETE,
            path: "/api/admin/projects/{id}/phases/{phase_id}",
            summary: "Delete a phase",
            security: Security::Staff,
            request: None,
            response: (204, Value::Null),
            errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND"],
            handler: delete(remove_phase),
        },
        Route {
            method: Method::PUT,
            path: "/api/admin/projects/{id}/customers",
            summary: "The project's customers become exactly these (one transaction; another \
                      organization's id refuses the whole list)",
            security: Security::Staff,
            request: Some(ids_request("customer_ids")),
            response: (200, reconciled_schema()),
            errors: BODY_ERRORS,
            handler: put(set_project_customers),
        },
        Route {
            method: Method::PUT,
            path: "/api/admin/customers/{id}/projects",
            summary: "The customer's projects become exactly these (one transaction; another \
                      organization's id refuses the whole list)",
            security: Security::Staff,
            request: Some(ids_request("project_ids")),
            response: (200, reconciled_schema()),
            errors: BODY_ERRORS,
            handler: put(set_customer_projects),
        },
        Route {
            method: Method::PUT,
            path: "/api/admin/projects/{id}/team",
            summary: "The project's team becomes exactly these staff members, in this order",
            security: Security::Staff,
            request: Some(object(
                &[(
                    "members",
                    json!({"type": "array", "maxItems": 100, "items": object(
                        &[("staff_id", uuid()), ("role_title", string())],
                        &["staff_id"],
                    )}),
                )],
                &["members"],
            )),
            response: (
                200,
                object(
                    &[(
                        "members",
                        json!({"type": "array", "items": member_schema()}),
                    )],
                    &["members"],
                ),
            ),
            errors: BODY_ERRORS,
            handler: put(set_team),
        },
    ]
}

fn member_schema() -> Value {
    let mut schema = super::dashboard::contact_schema();
    schema["properties"]["staff_id"] = uuid();
    schema["properties"]["role_title"] = json!({"type": ["string", "null"]});
    schema
}

fn member_json(m: &pb::TeamMember) -> Value {
    let mut member = super::dashboard::contact_json(&m.name, &m.title, &m.email, &m.phone);
    member["staff_id"] = m.staff_id.as_str().into();
    member["role_title"] = non_empty(&m.role_title).into();
    member
}

#[derive(Deserialize)]
struct TeamMember {
    staff_id: String,
    #[serde(default)]
    role_title: Option<String>,
}

#[derive(Deserialize)]
struct Team {
    members: Vec<TeamMember>,
}

async fn set_team(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
    Json(body): Json<Team>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::ProjectsManage)?;
    let request = pb::SetProjectTeamRequest {
        project_id: path_id(&id)?.to_string(),
        members: body
            .members
            .into_iter()
            .map(|m| pb::TeamMember {
                staff_id: m.staff_id,
                role_title: m.role_title.unwrap_or_default(),
                ..Default::default()
            })
            .collect(),
    };
    let response = state
        .clients
        .projects
        .clone()
        .set_project_team(session.request(request))
        .await?
        .into_inner();
    let members: Vec<Value> = response.members.iter().map(member_json).collect();
    Ok(axum::Json(json!({ "members": members })))
}

fn status_schema() -> Value {
    json!({"type": "string", "enum": ["active", "completed", "archived"]})
}

fn phase_request(required: &[&str]) -> Value {
    object(
        &[
            ("name", string()),
            (
                "position",
                json!({"type": "integer", "minimum": 0, "maximum": 10000}),
            ),
            (
                "status",
                json!({"type": "string", "enum": ["pending", "in_progress", "done"]}),
            ),
            (
                "percent_complete",
                json!({"type": "integer", "minimum": 0, "maximum": 100}),
            ),
        ],
        required,
    )
}

pub fn phase_schema() -> Value {
    object(
        &[
            ("id", uuid()),
            ("name", string()),
            ("position", json!({"type": "integer"})),
            ("status", string()),
            ("percent_complete", json!({"type": "integer"})),
        ],
        &["id", "name", "position", "status", "percent_complete"],
    )
}

/// A project as staff (`for_staff`) or its customers see it; lists leave out `phases`.
pub fn project_schema(for_staff: bool) -> Value {
    let nullable = json!({"type": ["string", "null"]});
    let mut fields = vec![
        ("id", uuid()),
        (
            "kind",
            json!({"type": "string", "enum": ["project", "gallery"]}),
        ),
        ("name", string()),
        ("slug", string()),
        ("description", string()),
        ("starts_on", nullable.clone()),
        ("ends_on", nullable.clone()),
        ("status", status_schema()),
        ("cover_url", nullable),
        (
            "progress",
            json!({"type": "integer", "minimum": 0, "maximum": 100}),
        ),
        ("phases", json!({"type": "array", "items": phase_schema()})),
        ("team", json!({"type": "array", "items": member_schema()})),
    ];
    if for_staff {
        fields.push(("has_guest_password", json!({"type": "boolean"})));
        fields.push(("created_at", timestamp()));
        fields.push(("updated_at", timestamp()));
    }
    object(
        &fields,
        &["id", "kind", "name", "slug", "status", "progress"],
    )
}

fn ids_request(field: &str) -> Value {
    object(
        &[(
            field,
            json!({"type": "array", "items": uuid(), "maxItems": 1000}),
        )],
        &[field],
    )
}

fn reconciled_schema() -> Value {
    let ids = json!({"type": "array", "items": uuid()});
    object(
        &[
            ("added", ids.clone()),
            ("removed", ids.clone()),
            ("current", ids),
        ],
        &["added", "removed", "current"],
    )
}

pub fn phase_json(phase: &pb::Phase) -> Value {
    json!({
        "id": phase.id,
        "name": phase.name,
        "position": phase.position,
        "status": phase.status,
        "percent_complete": phase.percent_complete,
    })
}

/// A project's JSON; `with_phases` for single reads.
pub fn project_json(p: &pb::Project, for_staff: bool, with_phases: bool) -> Value {
    let mut body = json!({
        "id": p.id,
        "kind": p.kind,
        "name": p.name,
        "slug": p.slug,
        "description": p.description,
        "starts_on": non_empty(&p.starts_on),
        "ends_on": non_empty(&p.ends_on),
        "status": p.status,
        "cover_url": non_empty(&p.cover_url),
        "progress": p.progress,
    });
    if with_phases {
        body["phases"] = p.phases.iter().map(phase_json).collect();
        body["team"] = p.team.iter().map(member_json).collect();
    }
    if for_staff {
        body["has_guest_password"] = p.has_guest_password.into();
        body["created_at"] = p.created_at.as_ref().map(rfc3339).into();
        body["updated_at"] = p.updated_at.as_ref().map(rfc3339).into();
    }
    body
}

fn project_request(id: &str) -> Result<pb::ProjectRequest, ApiError> {
    Ok(pb::ProjectRequest {
        project_id: path_id(id)?.to_string(),
    })
}

#[derive(Deserialize)]
struct NewProject {
    name: String,
    kind: String,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    starts_on: Option<String>,
    #[serde(default)]
    ends_on: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    cover_url: Option<String>,
    #[serde(default)]
    guest_password: Option<String>,
}

async fn create(
    State(state): State<GatewayState>,
    session: StaffSession,
    Json(body): Json<NewProject>,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    session.require(Permission::ProjectsManage)?;
    let request = pb::CreateProjectRequest {
        name: body.name,
        kind: body.kind,
        slug: body.slug.unwrap_or_default(),
        description: body.description.unwrap_or_default(),
        starts_on: body.starts_on.unwrap_or_default(),
        ends_on: body.ends_on.unwrap_or_default(),
        status: body.status.unwrap_or_default(),
        cover_url: body.cover_url.unwrap_or_default(),
        guest_password: body.guest_password.unwrap_or_default(),
    };
    let response = state
        .clients
        .projects
        .clone()
        .create_project(session.request(request))
        .await?
        .into_inner();
    Ok((
        StatusCode::CREATED,
        axum::Json(project_json(
            &response.project.unwrap_or_default(),
            true,
            true,
        )),
    ))
}

async fn list(
    State(state): State<GatewayState>,
    session: StaffSession,
    QueryMap(query): QueryMap,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::ProjectsView)?;
    let page = PageQuery::parse(&query)?;
    let text = |name: &str| query.get(name).cloned().unwrap_or_default();
    let request = pb::ListProjectsRequest {
        q: text("q"),
        status: text("status"),
        kind: text("kind"),
        page_size: page.page_size,
        page_token: page.page_token,
    };
    let response = state
        .clients
        .projects
        .clone()
        .list_projects(session.request(request))
        .await?
        .into_inner();
    let items = response
        .items
        .iter()
        .map(|p| project_json(p, true, false))
        .collect();
    Ok(super::list_json(items, response.next_page_token))
}

async fn read(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::ProjectsView)?;
    let request = session.request(project_request(&id)?);
    let response = state
        .clients
        .projects
        .clone()
        .get_project(request)
        .await?
        .into_inner();
    Ok(axum::Json(project_json(
        &response.project.unwrap_or_default(),
        true,
        true,
    )))
}

#[derive(Deserialize)]
struct ProjectPatch {
    #[serde(default, deserialize_with = "patch_field")]
    name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    slug: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    starts_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    ends_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    status: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    cover_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    guest_password: Option<Option<String>>,
}

async fn update(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
    Json(body): Json<ProjectPatch>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::ProjectsManage)?;
    let request = pb::UpdateProjectRequest {
        project_id: path_id(&id)?.to_string(),
        name: patched(body.name),
        slug: patched(body.slug),
        description: patched(body.description),
        starts_on: patched(body.starts_on),
        ends_on: patched(body.ends_on),
        status: patched(body.status),
        cover_url: patched(body.cover_url),
        guest_password: patched(body.guest_password),
    };
    let response = state
        .clients
        .projects
        .clone()
        .update_project(session.request(request))
        .await?
        .into_inner();
    Ok(axum::Json(project_json(
        &response.project.unwrap_or_default(),
        true,
        true,
    )))
}

async fn remove(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    session.require(Permission::ProjectsManage)?;
    let request = session.request(project_request(&id)?);
    state
        .clients
        .projects
        .clone()
        .delete_project(request)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct NewPhase {
    name: String,
    #[serde(default)]
    position: i32,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    percent_complete: i32,
}

async fn add_phase(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
    Json(body): Json<NewPhase>,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    session.require(Permission::ProjectsManage)?;
    let request = pb::AddPhaseRequest {
        project_id: path_id(&id)?.to_string(),
        name: body.name,
        position: body.position,
        status: body.status.unwrap_or_default(),
        percent_complete: body.percent_complete,
    };
    let response = state
        .clients
        .projects
        .clone()
        .add_phase(session.request(request))
        .await?
        .into_inner();
    Ok((
        StatusCode::CREATED,
        axum::Json(phase_json(&response.phase.unwrap_or_default())),
    ))
}

#[derive(Deserialize)]
struct PhasePatch {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    position: Option<i32>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    percent_complete: Option<i32>,
}

async fn update_phase(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path((id, phase_id)): Path<(String, String)>,
    Json(body): Json<PhasePatch>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::ProjectsManage)?;
    let request = pb::UpdatePhaseRequest {
        project_id: path_id(&id)?.to_string(),
        phase_id: path_id(&phase_id)?.to_string(),
        name: body.name,
        position: body.position,
        status: body.status,
        percent_complete: body.percent_complete,
    };
    let response = state
        .clients
        .projects
        .clone()
        .update_phase(session.request(request))
        .await?
        .into_inner();
    Ok(axum::Json(phase_json(&response.phase.unwrap_or_default())))
}

async fn remove_phase(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path((id, phase_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    session.require(Permission::ProjectsManage)?;
    let request = pb::PhaseRequest {
        project_id: path_id(&id)?.to_string(),
        phase_id: path_id(&phase_id)?.to_string(),
    };
    state
        .clients
        .projects
        .clone()
        .delete_phase(session.request(request))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn reconciled_json(r: pb::Reconciled) -> axum::Json<Value> {
    axum::Json(json!({ "added": r.added, "removed": r.removed, "current": r.current }))
}

#[derive(Deserialize)]
struct CustomerIds {
    customer_ids: Vec<String>,
}

async fn set_project_customers(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
    Json(body): Json<CustomerIds>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::CustomersCreate)?;
    let request = pb::SetProjectCustomersRequest {
        project_id: path_id(&id)?.to_string(),
        customer_ids: body.customer_ids,
    };
    let response = state
        .clients
        .assignments
        .clone()
        .set_project_customers(session.request(request))
        .await?
        .into_inner();
    Ok(reconciled_json(response))
}

#[derive(Deserialize)]
struct ProjectIds {
    project_ids: Vec<String>,
}

async fn set_customer_projects(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
    Json(body): Json<ProjectIds>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::CustomersCreate)?;
    let request = pb::SetCustomerProjectsRequest {
        customer_id: path_id(&id)?.to_string(),
        project_ids: body.project_ids,
    };
    let response = state
        .clients
        .assignments
        .clone()
        .set_customer_projects(session.request(request))
        .await?
        .into_inner();
    Ok(reconciled_json(response))
}
