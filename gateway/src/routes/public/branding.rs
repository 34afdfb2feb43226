//! The branding an organization's login pages show, for anyone.

use atrium_common::error::ApiError;
use atrium_proto::portal::v1 as pb;
use axum::Json;
use axum::extract::{Path, State};
use axum::routing::get;

use crate::GatewayState;
use crate::api::settings::PublicBranding;
use crate::api::text;
use crate::routes::Route;

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/public/orgs/{org}/branding", "Company name, logo and colour for the organization's login pages", get(public_branding))
            .answers::<PublicBranding>(200),
    ]
}

/// The login pages' branding. An unknown organization answers an unbranded page, as
/// the login itself never says whether an organization exists.
async fn public_branding(
    State(state): State<GatewayState>,
    Path(org): Path<String>,
) -> Result<Json<PublicBranding>, ApiError> {
    branding(&state, org).await.map(Json)
}

/// The branding of the organization `org` names (unbranded when it names none).
pub(crate) async fn branding(
    state: &GatewayState,
    org: String,
) -> Result<PublicBranding, ApiError> {
    let Some(organization) = super::organization(state, org).await? else {
        return Ok(PublicBranding::default());
    };
    let branding = state
        .clients
        .settings
        .clone()
        .get_branding(pb::GetBrandingRequest {
            org_id: organization.id,
        })
        .await?
        .into_inner()
        .branding
        .unwrap_or_default();
    let company = text(&branding.company_name).unwrap_or(organization.name);
    Ok(PublicBranding {
        company_name: Some(company).filter(|_| branding.show_name),
        logo_url: text(&branding.logo_url).filter(|_| branding.show_logo),
        primary_color: text(&branding.primary_color),
    })
}
