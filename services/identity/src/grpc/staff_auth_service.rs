//! `StaffAuthService`: staff sign-in, the token check behind every staff route, sign-out,
//! refresh, accepting an invitation, recovery.

use atrium_common::auth::client_ip;
use atrium_common::grpc::Rpc;
use atrium_proto::identity::v1 as pb;
use tonic::{Request, Response};

use crate::credentials;
use crate::staff::sessions::{self, StaffLogin};
use crate::staff::{StaffMember, members};

use super::{Identity, token_response};

#[tonic::async_trait]
impl pb::staff_auth_service_server::StaffAuthService for Identity {
    async fn login_staff(
        &self,
        request: Request<pb::LoginStaffRequest>,
    ) -> Rpc<pb::LoginStaffResponse> {
        let request = request.into_inner();
        let login = StaffLogin {
            org: request.org,
            email: request.email,
            password: request.password,
            ip: request.ip,
            user_agent: request.user_agent,
        };
        let access_token = sessions::login_staff(&self.0, login).await?;
        Ok(token_response(access_token))
    }

    async fn authenticate_staff(
        &self,
        request: Request<pb::AuthenticateStaffRequest>,
    ) -> Rpc<pb::AuthenticateStaffResponse> {
        let (staff, session_id) =
            sessions::authenticate_staff(&self.0, &request.get_ref().access_token).await?;
        Ok(Response::new(pb::AuthenticateStaffResponse {
            staff: Some(staff.into()),
            session_id: session_id.to_string(),
        }))
    }

    async fn logout_staff(
        &self,
        request: Request<pb::LogoutStaffRequest>,
    ) -> Rpc<pb::LogoutStaffResponse> {
        let ip = client_ip(&request);
        sessions::logout_staff(&self.0, &request.get_ref().access_token, &ip).await?;
        Ok(Response::new(pb::LogoutStaffResponse {}))
    }

    async fn refresh_staff_token(
        &self,
        request: Request<pb::RefreshStaffTokenRequest>,
    ) -> Rpc<pb::LoginStaffResponse> {
        let token = sessions::refresh_staff_token(&self.0, &request.get_ref().access_token).await?;
        Ok(token_response(token))
    }

    async fn accept_staff_invitation(
        &self,
        request: Request<pb::AcceptStaffInvitationRequest>,
    ) -> Rpc<pb::LoginStaffResponse> {
        let r = request.into_inner();
        let access_token =
            members::accept(&self.0, &r.token, r.password, r.ip, r.user_agent).await?;
        Ok(token_response(access_token))
    }

    async fn forgot_staff_password(
        &self,
        request: Request<pb::ForgotPasswordRequest>,
    ) -> Rpc<pb::ForgotPasswordResponse> {
        let r = request.get_ref();
        credentials::forgot::<StaffMember>(&self.0, &r.org, &r.email).await?;
        Ok(Response::new(pb::ForgotPasswordResponse {}))
    }

    async fn reset_staff_password(
        &self,
        request: Request<pb::ResetPasswordRequest>,
    ) -> Rpc<pb::ResetPasswordResponse> {
        let ip = client_ip(&request);
        let r = request.into_inner();
        credentials::reset::<StaffMember>(&self.0, &r.token, r.password, &ip).await?;
        Ok(Response::new(pb::ResetPasswordResponse {}))
    }
}
