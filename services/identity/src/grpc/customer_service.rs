//! `CustomerService`: the organization's customers, their invitations and lock-out.

use atrium_common::auth::{Principal, SubjectKind, client_ip};
use atrium_common::grpc::Rpc;
use atrium_proto::identity::v1 as pb;
use tonic::{Request, Response, Status};

use atrium_common::error::into_status;
use atrium_common::page::Page;

use atrium_common::ids::{CustomerId, InvitationId};

use crate::customer::Customer;
use crate::customer::accounts::{self as customers, LockOut, ProfileChange};
use crate::customer::invitations::{self, NewInvitation};
use crate::customer::no_account;
use crate::error::IdentityError;

use super::{Identity, id, invitation_response};

fn customer_id(text: &str) -> Result<CustomerId, IdentityError> {
    id(text, IdentityError::CustomerNotFound)
}

fn invitation_id(text: &str) -> Result<InvitationId, IdentityError> {
    id(text, IdentityError::InvitationNotFound)
}

#[tonic::async_trait]
impl pb::customer_service_server::CustomerService for Identity {
    async fn invite_customer(
        &self,
        request: Request<pb::InviteCustomerRequest>,
    ) -> Rpc<pb::InviteCustomerResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let r = request.into_inner();
        let input = NewInvitation {
            email: r.email,
            name: r.name,
            company: r.company,
            phone: r.phone,
            address: r.address,
            locale: r.locale,
        };
        let (invitation, customer) = invitations::invite(&self.0, &principal, input, &ip).await?;
        Ok(invitation_response(invitation, customer))
    }

    async fn create_customer(
        &self,
        request: Request<pb::InviteCustomerRequest>,
    ) -> Rpc<pb::CustomerResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let r = request.into_inner();
        let input = NewInvitation {
            email: r.email,
            name: r.name,
            company: r.company,
            phone: r.phone,
            address: r.address,
            locale: r.locale,
        };
        let customer = no_account::create(&self.0, &principal, input, &ip).await?;
        Ok(customer_response(customer))
    }

    async fn invite_existing_customer(
        &self,
        request: Request<pb::CustomerRequest>,
    ) -> Rpc<pb::InviteCustomerResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let id = customer_id(&request.get_ref().customer_id)?;
        let (invitation, customer) = no_account::invite(&self.0, &principal, id, &ip).await?;
        Ok(invitation_response(invitation, customer))
    }

    async fn list_invitations(
        &self,
        request: Request<pb::ListInvitationsRequest>,
    ) -> Rpc<pb::ListInvitationsResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let r = request.get_ref();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let (rows, next_page_token) = invitations::list_pending(&self.0, &principal, page).await?;
        let items = rows.into_iter().map(Into::into).collect();
        Ok(Response::new(pb::ListInvitationsResponse {
            items,
            next_page_token,
        }))
    }

    async fn resend_invitation(
        &self,
        request: Request<pb::InvitationRequest>,
    ) -> Rpc<pb::InviteCustomerResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let invitation_id = invitation_id(&request.get_ref().invitation_id)?;
        let (invitation, customer) =
            invitations::resend(&self.0, &principal, invitation_id, &ip).await?;
        Ok(invitation_response(invitation, customer))
    }

    async fn cancel_invitation(
        &self,
        request: Request<pb::InvitationRequest>,
    ) -> Rpc<pb::CancelInvitationResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let invitation_id = invitation_id(&request.get_ref().invitation_id)?;
        invitations::cancel(&self.0, &principal, invitation_id, &ip).await?;
        Ok(Response::new(pb::CancelInvitationResponse {}))
    }

    async fn list_customers(
        &self,
        request: Request<pb::ListCustomersRequest>,
    ) -> Rpc<pb::ListCustomersResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let r = request.get_ref();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let q = Some(r.q.as_str()).filter(|q| !q.is_empty());
        let status = Some(r.status.as_str()).filter(|s| !s.is_empty());
        let (rows, next_page_token) = customers::list(&self.0, &principal, q, status, page).await?;
        Ok(Response::new(pb::ListCustomersResponse {
            items: rows.into_iter().map(Into::into).collect(),
            next_page_token,
        }))
    }

    async fn get_customer(
        &self,
        request: Request<pb::CustomerRequest>,
    ) -> Rpc<pb::CustomerResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let id = customer_id(&request.get_ref().customer_id)?;
        let customer = customers::get(&self.0, &principal, id).await?;
        Ok(customer_response(customer))
    }

    async fn lookup_staff(
        &self,
        request: Request<pb::LookupStaffRequest>,
    ) -> Rpc<pb::LookupStaffResponse> {
        let principal = Principal::from_request(&request)?;
        let found =
            customers::lookup_staff(&self.0, &principal, &request.get_ref().staff_ids).await?;
        Ok(Response::new(pb::LookupStaffResponse {
            staff: found.into_iter().map(pb::Staff::from).collect(),
        }))
    }

    async fn lookup_customers(
        &self,
        request: Request<pb::LookupCustomersRequest>,
    ) -> Rpc<pb::LookupCustomersResponse> {
        let principal = Principal::from_request(&request)?;
        let mut ids = request.into_inner().customer_ids;
        match principal.kind {
            SubjectKind::Staff => {}
            // A customer (a share link's holder, as billing mails them) finds only themself.
            SubjectKind::Customer => ids.retain(|id| *id == principal.subject_id.to_string()),
            SubjectKind::Service | SubjectKind::Guest => {
                return Err(Status::permission_denied("staff or customer only"));
            }
        }
        let (organization, found) = customers::lookup(&self.0, &principal, &ids).await?;
        Ok(Response::new(pb::LookupCustomersResponse {
            customers: found.into_iter().map(pb::Customer::from).collect(),
            organization: organization.map(pb::Organization::from),
        }))
    }

    async fn update_customer(
        &self,
        request: Request<pb::UpdateCustomerRequest>,
    ) -> Rpc<pb::CustomerResponse> {
        let principal = Principal::from_request(&request)?;
        let ip = client_ip(&request);
        let r = request.into_inner();
        let change = ProfileChange {
            email: r.email,
            name: r.name,
            company: r.company,
            phone: r.phone,
            address: r.address,
            locale: r.locale,
            account_manager_id: r.account_manager_id,
        };
        let customer = match principal.kind {
            SubjectKind::Staff => {
                let id = customer_id(&r.customer_id)?;
                customers::update(&self.0, &principal, id, change, &ip).await?
            }
            SubjectKind::Customer => {
                customers::update_own(&self.0, &principal, change, &ip).await?
            }
            SubjectKind::Guest | SubjectKind::Service => {
                return Err(Status::unauthenticated("not for guests or services"));
            }
        };
        Ok(customer_response(customer))
    }

    async fn deactivate_customer(
        &self,
        request: Request<pb::CustomerRequest>,
    ) -> Rpc<pb::CustomerResponse> {
        self.lock_out(request, LockOut::Deactivate).await
    }

    async fn reactivate_customer(
        &self,
        request: Request<pb::CustomerRequest>,
    ) -> Rpc<pb::CustomerResponse> {
        self.lock_out(request, LockOut::Reactivate).await
    }

    async fn force_relogin(
        &self,
        request: Request<pb::CustomerRequest>,
    ) -> Rpc<pb::CustomerResponse> {
        self.lock_out(request, LockOut::ForceRelogin).await
    }

    async fn erase_customer(
        &self,
        request: Request<pb::CustomerRequest>,
    ) -> Rpc<pb::EraseCustomerResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let id = customer_id(&request.get_ref().customer_id)?;
        customers::erase(&self.0, &principal, id, &ip).await?;
        Ok(Response::new(pb::EraseCustomerResponse {}))
    }
}

impl Identity {
    async fn lock_out(
        &self,
        request: Request<pb::CustomerRequest>,
        action: LockOut,
    ) -> Rpc<pb::CustomerResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let id = customer_id(&request.get_ref().customer_id)?;
        let customer = customers::lock_out(&self.0, &principal, id, action, &ip).await?;
        Ok(customer_response(customer))
    }
}

pub(super) fn customer_response(customer: Customer) -> Response<pb::CustomerResponse> {
    Response::new(pb::CustomerResponse {
        customer: Some(customer.into()),
    })
}
