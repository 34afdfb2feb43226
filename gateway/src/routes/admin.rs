//! Staff sign-in, sign-out and profile. Issue 4 completes the staff routes.

use atrium_common::error::ApiError;
use atrium_proto::identity::v1 as pb;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use http::{HeaderMap, Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Route, Security, object, string, uuid};
use crate::GatewayState;
use crate::extract::{ActsFor, ClientAddr, Json, StaffSession, enforce_limit, user_agent};

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            method: Method::POST,
            path: "/api/admin/login",
            summary: "Sign a staff member in",
            security: Security::Public,
            request: Some(object(
                &[
                    ("org", string()),
                    ("email", string()),
                    ("password", string()),
                ],
                &["org", "email", "password"],
            )),
            response: (
                200,
                object(
                    &[
                        ("access_token", string()),
                        ("token_type", string()),
                        ("expires_in", json!({"type": "integer"})),
                    ],
                    &["access_token", "token_type", "expires_in"],
                ),
            ),
            errors: &[
                "MALFORMED_JSON",
                "INVALID_CREDENTIALS",
                "UNSUPPORTED_MEDIA_TYPE",
                "VALIDATION_FAILED",
                "RATE_LIMITED",
            ],
            handler: post(login),
        },
        Route {
            method: Method::POST,
            path: "/api/admin/logout",
            summary: "End the staff session the token names",
            security: Security::Staff,
            request: None,
            response: (204, Value::Null),
            errors: &["UNAUTHENTICATED"],
            handler: post(logout),
        },
        Route {
            method: Method::GET,
            path: "/api/admin/me",
            summary: "The signed-in staff member, with role and permissions",
            security: Security::Staff,
            request: None,
            response: (200, staff_schema()),
            errors: &["UNAUTHENTICATED"],
            handler: get(me),
        },
    ]
}

fn staff_schema() -> Value {
    object(
        &[
            ("id", uuid()),
            ("org_id", uuid()),
            ("email", string()),
            ("name", string()),
            ("title", string()),
            ("phone", string()),
            ("role", string()),
            (
                "permissions",
                json!({"type": "array", "items": {"type": "string"}}),
            ),
        ],
        &["id", "org_id", "email", "name", "role", "permissions"],
    )
}

#[derive(Deserialize)]
struct Login {
    org: String,
    email: String,
    password: String,
}

async fn login(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Json(body): Json<Login>,
) -> Result<impl IntoResponse, ApiError> {
    let limits = &state.settings.rate_limits;
    let address_key = format!("gateway:staff-login:addr:{ip}");
    enforce_limit(&state, &address_key, limits.login_address).await?;
    // Attempts are counted per email as typed, whether or not the account exists, before
    // the password is checked (so parallel guesses count too); a success clears them.
    let account_key = super::account_key("staff-login", &body.org, &body.email);
    enforce_limit(&state, &account_key, limits.login_account).await?;
    let request = pb::LoginStaffRequest {
        org: body.org,
        email: body.email,
        password: body.password,
        ip: ip.to_string(),
        user_agent: user_agent(&headers),
    };
    let response = state
        .clients
        .staff_auth
        .clone()
        .login_staff(request)
        .await?
        .into_inner();
    if let Err(err) = state.limits.delete(&account_key).await {
        tracing::warn!(error = %atrium_common::error::error_chain(&err), "clearing login attempts");
    }
    Ok(axum::Json(json!({
        "access_token": response.access_token,
        "token_type": "Bearer",
        "expires_in": response.expires_in,
    })))
}

async fn logout(
    State(state): State<GatewayState>,
    session: StaffSession,
) -> Result<StatusCode, ApiError> {
    let request = pb::LogoutStaffRequest {
        access_token: session.access_token,
    };
    state
        .clients
        .staff_auth
        .clone()
        .logout_staff(request)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(
    State(state): State<GatewayState>,
    session: StaffSession,
) -> Result<axum::Json<Value>, ApiError> {
    let request = session.request(pb::GetCurrentStaffRequest {});
    let response = state
        .clients
        .staff
        .clone()
        .get_current_staff(request)
        .await?
        .into_inner();
    Ok(axum::Json(staff_json(&response.staff.unwrap_or_default())))
}

pub fn staff_json(staff: &pb::Staff) -> Value {
    json!({
        "id": staff.id,
        "org_id": staff.org_id,
        "email": staff.email,
        "name": staff.name,
        "title": staff.title,
        "phone": staff.phone,
        "role": staff.role,
        "permissions": staff.permissions,
    })
}
