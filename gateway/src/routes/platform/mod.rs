//! The platform operator's one route: onboarding a tenant with its owner, behind
//! `ATRIUM_PLATFORM_TOKEN` (404 while it is unset).

use atrium_common::error::ApiError;
use atrium_common::token::secrets_equal;
use atrium_proto::identity::v1 as pb;
use axum::extract::State;
use axum::routing::post;
use http::{HeaderMap, StatusCode};
use schemars::JsonSchema;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::GatewayState;
use crate::api::Id;
use crate::extract::{ClientAddr, Json, bearer, enforce_limit};
use crate::routes::Route;

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/api/platform/orgs", "Onboard a tenant and its owner (404 while ATRIUM_PLATFORM_TOKEN is unset)", post(create_org))
            .platform().body::<NewOrg>().answers::<Onboarded>(201).limited()
            .errors(&["NOT_FOUND", "ALREADY_EXISTS"]),
    ]
}

#[derive(Deserialize, JsonSchema)]
struct NewOrg {
    /// `[a-z0-9-]{2,63}`, unique, immutable.
    slug: String,
    name: String,
    owner_email: String,
    owner_password: String,
}

#[derive(Serialize, JsonSchema)]
struct Onboarded {
    org: Org,
    owner: Owner,
}

#[derive(Serialize, JsonSchema)]
struct Org {
    id: Id,
    slug: String,
    name: String,
}

#[derive(Serialize, JsonSchema)]
struct Owner {
    id: Id,
    email: String,
}

async fn create_org(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    body: Result<Json<NewOrg>, ApiError>,
) -> Result<(StatusCode, axum::Json<Onboarded>), ApiError> {
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
    let onboarded = Onboarded {
        org: Org {
            id: org.id.into(),
            slug: org.slug,
            name: org.name,
        },
        owner: Owner {
            id: owner.id.into(),
            email: owner.email,
        },
    };
    Ok((StatusCode::CREATED, axum::Json(onboarded)))
}
