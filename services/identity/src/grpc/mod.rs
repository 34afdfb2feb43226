//! Identity's gRPC surface, one module per service: decode, call the domain, encode.
//! No SQL here.

mod audit_service;
mod customer_auth_service;
mod customer_service;
mod organization_service;
mod staff_auth_service;
mod staff_service;

use atrium_common::grpc::timestamp;
use atrium_proto::identity::v1 as pb;
use tonic::Response;

use crate::AppState;
use crate::customer::sessions::OpenedSession;
use crate::customer::{Customer, Invitation, PendingInvitation};
use crate::error::IdentityError;
use crate::organization::Organization;
use crate::staff::StaffMember;

/// The one value every identity service is implemented on.
pub struct Identity(pub AppState);

/// The id a request names; one that is not a UUID names nothing (`missing`).
pub(super) fn id<T: std::str::FromStr>(
    text: &str,
    missing: IdentityError,
) -> Result<T, IdentityError> {
    text.parse().map_err(|_| missing)
}

impl From<Organization> for pb::Organization {
    fn from(row: Organization) -> pb::Organization {
        pb::Organization {
            id: row.organization_id.to_string(),
            slug: row.slug,
            name: row.name,
            created_at: Some(timestamp(row.created_at)),
        }
    }
}

impl From<StaffMember> for pb::Staff {
    fn from(row: StaffMember) -> pb::Staff {
        let permissions = row.role.permissions();
        pb::Staff {
            id: row.staff_id.to_string(),
            org_id: row.org_id.to_string(),
            email: row.email,
            name: row.name,
            title: row.title,
            phone: row.phone,
            role: row.role.as_str().to_owned(),
            permissions: permissions
                .into_iter()
                .map(|p| p.as_str().to_owned())
                .collect(),
            created_at: Some(timestamp(row.created_at)),
            status: row.status.as_str().to_owned(),
            locale: row.locale,
        }
    }
}

pub(super) fn token_response(access_token: String) -> Response<pb::LoginStaffResponse> {
    Response::new(pb::LoginStaffResponse {
        access_token,
        expires_in: crate::ACCESS_TOKEN_TTL.as_secs() as i64,
    })
}

pub(super) fn staff_response(staff: StaffMember) -> Response<pb::StaffResponse> {
    Response::new(pb::StaffResponse {
        staff: Some(staff.into()),
    })
}

impl From<Customer> for pb::Customer {
    fn from(row: Customer) -> pb::Customer {
        pb::Customer {
            id: row.customer_id.to_string(),
            org_id: row.org_id.to_string(),
            email: row.email,
            name: row.name,
            company: row.company,
            phone: row.phone,
            address: row.address,
            locale: row.locale,
            status: row.status.as_str().to_owned(),
            created_at: Some(timestamp(row.created_at)),
            updated_at: Some(timestamp(row.updated_at)),
            account_manager_id: row
                .account_manager_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        }
    }
}

impl From<PendingInvitation> for pb::CustomerInvitation {
    fn from(row: PendingInvitation) -> pb::CustomerInvitation {
        pb::CustomerInvitation {
            id: row.invitation_id.to_string(),
            customer_id: row.customer_id.to_string(),
            email: row.email,
            status: row.status.as_str().to_owned(),
            expires_at: Some(timestamp(row.expires_at)),
            created_at: Some(timestamp(row.created_at)),
        }
    }
}

/// An invitation just created or resent, with its customer.
pub(super) fn invitation_response(
    invitation: Invitation,
    customer: Customer,
) -> Response<pb::InviteCustomerResponse> {
    let invitation = PendingInvitation {
        invitation_id: invitation.invitation_id,
        customer_id: invitation.customer_id,
        email: customer.email.clone(),
        status: invitation.status,
        expires_at: invitation.expires_at,
        created_at: invitation.created_at,
    };
    Response::new(pb::InviteCustomerResponse {
        invitation: Some(invitation.into()),
        customer: Some(customer.into()),
    })
}

impl From<OpenedSession> for pb::CustomerSessionResponse {
    fn from(opened: OpenedSession) -> pb::CustomerSessionResponse {
        pb::CustomerSessionResponse {
            customer: Some(opened.customer.into()),
            session_token: opened.token,
            csrf_token: opened.csrf_token,
            max_age: opened.max_age_secs,
        }
    }
}
