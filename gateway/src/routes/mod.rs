//! The route table: each route's method, path, handler and documentation in one row, so
//! the router and `/api/openapi.json` are built from the same list and cannot disagree.

mod admin;
mod audit;
mod customer;
mod customer_permissions;
mod customers;
mod dashboard;
mod gallery;
mod health;
mod my_projects;
mod notifications;
mod org_settings;
mod platform;
mod projects;
mod settings;
mod staff;

use atrium_common::error::ApiError;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use http::Method;
use serde_json::{Value, json};

use crate::GatewayState;
use crate::extract::MAX_JSON_BODY;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    Public,
    Staff,
    Customer,
    Platform,
}

/// One documented route.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub summary: &'static str,
    pub security: Security,
    /// JSON schema of the request body, if it takes one.
    pub request: Option<Value>,
    /// Success status and JSON schema of its body (`Value::Null` for none).
    pub response: (u16, Value),
    /// The error codes (DESIGN.md's table) this route can answer.
    pub errors: &'static [&'static str],
    pub handler: MethodRouter<GatewayState>,
}

/// Every route the gateway serves.
pub fn routes() -> Vec<Route> {
    let mut routes = health::routes();
    routes.extend(platform::routes());
    routes.extend(admin::routes());
    routes.extend(staff::routes());
    routes.extend(audit::routes());
    routes.extend(settings::routes());
    routes.extend(customers::routes());
    routes.extend(customer::routes());
    routes.extend(projects::routes());
    routes.extend(my_projects::routes());
    routes.extend(org_settings::routes());
    routes.extend(customer_permissions::routes());
    routes.extend(dashboard::routes());
    routes.extend(gallery::routes());
    routes.extend(
        notifications::routes_for::<crate::extract::CustomerSession>(
            "/api/customer",
            Security::Customer,
        ),
    );
    routes.extend(notifications::routes_for::<crate::extract::StaffSession>(
        "/api/admin",
        Security::Staff,
    ));
    routes
}

/// Header set on answers to requests no route matched, so tests can tell the router's
/// own 404/405 from a handler's.
pub const UNMATCHED_HEADER: &str = "x-atrium-unmatched";

pub fn build_router(state: GatewayState) -> Router {
    let mut router: Router<GatewayState> = Router::new();
    let mut by_path: Vec<(&'static str, MethodRouter<GatewayState>)> = Vec::new();
    for route in routes() {
        match by_path.iter_mut().find(|(path, _)| *path == route.path) {
            Some((_, methods)) => *methods = std::mem::take(methods).merge(route.handler),
            None => by_path.push((route.path, route.handler)),
        }
    }
    for (path, methods) in by_path {
        router = router.route(path, methods.fallback(method_not_allowed));
    }
    router
        .fallback(unmatched)
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .layer(axum::middleware::from_fn(
            crate::middleware::request_context,
        ))
        .with_state(state)
}

async fn unmatched() -> Response {
    let mut response = ApiError::not_found().into_response();
    response
        .headers_mut()
        .insert(UNMATCHED_HEADER, http::HeaderValue::from_static("1"));
    response
}

async fn method_not_allowed() -> Response {
    let mut response = ApiError::with_code(
        http::StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "this method is not allowed here",
    )
    .into_response();
    response
        .headers_mut()
        .insert(UNMATCHED_HEADER, http::HeaderValue::from_static("1"));
    response
}

/// A JSON-schema object with these string-typed (or given) properties, all required.
pub fn object(properties: &[(&str, Value)], required: &[&str]) -> Value {
    let properties: serde_json::Map<String, Value> = properties
        .iter()
        .map(|(name, schema)| ((*name).to_owned(), schema.clone()))
        .collect();
    json!({ "type": "object", "properties": properties, "required": required })
}

pub fn string() -> Value {
    json!({ "type": "string" })
}

pub fn uuid() -> Value {
    json!({ "type": "string", "format": "uuid" })
}

pub fn timestamp() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

/// A text as JSON: `null` when empty (the services' "unset").
pub fn non_empty(text: &str) -> Option<&str> {
    Some(text).filter(|t| !t.is_empty())
}

/// A cookie's closing attributes: its lifetime, and `Secure` when the public URL is https.
pub fn cookie_end(state: &GatewayState, max_age: i64) -> String {
    let secure = state.settings.public_url.starts_with("https://");
    format!("Max-Age={max_age}{}", if secure { "; Secure" } else { "" })
}

/// A list answer: the items and the next page's token, `null` on the last page.
pub fn list_json(items: Vec<Value>, next_page_token: String) -> axum::Json<Value> {
    let next = Some(next_page_token).filter(|t| !t.is_empty());
    axum::Json(json!({ "items": items, "next_page_token": next }))
}

/// DESIGN.md's list answer: `{"items": [...], "next_page_token": "..." | null}`.
pub fn list_of(item: Value) -> Value {
    object(
        &[
            ("items", json!({ "type": "array", "items": item })),
            ("next_page_token", json!({ "type": ["string", "null"] })),
        ],
        &["items", "next_page_token"],
    )
}

/// The limit key of an account as typed: org and folded email, hashed so the key stays
/// short whatever was typed.
/// Counts one request against the per-address limit of the public routes.
pub async fn enforce_public_limit(
    state: &GatewayState,
    ip: std::net::IpAddr,
) -> Result<(), ApiError> {
    let key = format!("gateway:public:addr:{ip}");
    crate::extract::enforce_limit(state, &key, state.settings.rate_limits.public_address).await
}

/// The body of `…/password/forgot`.
#[derive(serde::Deserialize)]
pub struct Forgot {
    pub org: String,
    pub email: String,
}

/// The body of `…/password/reset` and `…/invitations/accept`.
#[derive(serde::Deserialize)]
pub struct TokenAndPassword {
    pub token: String,
    pub password: String,
}

/// Counts a forgot request against the address and the account (`scope`, as typed)
/// limits; answers the request to send.
pub async fn forgot_request(
    state: &GatewayState,
    ip: std::net::IpAddr,
    scope: &str,
    body: Forgot,
) -> Result<atrium_proto::identity::v1::ForgotPasswordRequest, ApiError> {
    enforce_public_limit(state, ip).await?;
    let account_key = account_key(scope, &body.org, &body.email);
    let limit = state.settings.rate_limits.recovery_account;
    crate::extract::enforce_limit(state, &account_key, limit).await?;
    Ok(atrium_proto::identity::v1::ForgotPasswordRequest {
        org: body.org,
        email: body.email,
    })
}

/// Counts a reset against the address limit; answers the request, carrying the address.
pub async fn reset_request(
    state: &GatewayState,
    ip: std::net::IpAddr,
    body: TokenAndPassword,
) -> Result<tonic::Request<atrium_proto::identity::v1::ResetPasswordRequest>, ApiError> {
    enforce_public_limit(state, ip).await?;
    let message = atrium_proto::identity::v1::ResetPasswordRequest {
        token: body.token,
        password: body.password,
    };
    Ok(crate::extract::from_client(ip, message))
}

/// What forgot answers, for known and unknown accounts alike.
pub fn forgot_answer() -> (http::StatusCode, axum::Json<Value>) {
    (
        http::StatusCode::ACCEPTED,
        axum::Json(json!({
            "message": "if an account exists for this email, a reset link is on its way",
        })),
    )
}

pub fn account_key(scope: &str, org: &str, email: &str) -> String {
    let typed = format!("{org}\n{}", email.trim().to_lowercase());
    let digest = atrium_common::token::hash_token(&typed);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("gateway:{scope}:account:{hex}")
}
