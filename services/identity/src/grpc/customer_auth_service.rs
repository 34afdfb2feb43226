//! `CustomerAuthService`: customer sign-in and the session check, invitation links,
//! recovery, the own sessions and password change.

use atrium_common::auth::{Principal, SubjectKind, client_ip};
use atrium_common::grpc::Rpc;
use atrium_common::grpc::timestamp;
use atrium_proto::identity::v1 as pb;
use tonic::{Request, Response};

use crate::credentials;
use crate::customer::sessions::{self as customer_sessions, ClientInfo, CustomerLogin};
use crate::customer::{Customer, accounts as customers, invitations};
use crate::error::IdentityError;

use super::{Identity, id};

#[tonic::async_trait]
impl pb::customer_auth_service_server::CustomerAuthService for Identity {
    async fn login_customer(
        &self,
        request: Request<pb::LoginCustomerRequest>,
    ) -> Rpc<pb::CustomerSessionResponse> {
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

    async fn authenticate_customer(
        &self,
        request: Request<pb::AuthenticateCustomerRequest>,
    ) -> Rpc<pb::AuthenticateCustomerResponse> {
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

    async fn logout_customer(
        &self,
        request: Request<pb::LogoutCustomerRequest>,
    ) -> Rpc<pb::LogoutCustomerResponse> {
        let ip = client_ip(&request);
        customer_sessions::logout(&self.0, &request.get_ref().session_token, &ip).await?;
        Ok(Response::new(pb::LogoutCustomerResponse {}))
    }

    async fn preview_invitation(
        &self,
        request: Request<pb::PreviewInvitationRequest>,
    ) -> Rpc<pb::PreviewInvitationResponse> {
        let preview = invitations::preview(&self.0, &request.get_ref().token).await?;
        Ok(Response::new(pb::PreviewInvitationResponse {
            org_name: preview.org_name,
            email: preview.email,
            expires_at: Some(timestamp(preview.expires_at)),
        }))
    }

    async fn accept_invitation(
        &self,
        request: Request<pb::AcceptInvitationRequest>,
    ) -> Rpc<pb::CustomerSessionResponse> {
        let r = request.into_inner();
        let client = ClientInfo {
            ip: r.ip,
            user_agent: r.user_agent,
        };
        let opened = invitations::accept(&self.0, &r.token, r.password, client).await?;
        Ok(Response::new(opened.into()))
    }

    async fn forgot_password(
        &self,
        request: Request<pb::ForgotPasswordRequest>,
    ) -> Rpc<pb::ForgotPasswordResponse> {
        let r = request.get_ref();
        credentials::forgot::<Customer>(&self.0, &r.org, &r.email).await?;
        Ok(Response::new(pb::ForgotPasswordResponse {}))
    }

    async fn find_customer_by_email(
        &self,
        request: Request<pb::ForgotPasswordRequest>,
    ) -> Rpc<pb::FoundCustomer> {
        let r = request.get_ref();
        let found =
            crate::customer::portal_access::find_by_email(&self.0, &r.org, &r.email).await?;
        Ok(Response::new(pb::FoundCustomer {
            found: found.is_some(),
            org_id: found
                .as_ref()
                .map(|c| c.org_id.to_string())
                .unwrap_or_default(),
            customer_id: found.map(|c| c.customer_id.to_string()).unwrap_or_default(),
        }))
    }

    async fn request_portal_access(
        &self,
        request: Request<pb::PortalAccessRequest>,
    ) -> Rpc<pb::ForgotPasswordResponse> {
        let holder = Principal::require(&request, SubjectKind::Customer)?;
        let ip = client_ip(&request);
        crate::customer::portal_access::request(&self.0, &holder, &ip).await?;
        Ok(Response::new(pb::ForgotPasswordResponse {}))
    }

    async fn reset_password(
        &self,
        request: Request<pb::ResetPasswordRequest>,
    ) -> Rpc<pb::ResetPasswordResponse> {
        let ip = client_ip(&request);
        let r = request.into_inner();
        credentials::reset::<Customer>(&self.0, &r.token, r.password, &ip).await?;
        Ok(Response::new(pb::ResetPasswordResponse {}))
    }

    async fn list_customer_sessions(
        &self,
        request: Request<pb::ListCustomerSessionsRequest>,
    ) -> Rpc<pb::ListCustomerSessionsResponse> {
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

    async fn end_customer_session(
        &self,
        request: Request<pb::EndCustomerSessionRequest>,
    ) -> Rpc<pb::EndCustomerSessionResponse> {
        let principal = Principal::require(&request, SubjectKind::Customer)?;
        let ip = client_ip(&request);
        let session_id = id(
            &request.get_ref().session_id,
            IdentityError::SessionNotFound,
        )?;
        customer_sessions::end(&self.0, &principal, session_id, &ip).await?;
        Ok(Response::new(pb::EndCustomerSessionResponse {}))
    }

    async fn change_customer_password(
        &self,
        request: Request<pb::ChangeCustomerPasswordRequest>,
    ) -> Rpc<pb::CustomerSessionResponse> {
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
