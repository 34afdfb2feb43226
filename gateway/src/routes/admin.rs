//! A staff member's own account: sign-in and out, token refresh, profile, password change,
//! recovery, and accepting a staff invitation.

use atrium_common::error::ApiError;
use atrium_proto::identity::v1 as pb;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use http::{HeaderMap, Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use atrium_common::grpc::rfc3339;

use super::{
    Forgot, Route, Security, TokenAndPassword, enforce_public_limit, forgot_answer, forgot_request,
    object, reset_request, string, timestamp, uuid,
};
use crate::GatewayState;
use crate::extract::{
    ActsFor, ClientAddr, Json, StaffSession, bearer, enforce_limit, patch_field, patched,
    user_agent,
};

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
            response: (200, token_schema()),
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
        Route {
            method: Method::PATCH,
            path: "/api/admin/me",
            summary: "Edit own name, title and phone (absent: unchanged, null: cleared)",
            security: Security::Staff,
            request: Some(object(
                &[
                    ("name", string()),
                    ("title", json!({"type": ["string", "null"]})),
                    ("phone", json!({"type": ["string", "null"]})),
                ],
                &[],
            )),
            response: (200, staff_schema()),
            errors: &[
                "UNAUTHENTICATED",
                "MALFORMED_JSON",
                "UNSUPPORTED_MEDIA_TYPE",
                "PAYLOAD_TOO_LARGE",
                "VALIDATION_FAILED",
            ],
            handler: axum::routing::patch(update_me),
        },
        Route {
            method: Method::POST,
            path: "/api/admin/token/refresh",
            summary: "A new access token for the live session the bearer token (even expired) names",
            security: Security::Staff,
            request: None,
            response: (200, token_schema()),
            errors: &["UNAUTHENTICATED"],
            handler: post(refresh),
        },
        Route {
            method: Method::POST,
            path: "/api/admin/password/change",
            summary: "Change own password; every other session ends",
            security: Security::Staff,
            request: Some(object(
                &[("current_password", string()), ("new_password", string())],
                &["current_password", "new_password"],
            )),
            response: (204, Value::Null),
            errors: &[
                "UNAUTHENTICATED",
                "INVALID_CREDENTIALS",
                "MALFORMED_JSON",
                "UNSUPPORTED_MEDIA_TYPE",
                "PAYLOAD_TOO_LARGE",
                "VALIDATION_FAILED",
                "RATE_LIMITED",
            ],
            handler: post(change_password),
        },
        Route {
            method: Method::POST,
            path: "/api/admin/password/forgot",
            summary: "Mail a 60-minute reset link if the account exists; the answer is the same either way",
            security: Security::Public,
            request: Some(object(
                &[("org", string()), ("email", string())],
                &["org", "email"],
            )),
            response: (202, object(&[("message", string())], &["message"])),
            errors: &[
                "MALFORMED_JSON",
                "UNSUPPORTED_MEDIA_TYPE",
                "PAYLOAD_TOO_LARGE",
                "RATE_LIMITED",
            ],
            handler: post(forgot_password),
        },
        Route {
            method: Method::POST,
            path: "/api/admin/password/reset",
            summary: "Set a new password with a reset link; every session ends",
            security: Security::Public,
            request: Some(object(
                &[("token", string()), ("password", string())],
                &["token", "password"],
            )),
            response: (204, Value::Null),
            errors: &[
                "MALFORMED_JSON",
                "UNSUPPORTED_MEDIA_TYPE",
                "PAYLOAD_TOO_LARGE",
                "VALIDATION_FAILED",
                "TOKEN_INVALID",
                "RATE_LIMITED",
            ],
            handler: post(reset_password),
        },
        Route {
            method: Method::POST,
            path: "/api/admin/invitations/accept",
            summary: "Accept a staff invitation: set the password, activate, sign in",
            security: Security::Public,
            request: Some(object(
                &[("token", string()), ("password", string())],
                &["token", "password"],
            )),
            response: (200, token_schema()),
            errors: &[
                "MALFORMED_JSON",
                "UNSUPPORTED_MEDIA_TYPE",
                "PAYLOAD_TOO_LARGE",
                "VALIDATION_FAILED",
                "TOKEN_INVALID",
                "RATE_LIMITED",
            ],
            handler: post(accept_invitation),
        },
    ]
}

fn token_schema() -> Value {
    object(
        &[
            ("access_token", string()),
            ("token_type", string()),
            ("expires_in", json!({"type": "integer"})),
        ],
        &["access_token", "token_type", "expires_in"],
    )
}

