//! Staff managing their organization's staff (`staff.manage`): invitations, the list, role
//! and status changes, removal. Identity enforces the owner rules (admins cannot touch
//! owners; the last active owner stays).

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::identity::v1 as pb;
use axum::extract::{Path, State};
use axum::routing::{delete, get, patch, post};
use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin::{staff_json, staff_schema};
use super::{Route, Security, list_of, object, string};
use crate::GatewayState;
use crate::extract::{ActsFor, Json, PageQuery, QueryMap, StaffSession, path_id};

const ROLES: [&str; 5] = ["owner", "admin", "editor", "viewer", "accountant"];

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            method: Method::POST,
            path: "/api/admin/staff",
            summary: "Invite a staff member: the account (invited) and a 7-day link by email",
            security: Security::Staff,
            request: Some(object(
                &[
                    ("email", string()),
                    ("name", string()),
                    ("role", json!({"type": "string", "enum": ROLES})),
                ],
                &["email", "role"],
            )),
            response: (201, staff_schema()),
            errors: &[
                "UNAUTHENTICATED",
                "PERMISSION_DENIED",
                "MALFORMED_JSON",
                "UNSUPPORTED_MEDIA_TYPE",
                "PAYLOAD_TOO_LARGE",
                "VALIDATION_FAILED",
                "ALREADY_EXISTS",
                "INVITATION_PENDING",
            ],
            handler: post(invite),
        },
        Route {
            method: Method::GET,
            path: "/api/admin/staff",
            summary: "The organization's staff, newest first",
            security: Security::Staff,
            request: None,
            response: (200, list_of(staff_schema())),
            errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "VALIDATION_FAILED"],
            handler: get(list),
        },
        Route {
            method: Method::PATCH,
            path: "/api/admin/staff/{id}",
            summary: "Change a member's role or status; the last active owner stays an active owner",
            security: Security::Staff,
            request: Some(object(
                &[
                    ("role", json!({"type": "string", "enum": ROLES})),
                    (
                        "status",
                        json!({"type": "string", "enum": ["active", "deactivated"]}),
                    ),
                ],
                &[],
            )),
            response: (200, staff_schema()),
            errors: &[
                "UNAUTHENTICATED",
                "PERMISSION_DENIED",
                "NOT_FOUND",
                "MALFORMED_JSON",
                "UNSUPPORTED_MEDIA_TYPE",
                "PAYLOAD_TOO_LARGE",
                "VALIDATION_FAILED",
                "CONFLICT",
            ],
            handler: patch(update),
        },
        Route {
            method: Method::DELETE,
            path: "/api/admin/staff/{id}",
            summary: "Remove a member: their sessions end at once",
            security: Security::Staff,
            request: None,
            response: (204, Value::Null),
            errors: &[
                "UNAUTHENTICATED",
                "PERMISSION_DENIED",
                "NOT_FOUND",
                "CONFLICT",
            ],
            handler: delete(remove),
        },
    ]
}

#[derive(Deserialize)]
struct Invite {
    email: String,
    #[serde(default)]
    name: String,
    role: String,
}

async fn invite(
    State(state): State<GatewayState>,
    session: StaffSession,
    Json(body): Json<Invite>,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    session.require(Permission::StaffManage)?;
    let request = session.request(pb::InviteStaffRequest {
        email: body.email,
        name: body.name,
        role: body.role,
    });
    let response = state
        .clients
        .staff
        .clone()
        .invite_staff(request)
        .await?
        .into_inner();
    Ok((
        StatusCode::CREATED,
        axum::Json(staff_json(&response.staff.unwrap_or_default())),
    ))
}

async fn list(
    State(state): State<GatewayState>,
    session: StaffSession,
    QueryMap(query): QueryMap,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::StaffManage)?;
    let page = PageQuery::parse(&query)?;
    let request = session.request(pb::ListStaffRequest {
        page_size: page.page_size,
        page_token: page.page_token,
    });
    let response = state
        .clients
        .staff
        .clone()
        .list_staff(request)
        .await?
        .into_inner();
    let items: Vec<Value> = response.items.iter().map(staff_json).collect();
    Ok(super::list_json(items, response.next_page_token))
}

#[derive(Deserialize)]
struct Update {
    role: Option<String>,
    status: Option<String>,
}

async fn update(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
    Json(body): Json<Update>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::StaffManage)?;
    let request = session.request(pb::UpdateStaffRequest {
        staff_id: path_id(&id)?.to_string(),
        role: body.role,
        status: body.status,
    });
    let response = state
        .clients
        .staff
        .clone()
        .update_staff(request)
        .await?
        .into_inner();
    Ok(axum::Json(staff_json(&response.staff.unwrap_or_default())))
}

async fn remove(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    session.require(Permission::StaffManage)?;
    let request = session.request(pb::StaffRequest {
        staff_id: path_id(&id)?.to_string(),
    });
    state.clients.staff.clone().remove_staff(request).await?;
    Ok(StatusCode::NO_CONTENT)
}
