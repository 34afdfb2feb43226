//! Routes anyone may call: health, the API document, an organization's login-page
//! branding, guest galleries opened by their password, and share links.

pub(crate) mod branding;
pub(crate) mod gallery;
pub mod health;
pub(crate) mod links;

use atrium_common::error::ApiError;
use atrium_proto::identity::v1 as identity;

use super::Route;
use crate::GatewayState;

pub fn routes() -> Vec<Route> {
    [
        health::routes(),
        branding::routes(),
        gallery::routes(),
        links::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The organization whose slug is `slug`; `None` when there is none.
pub(crate) async fn organization(
    state: &GatewayState,
    slug: String,
) -> Result<Option<identity::Organization>, ApiError> {
    let request = identity::GetOrganizationRequest { slug };
    match state
        .clients
        .organizations
        .clone()
        .get_organization(request)
        .await
    {
        Ok(found) => Ok(Some(found.into_inner().organization.unwrap_or_default())),
        Err(status) if status.code() == tonic::Code::NotFound => Ok(None),
        Err(status) => Err(status.into()),
    }
}

/// The organization's id: `org` itself when it is one, else the org its slug names
/// (404 when it names none).
pub(crate) async fn org_id(state: &GatewayState, org: String) -> Result<String, ApiError> {
    if let Ok(id) = uuid::Uuid::parse_str(&org) {
        return Ok(id.to_string());
    }
    let found = organization(state, org).await?;
    found.map(|o| o.id).ok_or_else(ApiError::not_found)
}