fn token_json(response: pb::LoginStaffResponse) -> axum::Json<Value> {
    axum::Json(json!({
        "access_token": response.access_token,
        "token_type": "Bearer",
        "expires_in": response.expires_in,
    }))
}

pub fn staff_schema() -> Value {
    object(
        &[
            ("id", uuid()),
            ("org_id", uuid()),
            ("email", string()),
            ("name", string()),
            ("title", string()),
            ("phone", string()),
            ("role", string()),
            ("status", string()),
            ("created_at", timestamp()),
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
    state.limits.delete(&account_key).await;
    Ok(token_json(response))
}

async fn logout(
    State(state): State<GatewayState>,
    session: StaffSession,
) -> Result<StatusCode, ApiError> {
    let request = session.request(pb::LogoutStaffRequest {
        access_token: session.access_token.clone(),
    });
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
        "status": staff.status,
        "created_at": staff.created_at.as_ref().map(rfc3339),
        "permissions": staff.permissions,
    })
}

#[derive(Deserialize)]
struct OwnProfileBody {
    #[serde(default, deserialize_with = "patch_field")]
    name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    title: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    phone: Option<Option<String>>,
}

async fn update_me(
    State(state): State<GatewayState>,
    session: StaffSession,
    Json(body): Json<OwnProfileBody>,
) -> Result<axum::Json<Value>, ApiError> {
    if matches!(body.name, Some(None)) {
        return Err(ApiError::invalid_field("name", "cannot be cleared"));
    }
    let request = session.request(pb::UpdateCurrentStaffRequest {
        name: patched(body.name),
        title: patched(body.title),
        phone: patched(body.phone),
    });
    let response = state
        .clients
        .staff
        .clone()
        .update_current_staff(request)
        .await?
        .into_inner();
    Ok(axum::Json(staff_json(&response.staff.unwrap_or_default())))
}

/// Renews from the bearer token itself, which may be past its 900 s: no session extractor.
async fn refresh(
    State(state): State<GatewayState>,
    headers: HeaderMap,
) -> Result<axum::Json<Value>, ApiError> {
    let access_token = bearer(&headers).ok_or_else(ApiError::unauthenticated)?;
    let request = pb::RefreshStaffTokenRequest {
        access_token: access_token.to_owned(),
    };
    let response = state
        .clients
        .staff_auth
        .clone()
        .refresh_staff_token(request)
        .await?
        .into_inner();
    Ok(token_json(response))
}

#[derive(Deserialize)]
struct ChangePassword {
    current_password: String,
    new_password: String,
}

async fn change_password(
    State(state): State<GatewayState>,
    session: StaffSession,
    Json(body): Json<ChangePassword>,
) -> Result<StatusCode, ApiError> {
    let limits = &state.settings.rate_limits;
    let address_key = format!("gateway:staff-login:addr:{}", session.client_ip);
    enforce_limit(&state, &address_key, limits.login_address).await?;
    let account_key = format!(
        "gateway:staff-password-change:account:{}",
        session.principal.subject_id
    );
    enforce_limit(&state, &account_key, limits.login_account).await?;
    let request = session.request(pb::ChangeStaffPasswordRequest {
        current_password: body.current_password,
        new_password: body.new_password,
        access_token: session.access_token.clone(),
    });
    state
        .clients
        .staff
        .clone()
        .change_staff_password(request)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn forgot_password(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    Json(body): Json<Forgot>,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    let request = forgot_request(&state, ip, "staff-recovery", body).await?;
    let mut client = state.clients.staff_auth.clone();
    client.forgot_staff_password(request).await?;
    Ok(forgot_answer())
}

async fn reset_password(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    Json(body): Json<TokenAndPassword>,
) -> Result<StatusCode, ApiError> {
    let request = reset_request(&state, ip, body).await?;
    let mut client = state.clients.staff_auth.clone();
    client.reset_staff_password(request).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn accept_invitation(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Json(body): Json<TokenAndPassword>,
) -> Result<axum::Json<Value>, ApiError> {
    enforce_public_limit(&state, ip).await?;
    let request = pb::AcceptStaffInvitationRequest {
        token: body.token,
        password: body.password,
        ip: ip.to_string(),
        user_agent: user_agent(&headers),
    };
    let response = state
        .clients
        .staff_auth
        .clone()
        .accept_staff_invitation(request)
        .await?
        .into_inner();
    Ok(token_json(response))
}
