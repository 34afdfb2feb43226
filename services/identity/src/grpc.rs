//! Identity's gRPC surface: decode, call the domain, encode. No SQL here.

use atrium_common::auth::{Principal, SubjectKind};
use atrium_common::grpc::timestamp;
use atrium_proto::identity::v1 as pb;
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::roles::Role;
use crate::staff::{self, NewOrganization, StaffLogin};
use crate::store::{OrganizationRow, StaffRow};

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
            permissions: permissions.into_iter().map(str::to_owned).collect(),
            created_at: Some(timestamp(row.created_at)),
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
        Ok(Response::new(pb::LoginStaffResponse {
            access_token,
            expires_in: crate::ACCESS_TOKEN_TTL.as_secs() as i64,
        }))
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
        staff::logout_staff(&self.0, &request.get_ref().access_token).await?;
        Ok(Response::new(pb::LogoutStaffResponse {}))
    }
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
}
