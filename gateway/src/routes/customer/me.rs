//! The signed-in customer's own profile, with their effective permissions and CSRF
//! token; they may edit it, but not their email or status.

use atrium_common::error::ApiError;
use atrium_proto::identity::v1 as pb;
use atrium_proto::portal::v1 as portal;
use axum::extract::State;
use axum::routing::{get, patch};

use crate::GatewayState;
use crate::api::people::{Me, ProfilePatch};
use crate::api::settings::flags;
use crate::extract::{ActsFor, CustomerSession, CustomerWithProfile, Json};
use crate::routes::Route;

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/customer/me", "The signed-in customer's profile, permissions and CSRF token", get(me))
            .customer().answers::<Me>(200),
        Route::patch("/api/customer/me", "Edit the own profile (absent: unchanged, null: cleared); not email or status", patch(update_me))
            .customer().body::<ProfilePatch>().answers::<Me>(200),
    ]
}

/// The profile as identity answered it while checking the session, with the
/// permissions the portal holds, both read on this very request.
async fn me(
    State(state): State<GatewayState>,
    signed_in: CustomerWithProfile,
) -> Result<axum::Json<Me>, ApiError> {
    me_of(&state, &signed_in.session, signed_in.customer).await
}

/// The own profile: the customer, their effective permissions and the CSRF token.
async fn me_of(
    state: &GatewayState,
    session: &CustomerSession,
    customer: pb::Customer,
) -> Result<axum::Json<Me>, ApiError> {
    let mut client = state.clients.permissions.clone();
    let permissions = client
        .get_my_permissions(session.request(portal::GetMyPermissionsRequest {}))
        .await?
        .into_inner();
    Ok(axum::Json(Me {
        customer: customer.into(),
        permissions: flags(permissions.effective.unwrap_or_default()),
        csrf_token: session.csrf_token.clone(),
    }))
}

async fn update_me(
    State(state): State<GatewayState>,
    session: CustomerSession,
    Json(body): Json<ProfilePatch>,
) -> Result<axum::Json<Me>, ApiError> {
    if !body.email.is_absent() {
        return Err(ApiError::invalid_field(
            "email",
            "cannot be changed here; ask the business",
        ));
    }
    if !body.status.is_absent() {
        return Err(ApiError::invalid_field("status", "cannot be changed here"));
    }
    let request = session.request(body.into_request(String::new()));
    let mut client = state.clients.customers.clone();
    let response = client.update_customer(request).await?.into_inner();
    me_of(&state, &session, response.customer.unwrap_or_default()).await
}
