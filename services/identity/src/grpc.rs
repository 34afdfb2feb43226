//! Identity's gRPC surface: decode, call the domain, encode. No SQL here.

use atrium_common::auth::{Principal, SubjectKind, client_ip};
use atrium_common::grpc::{from_timestamp, timestamp};
use atrium_proto::identity::v1 as pb;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use atrium_common::error::into_status;
use atrium_common::page::Page;

use crate::AppState;
use crate::audit::{self, AuditFilter, AuditRow};
use crate::customer_sessions::{self, ClientInfo, CustomerLogin, OpenedSession};
use crate::customer_store::{CustomerRow, InvitationRow, PendingInvitationRow};
use crate::customers::{self, LockOut, ProfileChange};
use crate::error::IdentityError;
use crate::invitations::{self, NewInvitation};
use crate::recovery;
use crate::staff::{self, NewOrganization, StaffLogin};
use crate::staff_account::{self, OwnProfile};
use crate::staff_members::{self, AccessChange};
use crate::store::{OrganizationRow, StaffRow};
use atrium_common::roles::Role;

pub struct Identity(pub AppState);

impl From<OrganizationRow> for pb::Organization {
    fn from(row: OrganizationRow) -> pb::Organization {
        pb::Organization {
            id: row.organization_id.to_string(),
            slug: row.slug,
            name: row.name,
            created_at: Some(timestamp(row.created_at)),
        }
    }
}

impl From<StaffRow> for pb::Staff {
    fn from(row: StaffRow) -> pb::Staff {
        let permissions = Role::parse(&row.role)
            .map(Role::permissions)
            .unwrap_or_default();
        pb::Staff {
            id: row.staff_id.to_string(),
            org_id: row.org_id.to_string(),
            email: row.email,
            name: row.name,
            title: row.title,
            phone: row.phone,
            role: row.role,
            permissions: permissions
                .into_iter()
                .map(|p| p.as_str().to_owned())
                .collect(),
            created_at: Some(timestamp(row.created_at)),
            status: row.status,
        }
    }
}

