//! Per-customer permission overrides over the organization's defaults (staff), and the
//! effective flags a customer sees in `GET /api/customer/me`.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::portal::v1 as pb;
use axum::extract::{Path, State};
use axum::routing::{get, put};
use http::Method;
use serde_json::{Value, json};

use super::org_settings::{PERMISSIONS, PermissionFlags, flags_schema, permissions_json};
use super::{Route, Security, object};
use crate::GatewayState;
use crate::extract::{ActsFor, Json, StaffSession, path_id};

pub fn routes() -> Vec<Route> {
    let nullable_flags = object(
        &PERMISSIONS.map(|name| (name, json!({"type": ["boolean", "null"]}))),
        &[],
    );
    let answer = object(
        &[
            ("effective", flags_schema(&PERMISSIONS, true)),
            ("overrides", {
                let mut o = nullable_flags.clone();
                o["required"] = json!(PERMISSIONS);
                o
            }),
        ],
        &["effective", "overrides"],
    );
    vec![
        Route {
            method: Method::GET,
            path: "/api/admin/customers/{id}/permissions",
            summary: "A customer's permissions in force and their own overrides",
            security: Security::Staff,
            request: None,
            response: (200, answer.clone()),
            errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND"],
            handler: get(read),
        },
        Route {
            method: Method::PUT,
            path: "/api/admin/customers/{id}/permissions",
            summary: "Replace a customer's overrides (null or absent: the organization's default)",
            security: Security::Staff,
            request: Some(nullable_flags),
            response: (200, answer),
            errors: &[
                "UNAUTHENTICATED",
                "PERMISSION_DENIED",
                "NOT_FOUND",
                "MALFORMED_JSON",
                "UNSUPPORTED_MEDIA_TYPE",
                "PAYLOAD_TOO_LARGE",
                "VALIDATION_FAILED",
            ],
            handler: put(replace),
        },
    ]
}

/// `{effective, overrides}`, an override `null` where the default applies.
pub fn answer_json(p: &pb::CustomerPermissionsResponse) -> Value {
    let o = p.overrides.unwrap_or_default();
    json!({
        "effective": permissions_json(&p.effective.unwrap_or_default()),
        "overrides": {
            "can_view_invoices": o.can_view_invoices,
            "can_approve_work": o.can_approve_work,
            "can_add_comments": o.can_add_comments,
            "can_submit_requests": o.can_submit_requests,
        },
    })
}

async fn read(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::CustomersView)?;
    let request = pb::CustomerPermissionsRequest {
        customer_id: path_id(&id)?.to_string(),
    };
    let response = state
        .clients
        .permissions
        .clone()
        .get_customer_permissions(session.request(request))
        .await?
        .into_inner();
    Ok(axum::Json(answer_json(&response)))
}

async fn replace(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
    Json(body): Json<PermissionFlags>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::CustomersCreate)?;
    let request = pb::SetCustomerPermissionsRequest {
        customer_id: path_id(&id)?.to_string(),
        overrides: Some(pb::PermissionOverrides {
            can_view_invoices: body.can_view_invoices.flatten(),
            can_approve_work: body.can_approve_work.flatten(),
            can_add_comments: body.can_add_comments.flatten(),
            can_submit_requests: body.can_submit_requests.flatten(),
        }),
    };
    let response = state
        .clients
        .permissions
        .clone()
        .set_customer_permissions(session.request(request))
        .await?
        .into_inner();
    Ok(axum::Json(answer_json(&response)))
}
