//! `StaffService`: a member's own account, and the organization's staff.

use atrium_common::auth::{Principal, SubjectKind, client_ip};
use atrium_common::grpc::Rpc;
use atrium_proto::identity::v1 as pb;
use tonic::{Request, Response};

use atrium_common::error::into_status;
use atrium_common::page::Page;
use atrium_common::roles::Permission;

use crate::error::IdentityError;
use crate::staff::account::{self, OwnProfile};
use crate::staff::members::{self, AccessChange, parse_role};
use crate::staff::{StaffStatus, sessions};

use super::{Identity, id, staff_response};

#[tonic::async_trait]
impl pb::staff_service_server::StaffService for Identity {
    async fn get_current_staff(
        &self,
        request: Request<pb::GetCurrentStaffRequest>,
    ) -> Rpc<pb::GetCurrentStaffResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let staff =
            sessions::current_staff(&self.0, principal.org_id, principal.staff_id()).await?;
        Ok(Response::new(pb::GetCurrentStaffResponse {
            staff: Some(staff.into()),
        }))
    }

    async fn update_current_staff(
        &self,
        request: Request<pb::UpdateCurrentStaffRequest>,
    ) -> Rpc<pb::GetCurrentStaffResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let r = request.into_inner();
        let profile = OwnProfile {
            name: r.name,
            title: r.title,
            phone: r.phone,
            locale: r.locale,
        };
        let staff = account::update_profile(&self.0, &principal, profile, &ip).await?;
        Ok(Response::new(pb::GetCurrentStaffResponse {
            staff: Some(staff.into()),
        }))
    }

    async fn change_staff_password(
        &self,
        request: Request<pb::ChangeStaffPasswordRequest>,
    ) -> Rpc<pb::ChangeStaffPasswordResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let r = request.into_inner();
        account::change_password(
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

    async fn invite_staff(
        &self,
        request: Request<pb::InviteStaffRequest>,
    ) -> Rpc<pb::StaffResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let r = request.get_ref();
        let role = parse_role(&r.role)?;
        let staff = members::invite(&self.0, &principal, &r.email, &r.name, role, &ip).await?;
        Ok(staff_response(staff))
    }

    async fn list_staff(
        &self,
        request: Request<pb::ListStaffRequest>,
    ) -> Rpc<pb::ListStaffResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let r = request.get_ref();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let (rows, next_page_token) = members::list(&self.0, &principal, page).await?;
        Ok(Response::new(pb::ListStaffResponse {
            items: rows.into_iter().map(Into::into).collect(),
            next_page_token,
        }))
    }

    async fn list_staff_holding(
        &self,
        request: Request<pb::ListStaffHoldingRequest>,
    ) -> Rpc<pb::ListStaffHoldingResponse> {
        let principal = Principal::from_request(&request)?;
        let permission = Permission::parse(&request.get_ref().permission).ok_or_else(|| {
            into_status(IdentityError::InvalidField {
                field: "permission",
                problem: "must be one of the permission table's",
            })
        })?;
        let members = members::holding(&self.0, &principal, permission).await?;
        Ok(Response::new(pb::ListStaffHoldingResponse {
            items: members
                .into_iter()
                .map(|m| pb::StaffRef {
                    id: m.staff_id.to_string(),
                    name: m.name,
                })
                .collect(),
        }))
    }

    async fn update_staff(
        &self,
        request: Request<pb::UpdateStaffRequest>,
    ) -> Rpc<pb::StaffResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let r = request.into_inner();
        let staff_id = id(&r.staff_id, IdentityError::StaffNotFound)?;
        let staff = members::update(&self.0, &principal, staff_id, r.try_into()?, &ip).await?;
        Ok(staff_response(staff))
    }

    async fn remove_staff(
        &self,
        request: Request<pb::StaffRequest>,
    ) -> Rpc<pb::RemoveStaffResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let ip = client_ip(&request);
        let staff_id = id(&request.get_ref().staff_id, IdentityError::StaffNotFound)?;
        members::remove(&self.0, &principal, staff_id, &ip).await?;
        Ok(Response::new(pb::RemoveStaffResponse {}))
    }
}

impl TryFrom<pb::UpdateStaffRequest> for AccessChange {
    type Error = IdentityError;

    fn try_from(r: pb::UpdateStaffRequest) -> Result<AccessChange, IdentityError> {
        let status = match r.status.as_deref().map(StaffStatus::parse) {
            None => None,
            Some(Some(status @ (StaffStatus::Active | StaffStatus::Deactivated))) => Some(status),
            Some(_) => {
                return Err(IdentityError::InvalidField {
                    field: "status",
                    problem: "must be active or deactivated",
                });
            }
        };
        Ok(AccessChange {
            role: r.role.as_deref().map(parse_role).transpose()?,
            status,
        })
    }
}