#[tonic::async_trait]
impl pb::organization_service_server::OrganizationService for Identity {
    #[tracing::instrument(skip_all)]
    async fn create_organization(
        &self,
        request: Request<pb::CreateOrganizationRequest>,
    ) -> Result<Response<pb::CreateOrganizationResponse>, Status> {
        let request = request.into_inner();
        let input = NewOrganization {
            slug: request.slug,
            name: request.name,
            owner_email: request.owner_email,
            owner_password: request.owner_password,
        };
        let onboarded = staff::create_organization(&self.0, input, request.if_absent).await?;
        Ok(Response::new(pb::CreateOrganizationResponse {
            organization: Some(onboarded.organization.into()),
            owner: Some(onboarded.owner.into()),
            created: onboarded.created,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_organization(
        &self,
        request: Request<pb::GetOrganizationRequest>,
    ) -> Result<Response<pb::GetOrganizationResponse>, Status> {
        let organization = staff::get_organization(&self.0, &request.get_ref().slug).await?;
        Ok(Response::new(pb::GetOrganizationResponse {
            organization: Some(organization.into()),
        }))
    }
}

#[tonic::async_trait]
impl pb::staff_auth_service_server::StaffAuthService for Identity {
    #[tracing::instrument(skip_all)]
    async fn login_staff(
        &self,
        request: Request<pb::LoginStaffRequest>,
    ) -> Result<Response<pb::LoginStaffResponse>, Status> {
        let request = request.into_inner();
        let login = StaffLogin {
            org: request.org,
            email: request.email,
            password: request.password,
            ip: request.ip,
            user_agent: request.user_agent,
        };
        let access_token = staff::login_staff(&self.0, login).await?;
        Ok(token_response(access_token))
    }

    #[tracing::instrument(skip_all)]
    async fn authenticate_staff(
        &self,
        request: Request<pb::AuthenticateStaffRequest>,
    ) -> Result<Response<pb::AuthenticateStaffResponse>, Status> {
        let (staff, session_id) =
            staff::authenticate_staff(&self.0, &request.get_ref().access_token).await?;
        Ok(Response::new(pb::AuthenticateStaffResponse {
            staff: Some(staff.into()),
            session_id: session_id.to_string(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn logout_staff(
        &self,
        request: Request<pb::LogoutStaffRequest>,
    ) -> Result<Response<pb::LogoutStaffResponse>, Status> {
        let ip = client_ip(&request);
        staff::logout_staff(&self.0, &request.get_ref().access_token, &ip).await?;
        Ok(Response::new(pb::LogoutStaffResponse {}))
    }

    #[tracing::instrument(skip_all)]
    async fn refresh_staff_token(
        &self,
        request: Request<pb::RefreshStaffTokenRequest>,
    ) -> Result<Response<pb::LoginStaffResponse>, Status> {
        let token = staff::refresh_staff_token(&self.0, &request.get_ref().access_token).await?;
        Ok(token_response(token))
    }

    #[tracing::instrument(skip_all)]
    async fn accept_staff_invitation(
        &self,
        request: Request<pb::AcceptStaffInvitationRequest>,
    ) -> Result<Response<pb::LoginStaffResponse>, Status> {
        let r = request.into_inner();
        let access_token =
            staff_members::accept(&self.0, &r.token, r.password, r.ip, r.user_agent).await?;
        Ok(token_response(access_token))
    }

    #[tracing::instrument(skip_all)]
    async fn forgot_staff_password(
        &self,
        request: Request<pb::ForgotPasswordRequest>,
    ) -> Result<Response<pb::ForgotPasswordResponse>, Status> {
        let r = request.get_ref();
        staff_account::forgot(&self.0, &r.org, &r.email).await?;
        Ok(Response::new(pb::ForgotPasswordResponse {}))
    }

    #[tracing::instrument(skip_all)]
    async fn reset_staff_password(
        &self,
        request: Request<pb::ResetPasswordRequest>,
    ) -> Result<Response<pb::ResetPasswordResponse>, Status> {
        let ip = client_ip(&request);
        let r = request.into_inner();
        staff_account::reset(&self.0, &r.token, r.password, &ip).await?;
        Ok(Response::new(pb::ResetPasswordResponse {}))
    }
}

fn token_response(access_token: String) -> Response<pb::LoginStaffResponse> {
    Response::new(pb::LoginStaffResponse {
        access_token,
        expires_in: crate::ACCESS_TOKEN_TTL.as_secs() as i64,
    })
}

fn staff_response(staff: StaffRow) -> Response<pb::StaffResponse> {
    Response::new(pb::StaffResponse {
        staff: Some(staff.into()),
    })
}

#[tonic::async_trait]
impl pb::staff_service_server::StaffService for Identity {
    #[tracing::instrument(skip_all)]
    async fn get_current_staff(
        &self,
        request: Request<pb::GetCurrentStaffRequest>,
    ) -> Result<Response<pb::GetCurrentStaffResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let staff = staff::current_staff(&self.0, principal.org_id, principal.subject_id).await?;
        Ok(Response::new(pb::GetCurrentStaffResponse {
            staff: Some(staff.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_current_staff(
        &self,
        request: Request<pb::UpdateCurrentStaffRequest>,
    ) -> Result<Response<pb::GetCurrentStaffResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let r = request.into_inner();
        let profile = OwnProfile {
            name: r.name,
            title: r.title,
            phone: r.phone,
        };
        let staff = staff_account::update_profile(&self.0, &principal, profile, &ip).await?;
        Ok(Response::new(pb::GetCurrentStaffResponse {
            staff: Some(staff.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn change_staff_password(
        &self,
        request: Request<pb::ChangeStaffPasswordRequest>,
    ) -> Result<Response<pb::ChangeStaffPasswordResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let r = request.into_inner();
        staff_account::change_password(
            &self.0,
            &principal,
            &r.access_token,
            r.current_password,
            r.new_password,
            &ip,
        )
        .await?;
        Ok(Response::new(pb::ChangeStaffPasswordResponse {}))
    }

    #[tracing::instrument(skip_all)]
    async fn invite_staff(
        &self,
        request: Request<pb::InviteStaffRequest>,
    ) -> Result<Response<pb::StaffResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let r = request.get_ref();
        let staff =
            staff_members::invite(&self.0, &principal, &r.email, &r.name, &r.role, &ip).await?;
        Ok(staff_response(staff))
    }

    #[tracing::instrument(skip_all)]
    async fn list_staff(
        &self,
        request: Request<pb::ListStaffRequest>,
    ) -> Result<Response<pb::ListStaffResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let r = request.get_ref();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let (rows, next_page_token) = staff_members::list(&self.0, &principal, page).await?;
        Ok(Response::new(pb::ListStaffResponse {
            items: rows.into_iter().map(Into::into).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_staff(
        &self,
        request: Request<pb::UpdateStaffRequest>,
    ) -> Result<Response<pb::StaffResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let r = request.into_inner();
        let change = AccessChange {
            role: r.role,
            status: r.status,
        };
        let staff = staff_members::update(&self.0, &principal, &r.staff_id, change, &ip).await?;
        Ok(staff_response(staff))
    }

    #[tracing::instrument(skip_all)]
    async fn remove_staff(
        &self,
        request: Request<pb::StaffRequest>,
    ) -> Result<Response<pb::RemoveStaffResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        staff_members::remove(&self.0, &principal, &request.get_ref().staff_id, &ip).await?;
        Ok(Response::new(pb::RemoveStaffResponse {}))
    }
}

#[tonic::async_trait]
impl pb::audit_service_server::AuditService for Identity {
    #[tracing::instrument(skip_all)]
    async fn list_audit(
        &self,
        request: Request<pb::ListAuditRequest>,
    ) -> Result<Response<pb::ListAuditResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let r = request.into_inner();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let filter = AuditFilter {
            actor_id: Some(r.actor_id).filter(|a| !a.is_empty()),
            action: Some(r.action).filter(|a| !a.is_empty()),
            from: r.from.as_ref().and_then(from_timestamp),
            to: r.to.as_ref().and_then(from_timestamp),
        };
        let (rows, next_page_token) =
            audit::list(&self.0.db, principal.org_id, &filter, page).await?;
        let items = rows
            .into_iter()
            .map(|row| pb::AuditEntry {
                id: row.audit_id.to_string(),
                at: Some(timestamp(row.at)),
                actor_kind: row.actor_kind,
                actor_id: row.actor_id,
                action: row.action,
                subject_kind: row.subject_kind,
                subject_id: row.subject_id,
                ip: row.ip,
            })
            .collect();
        Ok(Response::new(pb::ListAuditResponse {
            items,
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn record_audit(
        &self,
        request: Request<pb::RecordAuditRequest>,
    ) -> Result<Response<pb::RecordAuditResponse>, Status> {
        let r = request.into_inner();
        let entry = r.entry.unwrap_or_default();
        let invalid = |field: &'static str| {
            into_status(IdentityError::InvalidField {
                field,
                problem: "is missing or malformed",
            })
        };
        let row = AuditRow {
            audit_id: Uuid::parse_str(&entry.id).map_err(|_| invalid("entry.id"))?,
            org_id: Uuid::parse_str(&r.org_id).map_err(|_| invalid("org_id"))?,
            at: entry
                .at
                .as_ref()
                .and_then(from_timestamp)
                .ok_or_else(|| invalid("entry.at"))?,
            actor_kind: entry.actor_kind,
            actor_id: entry.actor_id,
            action: entry.action,
            subject_kind: entry.subject_kind,
            subject_id: entry.subject_id,
            ip: entry.ip.chars().take(64).collect(),
        };
        audit::record_relayed(&self.0.db, &row).await?;
        Ok(Response::new(pb::RecordAuditResponse {}))
    }
}

impl From<CustomerRow> for pb::Customer {
    fn from(row: CustomerRow) -> pb::Customer {
        pb::Customer {
            id: row.customer_id.to_string(),
            org_id: row.org_id.to_string(),
            email: row.email,
            name: row.name,
            company: row.company,
            phone: row.phone,
            address: row.address,
            locale: row.locale,
            status: row.status,
            created_at: Some(timestamp(row.created_at)),
            updated_at: Some(timestamp(row.updated_at)),
            account_manager_id: row
                .account_manager_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        }
    }
}

impl From<PendingInvitationRow> for pb::CustomerInvitation {
    fn from(row: PendingInvitationRow) -> pb::CustomerInvitation {
        pb::CustomerInvitation {
            id: row.invitation_id.to_string(),
            customer_id: row.customer_id.to_string(),
            email: row.email,
            status: row.status,
            expires_at: Some(timestamp(row.expires_at)),
            created_at: Some(timestamp(row.created_at)),
        }
    }
}

/// An invitation just created or resent, with its customer.
fn invitation_response(
    invitation: InvitationRow,
    customer: CustomerRow,
) -> Response<pb::InviteCustomerResponse> {
    let invitation = PendingInvitationRow {
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

#[tonic::async_trait]
impl pb::customer_auth_service_server::CustomerAuthService for Identity {
    #[tracing::instrument(skip_all)]
    async fn login_customer(
        &self,
        request: Request<pb::LoginCustomerRequest>,
    ) -> Result<Response<pb::CustomerSessionResponse>, Status> {
        let r = request.into_inner();
        let login = CustomerLogin {
            org: r.org,
            email: r.email,
            password: r.password,
            client: ClientInfo {
                ip: r.ip,
                user_agent: r.user_agent,
            },
        };
        let opened = customer_sessions::login(&self.0, login).await?;
        Ok(Response::new(opened.into()))
    }

    #[tracing::instrument(skip_all)]
    async fn authenticate_customer(
        &self,
        request: Request<pb::AuthenticateCustomerRequest>,
    ) -> Result<Response<pb::AuthenticateCustomerResponse>, Status> {
        let r = request.get_ref();
        let found = customer_sessions::authenticate(
            &self.0,
            &r.session_token,
            r.with_customer || r.with_context,
        )
        .await?;
        let (organization, account_manager) = match &found.customer {
            Some(customer) if r.with_context => customers::context(&self.0, customer).await?,
            _ => (None, None),
        };
        Ok(Response::new(pb::AuthenticateCustomerResponse {
            customer: found.customer.map(Into::into),
            session_id: found.session.session_id.to_string(),
            csrf_token: customer_sessions::csrf_token(&self.0, &r.session_token),
            org_id: found.session.org_id.to_string(),
            customer_id: found.session.customer_id.to_string(),
            organization: organization.map(pb::Organization::from),
            account_manager: account_manager.map(pb::Staff::from),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn logout_customer(
        &self,
        request: Request<pb::LogoutCustomerRequest>,
    ) -> Result<Response<pb::LogoutCustomerResponse>, Status> {
        let ip = client_ip(&request);
        customer_sessions::logout(&self.0, &request.get_ref().session_token, &ip).await?;
        Ok(Response::new(pb::LogoutCustomerResponse {}))
    }

    #[tracing::instrument(skip_all)]
    async fn preview_invitation(
        &self,
        request: Request<pb::PreviewInvitationRequest>,
    ) -> Result<Response<pb::PreviewInvitationResponse>, Status> {
        let preview = invitations::preview(&self.0, &request.get_ref().token).await?;
        Ok(Response::new(pb::PreviewInvitationResponse {
            org_name: preview.org_name,
            email: preview.email,
            expires_at: Some(timestamp(preview.expires_at)),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn accept_invitation(
        &self,
        request: Request<pb::AcceptInvitationRequest>,
    ) -> Result<Response<pb::CustomerSessionResponse>, Status> {
        let r = request.into_inner();
        let client = ClientInfo {
            ip: r.ip,
            user_agent: r.user_agent,
        };
        let opened = invitations::accept(&self.0, &r.token, r.password, client).await?;
        Ok(Response::new(opened.into()))
    }

    #[tracing::instrument(skip_all)]
    async fn forgot_password(
        &self,
        request: Request<pb::ForgotPasswordRequest>,
    ) -> Result<Response<pb::ForgotPasswordResponse>, Status> {
        let r = request.get_ref();
        recovery::forgot(&self.0, &r.org, &r.email).await?;
        Ok(Response::new(pb::ForgotPasswordResponse {}))
    }

    #[tracing::instrument(skip_all)]
    async fn reset_password(
        &self,
        request: Request<pb::ResetPasswordRequest>,
    ) -> Result<Response<pb::ResetPasswordResponse>, Status> {
        let ip = client_ip(&request);
        let r = request.into_inner();
        recovery::reset(&self.0, &r.token, r.password, &ip).await?;
        Ok(Response::new(pb::ResetPasswordResponse {}))
    }

    #[tracing::instrument(skip_all)]
    async fn list_customer_sessions(
        &self,
        request: Request<pb::ListCustomerSessionsRequest>,
    ) -> Result<Response<pb::ListCustomerSessionsResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Customer)?;
        let rows = customer_sessions::list(&self.0, &principal).await?;
        let items = rows
            .into_iter()
            .map(|row| pb::CustomerSession {
                id: row.customer_session_id.to_string(),
                created_at: Some(timestamp(row.created_at)),
                last_seen_at: Some(timestamp(row.last_seen_at)),
                user_agent: row.user_agent,
                ip: row.ip,
            })
            .collect();
        Ok(Response::new(pb::ListCustomerSessionsResponse { items }))
    }

    #[tracing::instrument(skip_all)]
    async fn end_customer_session(
        &self,
        request: Request<pb::EndCustomerSessionRequest>,
    ) -> Result<Response<pb::EndCustomerSessionResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Customer)?;
        let ip = client_ip(&request);
        customer_sessions::end(&self.0, &principal, &request.get_ref().session_id, &ip).await?;
        Ok(Response::new(pb::EndCustomerSessionResponse {}))
    }

    #[tracing::instrument(skip_all)]
    async fn change_customer_password(
        &self,
        request: Request<pb::ChangeCustomerPasswordRequest>,
    ) -> Result<Response<pb::CustomerSessionResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Customer)?;
        let r = request.into_inner();
        let client = ClientInfo {
            ip: r.ip,
            user_agent: r.user_agent,
        };
        let opened = customer_sessions::change_password(
            &self.0,
            &principal,
            r.current_password,
            r.new_password,
            client,
        )
        .await?;
        Ok(Response::new(opened.into()))
    }
}

#[tonic::async_trait]
impl pb::customer_service_server::CustomerService for Identity {
    #[tracing::instrument(skip_all)]
    async fn invite_customer(
        &self,
        request: Request<pb::InviteCustomerRequest>,
    ) -> Result<Response<pb::InviteCustomerResponse>, Status> {
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

    #[tracing::instrument(skip_all)]
    async fn list_invitations(
        &self,
        request: Request<pb::ListInvitationsRequest>,
    ) -> Result<Response<pb::ListInvitationsResponse>, Status> {
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

    #[tracing::instrument(skip_all)]
    async fn resend_invitation(
        &self,
        request: Request<pb::InvitationRequest>,
    ) -> Result<Response<pb::InviteCustomerResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let (invitation, customer) =
            invitations::resend(&self.0, &principal, &request.get_ref().invitation_id, &ip).await?;
        Ok(invitation_response(invitation, customer))
    }

    #[tracing::instrument(skip_all)]
    async fn cancel_invitation(
        &self,
        request: Request<pb::InvitationRequest>,
    ) -> Result<Response<pb::CancelInvitationResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        invitations::cancel(&self.0, &principal, &request.get_ref().invitation_id, &ip).await?;
        Ok(Response::new(pb::CancelInvitationResponse {}))
    }

    #[tracing::instrument(skip_all)]
    async fn list_customers(
        &self,
        request: Request<pb::ListCustomersRequest>,
    ) -> Result<Response<pb::ListCustomersResponse>, Status> {
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

    #[tracing::instrument(skip_all)]
    async fn get_customer(
        &self,
        request: Request<pb::CustomerRequest>,
    ) -> Result<Response<pb::CustomerResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let customer = customers::get(&self.0, &principal, &request.get_ref().customer_id).await?;
        Ok(customer_response(customer))
    }

    #[tracing::instrument(skip_all)]
    async fn lookup_staff(
        &self,
        request: Request<pb::LookupStaffRequest>,
    ) -> Result<Response<pb::LookupStaffResponse>, Status> {
        let principal = Principal::from_request(&request)?;
        let found =
            customers::lookup_staff(&self.0, &principal, &request.get_ref().staff_ids).await?;
        Ok(Response::new(pb::LookupStaffResponse {
            staff: found.into_iter().map(pb::Staff::from).collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn lookup_customers(
        &self,
        request: Request<pb::LookupCustomersRequest>,
    ) -> Result<Response<pb::LookupCustomersResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let (organization, found) =
            customers::lookup(&self.0, &principal, &request.get_ref().customer_ids).await?;
        Ok(Response::new(pb::LookupCustomersResponse {
            customers: found.into_iter().map(pb::Customer::from).collect(),
            organization: organization.map(pb::Organization::from),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_customer(
        &self,
        request: Request<pb::UpdateCustomerRequest>,
    ) -> Result<Response<pb::CustomerResponse>, Status> {
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
                customers::update(&self.0, &principal, &r.customer_id, change, &ip).await?
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

    #[tracing::instrument(skip_all)]
    async fn deactivate_customer(
        &self,
        request: Request<pb::CustomerRequest>,
    ) -> Result<Response<pb::CustomerResponse>, Status> {
        self.lock_out(request, LockOut::Deactivate).await
    }

    #[tracing::instrument(skip_all)]
    async fn reactivate_customer(
        &self,
        request: Request<pb::CustomerRequest>,
    ) -> Result<Response<pb::CustomerResponse>, Status> {
        self.lock_out(request, LockOut::Reactivate).await
    }

    #[tracing::instrument(skip_all)]
    async fn force_relogin(
        &self,
        request: Request<pb::CustomerRequest>,
    ) -> Result<Response<pb::CustomerResponse>, Status> {
        self.lock_out(request, LockOut::ForceRelogin).await
    }

    #[tracing::instrument(skip_all)]
    async fn erase_customer(
        &self,
        request: Request<pb::CustomerRequest>,
    ) -> Result<Response<pb::EraseCustomerResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        customers::erase(&self.0, &principal, &request.get_ref().customer_id, &ip).await?;
        Ok(Response::new(pb::EraseCustomerResponse {}))
    }
}

impl Identity {
    async fn lock_out(
        &self,
        request: Request<pb::CustomerRequest>,
        action: LockOut,
    ) -> Result<Response<pb::CustomerResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let customer = customers::lock_out(
            &self.0,
            &principal,
            &request.get_ref().customer_id,
            action,
            &ip,
        )
        .await?;
        Ok(customer_response(customer))
    }
}

fn customer_response(customer: CustomerRow) -> Response<pb::CustomerResponse> {
    Response::new(pb::CustomerResponse {
        customer: Some(customer.into()),
    })
}
