//! Customer invitations (`customers.create`, listing `customers.view`): invite a
//! customer (the account, invited, and a 7-day link by email), list the pending ones,
//! resend one with a new link, cancel one.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::identity::v1 as pb;
use axum::extract::{Path, State};
use axum::routing::{delete, get, post};
use http::StatusCode;

use crate::GatewayState;
use crate::api::people::{Invitation, Invited, NewCustomer};
use crate::api::{Page, PageQuery};
use crate::extract::{ActsFor, Json, Query, StaffSession, path_id};
use crate::routes::Route;

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let create = Permission::CustomersCreate;
    vec![
        Route::post("/api/admin/customers/invitations", "Invite a customer: creates the account (invited) and emails a 7-day link", post(invite))
            .staff(create).body::<NewCustomer>().answers::<Invited>(201)
            .errors(&["INVITATION_PENDING", "ALREADY_EXISTS"]),
        Route::get("/api/admin/customers/invitations", "The organization's pending invitations, newest first", get(list))
            .staff(Permission::CustomersView).query::<PageQuery>()
            .answers::<Page<Invitation>>(200),
        Route::post("/api/admin/customers/invitations/{id}/resend", "Mail a pending invitation again: the old link dies, 7 days start again", post(resend))
            .staff(create).answers::<Invitation>(200),
        Route::delete("/api/admin/customers/invitations/{id}", "Cancel a pending invitation: its link dies", delete(cancel))
            .staff(create).no_content(),
    ]
}

async fn invite(
    State(state): State<GatewayState>,
    session: StaffSession,
    Json(body): Json<NewCustomer>,
) -> Result<(StatusCode, axum::Json<Invited>), ApiError> {
    let request = pb::InviteCustomerRequest {
        email: body.email,
        name: body.name.unwrap_or_default(),
        company: body.company.unwrap_or_default(),
        phone: body.phone.unwrap_or_default(),
        address: body.address.unwrap_or_default(),
        locale: body.locale.unwrap_or_default(),
    };
    let mut client = state.clients.customers.clone();
    let response = client
        .invite_customer(session.request(request))
        .await?
        .into_inner();
    let invited = Invited {
        invitation: response.invitation.unwrap_or_default().into(),
        customer: response.customer.unwrap_or_default().into(),
    };
    Ok((StatusCode::CREATED, axum::Json(invited)))
}

async fn list(
    State(state): State<GatewayState>,
    session: StaffSession,
    Query(query): Query<PageQuery>,
) -> Result<axum::Json<Page<Invitation>>, ApiError> {
    let (page_size, page_token) = query.paging.size_and_token()?;
    let request = pb::ListInvitationsRequest {
        page_size,
        page_token,
    };
    let mut client = state.clients.customers.clone();
    let response = client
        .list_invitations(session.request(request))
        .await?
        .into_inner();
    let items = response.items.into_iter().map(Invitation::from);
    Ok(axum::Json(Page::of(items, response.next_page_token)))
}

fn invitation_request(id: &str) -> Result<pb::InvitationRequest, ApiError> {
    Ok(pb::InvitationRequest {
        invitation_id: path_id(id)?.to_string(),
    })
}

async fn resend(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Invitation>, ApiError> {
    let request = session.request(invitation_request(&id)?);
    let mut client = state.clients.customers.clone();
    let response = client.resend_invitation(request).await?.into_inner();
    Ok(axum::Json(response.invitation.unwrap_or_default().into()))
}

async fn cancel(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let request = session.request(invitation_request(&id)?);
    let mut client = state.clients.customers.clone();
    client.cancel_invitation(request).await?;
    Ok(StatusCode::NO_CONTENT)
}
