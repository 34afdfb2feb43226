//! Guests of one gallery: its password opens a session for that gallery alone, kept in a
//! cookie scoped to the gallery's path and bound to the password's version.

use atrium_common::error::{ApiError, ErrorCode};
use atrium_proto::identity::v1 as identity;
use atrium_proto::portal::v1 as pb;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::header::SET_COOKIE;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use super::projects::{project_json, project_schema};
use super::{Route, Security, object, string};
use crate::GatewayState;
use crate::extract::{ClientAddr, Json, cookie, enforce_limit};

/// The guest session cookie; one per gallery, each scoped to its gallery's path.
pub const GALLERY_COOKIE: &str = "atrium_gallery";

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            method: Method::POST,
            path: "/api/gallery/{org}/{slug}/access",
            summary: "Open one gallery with its guest password: 204 and a cookie for that gallery only",
            security: Security::Public,
            request: Some(object(&[("password", string())], &["password"])),
            response: (204, Value::Null),
            errors: &[
                "INVALID_CREDENTIALS",
                "NOT_FOUND",
                "MALFORMED_JSON",
                "UNSUPPORTED_MEDIA_TYPE",
                "PAYLOAD_TOO_LARGE",
                "VALIDATION_FAILED",
                "RATE_LIMITED",
            ],
            handler: post(open),
        },
        Route {
            method: Method::GET,
            path: "/api/gallery/{org}/{slug}",
            summary: "The gallery a guest opened with its password",
            security: Security::Public,
            request: None,
            response: (200, project_schema(false)),
            errors: &["UNAUTHENTICATED", "NOT_FOUND"],
            handler: get(read),
        },
    ]
}

/// The organization's id for its slug; an unknown one is 404 like an unknown gallery.
async fn org_id(state: &GatewayState, org: String) -> Result<String, ApiError> {
    match state
        .clients
        .organizations
        .clone()
        .get_organization(identity::GetOrganizationRequest { slug: org })
        .await
    {
        Ok(found) => Ok(found.into_inner().organization.unwrap_or_default().id),
        Err(status) if status.code() == tonic::Code::NotFound => Err(ApiError::not_found()),
        Err(status) => Err(status.into()),
    }
}

#[derive(Deserialize)]
struct Access {
    password: String,
}

async fn open(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    Path((org, slug)): Path<(String, String)>,
    Json(body): Json<Access>,
) -> Result<Response, ApiError> {
    let limits = &state.settings.rate_limits;
    enforce_limit(
        &state,
        &format!("gateway:gallery-access:addr:{ip}"),
        limits.login_address,
    )
    .await?;
    // Counted per gallery as typed, existing or not, before the password is checked.
    let gallery_key = super::account_key("gallery-access", &org, &slug);
    enforce_limit(&state, &gallery_key, limits.login_account).await?;
    let request = pb::OpenGalleryRequest {
        org_id: org_id(&state, org.clone()).await?,
        slug: slug.clone(),
        password: body.password,
    };
    let session = state
        .clients
        .guests
        .clone()
        .open_gallery(request)
        .await?
        .into_inner();
    state.limits.delete(&gallery_key).await;
    // The org and gallery slugs are `[a-z0-9-]`: the portal found the gallery by them.
    let cookie = format!(
        "{GALLERY_COOKIE}={}; Path=/api/gallery/{org}/{slug}; HttpOnly; SameSite=Lax; {}",
        session.guest_token,
        super::cookie_end(&state, session.max_age)
    );
    let value = HeaderValue::from_str(&cookie)
        .map_err(|_| ApiError::new(ErrorCode::Internal, "internal error"))?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(SET_COOKIE, value);
    Ok(response)
}

async fn read(
    State(state): State<GatewayState>,
    Path((org, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<axum::Json<Value>, ApiError> {
    let request = pb::GetGuestGalleryRequest {
        org_id: org_id(&state, org).await?,
        slug,
        guest_token: cookie(&headers, GALLERY_COOKIE).unwrap_or_default(),
    };
    let response = state
        .clients
        .guests
        .clone()
        .get_guest_gallery(request)
        .await?
        .into_inner();
    Ok(axum::Json(project_json(
        &response.project.unwrap_or_default(),
        false,
        true,
    )))
}
