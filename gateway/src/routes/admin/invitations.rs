//! Customer invitations (`customers.create`, listing `customers.view`): invite a
//! customer (the account, invited, and a 7-day link by email), list the pending ones,
//! resend one with a new link, cancel one; and customers without an account (no mail
//! until staff invite them).

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::identity::v1 as pb;
use axum::routing::{delete, get, post};
use http::StatusCode;

use crate::api::people::{Customer, Invitation, Invited, NewCustomer};
use crate::api::{Page, PageQuery};
use crate::call;
use crate::extract::PathId;
use crate::extract::{Json, Query, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let create = Permission::CustomersCreate;
    vec![
        Route::post("/api/admin/customers/invitations", "Invite a customer: creates the account (invited) and emails a 7-day link", post(invite))
            .staff(create).body::<NewCustomer>().answers::<Invited>(201)
            .errors(&["INVITATION_PENDING", "ALREADY_EXISTS"]),
        Route::post("/api/admin/customers", "Create a customer without portal access (no_account): billed, sent links, assignable; no mail", post(create_customer))
            .staff(create).body::<NewCustomer>().answers::<Customer>(201)
            .errors(&["ALREADY_EXISTS"]),
        Route::post("/api/admin/customers/{id}/invite", "Invite a customer without an account: emails the 7-day link and makes them invited", post(invite_existing))
            .staff(create).answers::<Invited>(201)
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

fn profile(body: NewCustomer) -> pb::InviteCustomerRequest {
    pb::InviteCustomerRequest {
        email: body.email,
        name: body.name.unwrap_or_default(),
        company: body.company.unwrap_or_default(),
        phone: body.phone.unwrap_or_default(),
        address: body.address.unwrap_or_default(),
        locale: body.locale.unwrap_or_default(),
    }
}

fn invited(response: pb::InviteCustomerResponse) -> (StatusCode, Json<Invited>) {
    let invited = Invited {
        invitation: response.invitation.unwrap_or_default().into(),
        customer: response.customer.unwrap_or_default().into(),
    };
    (StatusCode::CREATED, Json(invited))
}

pub(crate) async fn invite(
    staff: StaffCall,
    Json(body): Json<NewCustomer>,
) -> Result<(StatusCode, Json<Invited>), ApiError> {
    let response = call!(staff, customers.invite_customer(profile(body)));
    Ok(invited(response))
}

pub(crate) async fn create_customer(
    staff: StaffCall,
    Json(body): Json<NewCustomer>,
) -> Result<(StatusCode, Json<Customer>), ApiError> {
    let response = call!(staff, customers.create_customer(profile(body)));
    let customer = response.customer.unwrap_or_default().into();
    Ok((StatusCode::CREATED, Json(customer)))
}

pub(crate) async fn invite_existing(
    staff: StaffCall,
    PathId(id): PathId,
) -> Result<(StatusCode, Json<Invited>), ApiError> {
    let request = pb::CustomerRequest {
        customer_id: id.to_string(),
    };
    let response = call!(staff, customers.invite_existing_customer(request));
    Ok(invited(response))
}

pub(crate) async fn list(
    staff: StaffCall,
    Query(query): Query<PageQuery>,
) -> Answer<Page<Invitation>> {
    let (page_size, page_token) = query.paging.size_and_token()?;
    let request = pb::ListInvitationsRequest {
        page_size,
        page_token,
    };
    let response = call!(staff, customers.list_invitations(request));
    let items = response.items.into_iter().map(Invitation::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

fn invitation_request(PathId(id): PathId) -> pb::InvitationRequest {
    pb::InvitationRequest {
        invitation_id: id.to_string(),
    }
}

pub(crate) async fn resend(staff: StaffCall, id: PathId) -> Answer<Invitation> {
    let response = call!(staff, customers.resend_invitation(invitation_request(id)));
    Ok(Json(response.invitation.unwrap_or_default().into()))
}

pub(crate) async fn cancel(staff: StaffCall, id: PathId) -> Result<StatusCode, ApiError> {
    call!(staff, customers.cancel_invitation(invitation_request(id)));
    Ok(StatusCode::NO_CONTENT)
}
