//! The customer tier: sign-in with the session cookie, sign-out, the own profile, and the
//! invitation link (preview without consuming, accept to set a password and sign in).

use atrium_common::error::ApiError;
use atrium_common::grpc::rfc3339;
use atrium_proto::identity::v1 as pb;
use atrium_proto::portal::v1 as portal;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::header::SET_COOKIE;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::org_settings::{PERMISSIONS, flags_schema, permissions_json};
use super::{
    Forgot, Route, Security, TokenAndPassword, enforce_public_limit, forgot_answer, forgot_request,
    object, reset_request, string, timestamp, uuid,
};
use crate::GatewayState;
use crate::extract::{
    ActsFor, ClientAddr, CustomerSession, CustomerWithProfile, Json, QueryMap, SESSION_COOKIE,
    enforce_limit, from_client, user_agent,
};

pub fn routes() -> Vec<Route> {
    let body_errors = [
        "MALFORMED_JSON",
        "UNSUPPORTED_MEDIA_TYPE",
        "PAYLOAD_TOO_LARGE",
        "VALIDATION_FAILED",
        "RATE_LIMITED",
    ];
    let leak = |extra: &[&'static str]| -> &'static [&'static str] {
        body_errors
            .iter()
            .chain(extra)
            .copied()
            .collect::<Vec<_>>()
            .leak()
    };
    vec![
        Route {
            method: Method::POST,
            path: "/api/customer/login",
            summary: "Sign a customer in: sets the session cookie, answers the CSRF token",
            security: Security::Public,
            request: Some(object(
                &[
                    ("org", string()),
                    ("email", string()),
                    ("password", string()),
                ],
                &["org", "email", "password"],
            )),
            response: (200, signed_in_schema()),
            errors: leak(&["INVALID_CREDENTIALS"]),
            handler: post(login),
        },
        Route {
            method: Method::POST,
            path: "/api/customer/logout",
            summary: "End the customer's session and clear the cookie",
            security: Security::Customer,
            request: None,
            response: (204, Value::Null),
            errors: &["UNAUTHENTICATED", "CSRF_FAILED"],
            handler: post(logout),
        },
        Route {
            method: Method::GET,
            path: "/api/customer/me",
            summary: "The signed-in customer's profile, permissions and CSRF token",
            security: Security::Customer,
            request: None,
            response: (200, me_schema()),
            errors: &["UNAUTHENTICATED"],
            handler: get(me),
        },
        Route {
            method: Method::PATCH,
            path: "/api/customer/me",
            summary: "Edit the own profile (absent: unchanged, null: cleared); not email or status",
            security: Security::Customer,
            request: Some(super::customers::profile_schema(false)),
            response: (200, me_schema()),
            errors: leak(&["UNAUTHENTICATED", "CSRF_FAILED"]),
            handler: axum::routing::patch(update_me),
        },
        Route {
            method: Method::GET,
            path: "/api/customer/invitations/preview",
            summary: "What an invitation link is for; consumes nothing",
            security: Security::Public,
            request: None,
            response: (
                200,
                object(
                    &[
                        ("org_name", string()),
                        ("email", string()),
                        ("expires_at", timestamp()),
                    ],
                    &["org_name", "email", "expires_at"],
                ),
            ),
            errors: &["TOKEN_INVALID", "RATE_LIMITED"],
            handler: get(preview_invitation),
        },
        Route {
            method: Method::POST,
            path: "/api/customer/invitations/accept",
            summary: "Accept an invitation: set the password, activate, sign in",
            security: Security::Public,
            request: Some(object(
                &[("token", string()), ("password", string())],
                &["token", "password"],
            )),
            response: (200, signed_in_schema()),
            errors: leak(&["TOKEN_INVALID"]),
            handler: post(accept_invitation),
        },
        Route {
            method: Method::POST,
            path: "/api/customer/password/forgot",
            summary: "Email a reset link if the account exists; the same 202 either way",
            security: Security::Public,
            request: Some(object(
                &[("org", string()), ("email", string())],
                &["org", "email"],
            )),
            response: (202, object(&[("message", string())], &["message"])),
            errors: leak(&[]),
            handler: post(forgot_password),
        },
        Route {
            method: Method::POST,
            path: "/api/customer/password/reset",
            summary: "Set a new password with a reset link; ends every session, signs nobody in",
            security: Security::Public,
            request: Some(object(
                &[("token", string()), ("password", string())],
                &["token", "password"],
            )),
            response: (204, Value::Null),
            errors: leak(&["TOKEN_INVALID"]),
            handler: post(reset_password),
        },
        Route {
            method: Method::POST,
            path: "/api/customer/password/change",
            summary: "Change the password: every other session ends, the caller gets a new cookie",
            security: Security::Customer,
            request: Some(object(
                &[("current_password", string()), ("new_password", string())],
                &["current_password", "new_password"],
            )),
            response: (200, object(&[("csrf_token", string())], &["csrf_token"])),
            errors: leak(&["UNAUTHENTICATED", "CSRF_FAILED", "INVALID_CREDENTIALS"]),
            handler: post(change_password),
        },
        Route {
            method: Method::GET,
            path: "/api/customer/sessions",
            summary: "The customer's live sessions, the current one marked",
            security: Security::Customer,
            request: None,
            response: (200, super::list_of(session_schema())),
            errors: &["UNAUTHENTICATED"],
            handler: get(list_sessions),
        },
        Route {
            method: Method::DELETE,
            path: "/api/customer/sessions/{id}",
            summary: "End one of the customer's sessions; no other ends with it",
            security: Security::Customer,
            request: None,
            response: (204, Value::Null),
            errors: &["UNAUTHENTICATED", "CSRF_FAILED", "NOT_FOUND"],
            handler: axum::routing::delete(end_session),
        },
    ]
}

fn session_schema() -> Value {
    object(
        &[
            ("id", uuid()),
            ("created_at", timestamp()),
            ("last_seen_at", timestamp()),
            ("user_agent", string()),
            ("ip", string()),
            ("current", json!({"type": "boolean"})),
        ],
        &[
            "id",
            "created_at",
            "last_seen_at",
            "user_agent",
            "ip",
            "current",
        ],
    )
}

pub fn customer_schema() -> Value {
    object(
        &[
            ("id", uuid()),
            ("email", string()),
            ("name", string()),
            ("company", string()),
            ("phone", string()),
            ("address", string()),
            (
                "locale",
                json!({"type": ["string", "null"], "enum": ["en", "de", null]}),
            ),
            (
                "status",
                json!({"type": "string", "enum": ["invited", "active", "deactivated"]}),
            ),
            ("created_at", timestamp()),
            ("updated_at", timestamp()),
            (
                "account_manager_id",
                json!({"type": ["string", "null"], "format": "uuid"}),
            ),
        ],
        &["id", "email", "name", "status", "created_at"],
    )
}

fn signed_in_schema() -> Value {
    object(
        &[("customer", customer_schema()), ("csrf_token", string())],
        &["customer", "csrf_token"],
    )
}

fn me_schema() -> Value {
    let mut schema = customer_schema();
    schema["properties"]["permissions"] = flags_schema(&PERMISSIONS, true);
    schema["properties"]["csrf_token"] = string();
    schema["required"]
        .as_array_mut()
        .expect("required")
        .extend([json!("permissions"), json!("csrf_token")]);
    schema
}

pub fn customer_json(customer: &pb::Customer) -> Value {
    json!({
        "id": customer.id,
        "email": customer.email,
        "name": customer.name,
        "company": customer.company,
        "phone": customer.phone,
        "address": customer.address,
        "locale": Some(&customer.locale).filter(|l| !l.is_empty()),
        "status": customer.status,
        "created_at": customer.created_at.as_ref().map(rfc3339),
        "updated_at": customer.updated_at.as_ref().map(rfc3339),
        "account_manager_id": super::non_empty(&customer.account_manager_id),
    })
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure when the public URL is https.
fn session_cookie(state: &GatewayState, token: &str, max_age: i64) -> HeaderValue {
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; {}",
        super::cookie_end(state, max_age)
    );
    HeaderValue::from_str(&cookie).expect("a base64url token is a valid header value")
}

/// The answer of a sign-in: the cookie and `{customer, csrf_token}`.
fn signed_in(state: &GatewayState, session: pb::CustomerSessionResponse) -> Response {
    let cookie = session_cookie(state, &session.session_token, session.max_age);
    let body = json!({
        "customer": customer_json(&session.customer.unwrap_or_default()),
        "csrf_token": session.csrf_token,
    });
    let mut response = axum::Json(body).into_response();
    response.headers_mut().insert(SET_COOKIE, cookie);
    response
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
) -> Result<Response, ApiError> {
    let limits = &state.settings.rate_limits;
    enforce_limit(
        &state,
        &format!("gateway:customer-login:addr:{ip}"),
        limits.login_address,
    )
    .await?;
    // Counted per email as typed, existing or not, before the password is checked.
    let account_key = super::account_key("customer-login", &body.org, &body.email);
    enforce_limit(&state, &account_key, limits.login_account).await?;
    let request = pb::LoginCustomerRequest {
        org: body.org,
        email: body.email,
        password: body.password,
        ip: ip.to_string(),
        user_agent: user_agent(&headers),
    };
    let session = state
        .clients
        .customer_auth
        .clone()
        .login_customer(request)
        .await?
        .into_inner();
    state.limits.delete(&account_key).await;
    Ok(signed_in(&state, session))
}

async fn logout(
    State(state): State<GatewayState>,
    session: CustomerSession,
) -> Result<Response, ApiError> {
    let request = from_client(
        session.client_ip,
        pb::LogoutCustomerRequest {
            session_token: session.session_token.clone(),
        },
    );
    state
        .clients
        .customer_auth
        .clone()
        .logout_customer(request)
        .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

/// The profile as identity answered it while checking the session, with the
/// permissions the portal holds, both read on this very request.
async fn me(
    State(state): State<GatewayState>,
    signed_in: CustomerWithProfile,
) -> Result<axum::Json<Value>, ApiError> {
    me_json(&state, &signed_in.session, &signed_in.customer).await
}

/// The own profile: the customer, their effective permissions and the CSRF token.
async fn me_json(
    state: &GatewayState,
    session: &CustomerSession,
    customer: &pb::Customer,
) -> Result<axum::Json<Value>, ApiError> {
    let permissions = state
        .clients
        .permissions
        .clone()
        .get_my_permissions(session.request(portal::GetMyPermissionsRequest {}))
        .await?
        .into_inner();
    let mut body = customer_json(customer);
    body["permissions"] = permissions_json(&permissions.effective.unwrap_or_default());
    body["csrf_token"] = session.csrf_token.as_str().into();
    Ok(axum::Json(body))
}

async fn preview_invitation(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    QueryMap(query): QueryMap,
) -> Result<axum::Json<Value>, ApiError> {
    enforce_public_limit(&state, ip).await?;
    let request = pb::PreviewInvitationRequest {
        token: query.get("token").cloned().unwrap_or_default(),
    };
    let preview = state
        .clients
        .customer_auth
        .clone()
        .preview_invitation(request)
        .await?
        .into_inner();
    Ok(axum::Json(json!({
        "org_name": preview.org_name,
        "email": preview.email,
        "expires_at": preview.expires_at.as_ref().map(rfc3339),
    })))
}

async fn accept_invitation(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Json(body): Json<TokenAndPassword>,
) -> Result<Response, ApiError> {
    enforce_public_limit(&state, ip).await?;
    let request = pb::AcceptInvitationRequest {
        token: body.token,
        password: body.password,
        ip: ip.to_string(),
        user_agent: user_agent(&headers),
    };
    let session = state
        .clients
        .customer_auth
        .clone()
        .accept_invitation(request)
        .await?
        .into_inner();
    Ok(signed_in(&state, session))
}

async fn forgot_password(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    Json(body): Json<Forgot>,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    let request = forgot_request(&state, ip, "customer-recovery", body).await?;
    let mut client = state.clients.customer_auth.clone();
    client.forgot_password(request).await?;
    Ok(forgot_answer())
}

async fn reset_password(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    Json(body): Json<TokenAndPassword>,
) -> Result<StatusCode, ApiError> {
    let request = reset_request(&state, ip, body).await?;
    let mut client = state.clients.customer_auth.clone();
    client.reset_password(request).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct ChangePassword {
    current_password: String,
    new_password: String,
}

async fn change_password(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    session: CustomerSession,
    Json(body): Json<ChangePassword>,
) -> Result<Response, ApiError> {
    let limits = &state.settings.rate_limits;
    enforce_limit(
        &state,
        &format!("gateway:customer-login:addr:{ip}"),
        limits.login_address,
    )
    .await?;
    let account_key = format!(
        "gateway:customer-password-change:account:{}",
        session.principal.subject_id
    );
    enforce_limit(&state, &account_key, limits.login_account).await?;
    let request = session.request(pb::ChangeCustomerPasswordRequest {
        current_password: body.current_password,
        new_password: body.new_password,
        ip: ip.to_string(),
        user_agent: user_agent(&headers),
    });
    let opened = state
        .clients
        .customer_auth
        .clone()
        .change_customer_password(request)
        .await?
        .into_inner();
    let cookie = session_cookie(&state, &opened.session_token, opened.max_age);
    let mut response = axum::Json(json!({ "csrf_token": opened.csrf_token })).into_response();
    response.headers_mut().insert(SET_COOKIE, cookie);
    Ok(response)
}

async fn list_sessions(
    State(state): State<GatewayState>,
    session: CustomerSession,
) -> Result<axum::Json<Value>, ApiError> {
    let response = state
        .clients
        .customer_auth
        .clone()
        .list_customer_sessions(session.request(pb::ListCustomerSessionsRequest {}))
        .await?
        .into_inner();
    let items: Vec<Value> = response
        .items
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "created_at": s.created_at.as_ref().map(rfc3339),
                "last_seen_at": s.last_seen_at.as_ref().map(rfc3339),
                "user_agent": s.user_agent,
                "ip": s.ip,
                "current": s.id == session.session_id,
            })
        })
        .collect();
    Ok(axum::Json(
        json!({ "items": items, "next_page_token": null }),
    ))
}

async fn end_session(
    State(state): State<GatewayState>,
    session: CustomerSession,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = crate::extract::path_id(&id)?;
    let request = session.request(pb::EndCustomerSessionRequest {
        session_id: id.to_string(),
    });
    state
        .clients
        .customer_auth
        .clone()
        .end_customer_session(request)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn update_me(
    State(state): State<GatewayState>,
    session: CustomerSession,
    Json(body): Json<super::customers::ProfileBody>,
) -> Result<axum::Json<Value>, ApiError> {
    if body.email.is_some() {
        return Err(ApiError::invalid_field(
            "email",
            "cannot be changed here; ask the business",
        ));
    }
    if body.status.is_some() {
        return Err(ApiError::invalid_field("status", "cannot be changed here"));
    }
    let request = session.request(body.into_request(String::new()));
    let response = state
        .clients
        .customers
        .clone()
        .update_customer(request)
        .await?
        .into_inner();
    me_json(&state, &session, &response.customer.unwrap_or_default()).await
}
