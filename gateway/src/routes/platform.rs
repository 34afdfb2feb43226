//! Tenant onboarding by the platform operator, behind `ATRIUM_PLATFORM_TOKEN`.

use atrium_common::error::ApiError;
use atrium_common::token::secrets_equal;
use atrium_proto::identity::v1 as pb;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::post;
use http::{HeaderMap, Method, StatusCode};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::json;

use super::{Route, Security, object, string, uuid};
use crate::GatewayState;
use crate::extract::{ClientAddr, Json, bearer, enforce_limit};

pub fn routes() -> Vec<Route> {
    vec![Route {
        method: Method::POST,
        path: "/api/platform/orgs",
        summary: "Onboard a tenant and its owner (404 while ATRIUM_PLATFORM_TOKEN is unset)",
        security: Security::Platform,
        request: Some(object(
            &[
                ("slug", string()),
                ("name", string()),
                ("owner_email", string()),
                ("owner_password", string()),
            ],
            &["slug", "name", "owner_email", "owner_password"],
        )),
        response: (
            201,
            object(
                &[
                    (
                        "org",
                        object(
                            &[("id", uuid()), ("slug", string()), ("name", string())],
                            &["id", "slug", "name"],
                        ),
                    ),
                    (
                        "owner",
                        object(&[("id", uuid()), ("email", string())], &["id", "email"]),
                    ),
                ],
                &["org", "owner"],
            ),
        ),
        errors: &[
            "MALFORMED_JSON",
            "UNAUTHENTICATED",
            "NOT_FOUND",
            "ALREADY_EXISTS",
            "PAYLOAD_TOO_LARGE",
            "UNSUPPORTED_MEDIA_TYPE",
            "VALIDATION_FAILED",
            "RATE_LIMITED",
        ],
        handler: post(create_org),
    }]
}

#[derive(Deserialize)]
struct CreateOrg {
    slug: String,
    name: String,
    owner_email: String,
    owner_password: String,
}

async fn create_org(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    body: Result<Json<CreateOrg>, ApiError>,
) -> Result<impl IntoResponse, ApiError> {
    let Some(expected) = &state.settings.platform_token else {
        return Err(ApiError::not_found());
    };
    enforce_limit(
        &state,
        &format!("gateway:platform:addr:{ip}"),
        state.settings.rate_limits.public_address,
    )
    .await?;
    if !bearer(&headers).is_some_and(|given| secrets_equal(given, expected.expose_secret())) {
        return Err(ApiError::unauthenticated());
    }
    let Json(body) = body?;
    let request = pb::CreateOrganizationRequest {
        slug: body.slug,
        name: body.name,
        owner_email: body.owner_email,
        owner_password: body.owner_password,
        if_absent: false,
    };
    let response = state
        .clients
        .organizations
        .clone()
        .create_organization(request)
        .await?
        .into_inner();
    let org = response.organization.unwrap_or_default();
    let owner = response.owner.unwrap_or_default();
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({
            "org": { "id": org.id, "slug": org.slug, "name": org.name },
            "owner": { "id": owner.id, "email": owner.email },
        })),
    ))
}
