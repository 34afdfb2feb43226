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
use crate::call;
use crate::extract::{ActsFor, CustomerCall, CustomerSession, CustomerWithProfile, Json};
use crate::routes::{Answer, Route};

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
async fn me(State(state): State<GatewayState>, signed_in: CustomerWithProfile) -> Answer<Me> {
    me_of(&state, &signed_in.session, signed_in.customer).await
}

/// The own profile: the customer, their effective permissions and the CSRF token.
async fn me_of(
    state: &GatewayState,
    session: &CustomerSession,
    customer: pb::Customer,
) -> Answer<Me> {
    let mut client = state.clients.permissions.clone();
    let permissions = client
        .get_my_permissions(session.request(portal::GetMyPermissionsRequest {}))
        .await?
        .into_inner();
    Ok(Json(Me {
        customer: customer.into(),
        permissions: flags(permissions.effective.unwrap_or_default()),
        csrf_token: session.csrf_token.clone(),
    }))
}

pub(crate) async fn update_me(
    customer: CustomerCall,
    Json(body): Json<ProfilePatch>,
) -> Answer<Me> {
    if !body.email.is_absent() {
        return Err(ApiError::invalid_field(
            "email",
            "cannot be changed here; ask the business",
        ));
    }
    if !body.status.is_absent() {
        return Err(ApiError::invalid_field("status", "cannot be changed here"));
    }
    let response = call!(
        customer,
        customers.update_customer(body.into_request(String::new()))
    );
    me_of(
        &customer.state,
        &customer,
        response.customer.unwrap_or_default(),
    )
    .await
}
