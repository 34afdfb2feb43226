//! Customers and what they see: assignments, their own projects and dashboard, and their
//! permissions.

use atrium_common::error::into_status;
use atrium_common::grpc::Rpc;
use atrium_common::page::Page;
use atrium_proto::portal::v1 as pb;
use tonic::{Request, Response};

use super::settings::{branding, features};
use super::{Portal, acting, customer, list_response, project_response, staff};
use crate::assignment::{self, Reconciled};
use crate::permissions::{self, Overrides, Permissions};
use crate::{customer_projects, dashboard};

fn reconciled<Id: ToString>(r: Reconciled<Id>) -> Response<pb::Reconciled> {
    let texts = |ids: Vec<Id>| ids.iter().map(Id::to_string).collect();
    Response::new(pb::Reconciled {
        added: texts(r.added),
        removed: texts(r.removed),
        current: texts(r.current),
    })
}

impl From<pb::PermissionOverrides> for Overrides {
    fn from(o: pb::PermissionOverrides) -> Overrides {
        Overrides {
            can_view_invoices: o.can_view_invoices,
            can_approve_work: o.can_approve_work,
            can_add_comments: o.can_add_comments,
            can_submit_requests: o.can_submit_requests,
        }
    }
}

fn permissions_response(p: Permissions) -> Response<pb::CustomerPermissionsResponse> {
    let e = p.effective;
    let o = p.overrides;
    Response::new(pb::CustomerPermissionsResponse {
        effective: Some(pb::CustomerPermissions {
            can_view_invoices: e.can_view_invoices,
            can_approve_work: e.can_approve_work,
            can_add_comments: e.can_add_comments,
            can_submit_requests: e.can_submit_requests,
        }),
        overrides: Some(pb::PermissionOverrides {
            can_view_invoices: o.can_view_invoices,
            can_approve_work: o.can_approve_work,
            can_add_comments: o.can_add_comments,
            can_submit_requests: o.can_submit_requests,
        }),
    })
}

#[tonic::async_trait]
impl pb::assignment_service_server::AssignmentService for Portal {
    async fn set_project_customers(
        &self,
        request: Request<pb::SetProjectCustomersRequest>,
    ) -> Rpc<pb::Reconciled> {
        let acting = acting(&request)?;
        let r = request.get_ref();
        let done =
            assignment::set_project_customers(&self.0, &acting, &r.project_id, &r.customer_ids)
                .await?;
        Ok(reconciled(done))
    }

    async fn set_customer_projects(
        &self,
        request: Request<pb::SetCustomerProjectsRequest>,
    ) -> Rpc<pb::Reconciled> {
        let acting = acting(&request)?;
        let r = request.get_ref();
        let done =
            assignment::set_customer_projects(&self.0, &acting, &r.customer_id, &r.project_ids)
                .await?;
        Ok(reconciled(done))
    }

    async fn list_project_customers(
        &self,
        request: Request<pb::ProjectRequest>,
    ) -> Rpc<pb::AssignedIds> {
        let acting = acting(&request)?;
        let ids = assignment::project_customers(
            &self.0,
            &acting.principal,
            &request.get_ref().project_id,
        )
        .await?;
        Ok(assigned(ids))
    }

    async fn list_customer_projects(
        &self,
        request: Request<pb::CustomerProjectsRequest>,
    ) -> Rpc<pb::AssignedIds> {
        let acting = acting(&request)?;
        let customer_id = &request.get_ref().customer_id;
        let ids = assignment::customer_projects(&self.0, &acting.principal, customer_id).await?;
        Ok(assigned(ids))
    }
}

pub(super) fn assigned<Id: ToString>(ids: Vec<Id>) -> Response<pb::AssignedIds> {
    Response::new(pb::AssignedIds {
        ids: ids.iter().map(ToString::to_string).collect(),
    })
}

#[tonic::async_trait]
impl pb::customer_project_service_server::CustomerProjectService for Portal {
    async fn list_my_projects(
        &self,
        request: Request<pb::ListMyProjectsRequest>,
    ) -> Rpc<pb::ListProjectsResponse> {
        let principal = customer(&request)?;
        let r = request.get_ref();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let (projects, next) = customer_projects::list(&self.0, &principal, page).await?;
        Ok(list_response(projects, next))
    }

    async fn get_my_project(
        &self,
        request: Request<pb::ProjectRequest>,
    ) -> Rpc<pb::ProjectResponse> {
        let principal = customer(&request)?;
        let view =
            customer_projects::get(&self.0, &principal, &request.get_ref().project_id).await?;
        Ok(project_response(view))
    }

    async fn check_my_project(
        &self,
        request: Request<pb::CheckMyProjectRequest>,
    ) -> Rpc<pb::CheckMyProjectResponse> {
        let principal = customer(&request)?;
        let r = request.get_ref();
        customer_projects::check(&self.0, &principal, &r.project_id, &r.feature).await?;
        Ok(Response::new(pb::CheckMyProjectResponse {}))
    }
}

#[tonic::async_trait]
impl pb::dashboard_service_server::DashboardService for Portal {
    async fn get_dashboard(
        &self,
        request: Request<pb::GetDashboardRequest>,
    ) -> Rpc<pb::DashboardResponse> {
        let principal = customer(&request)?;
        let d = dashboard::get(&self.0, &principal).await?;
        Ok(Response::new(pb::DashboardResponse {
            projects: d.projects.into_iter().map(Into::into).collect(),
            branding: Some(branding(&d.settings)),
            show_team_members: d.settings.show_team_members,
            features: Some(features(&d.settings)),
            billing: d.billing,
            open_requests: d.open_requests,
            approvals: d.approvals.map(|(pending, rows)| pb::DashboardApprovals {
                pending,
                items: rows.into_iter().map(super::approvals::listed).collect(),
            }),
        }))
    }
}

#[tonic::async_trait]
impl pb::customer_permission_service_server::CustomerPermissionService for Portal {
    async fn get_customer_permissions(
        &self,
        request: Request<pb::CustomerPermissionsRequest>,
    ) -> Rpc<pb::CustomerPermissionsResponse> {
        let principal = staff(&request)?;
        let p = permissions::get(&self.0, &principal, &request.get_ref().customer_id).await?;
        Ok(permissions_response(p))
    }

    async fn set_customer_permissions(
        &self,
        request: Request<pb::SetCustomerPermissionsRequest>,
    ) -> Rpc<pb::CustomerPermissionsResponse> {
        let acting = acting(&request)?;
        let r = request.into_inner();
        let overrides = r.overrides.unwrap_or_default().into();
        let p = permissions::set(&self.0, &acting, &r.customer_id, overrides).await?;
        Ok(permissions_response(p))
    }

    async fn get_my_permissions(
        &self,
        request: Request<pb::GetMyPermissionsRequest>,
    ) -> Rpc<pb::CustomerPermissionsResponse> {
        let principal = customer(&request)?;
        Ok(permissions_response(
            permissions::mine(&self.0, &principal).await?,
        ))
    }

    async fn check_my_access(
        &self,
        request: Request<pb::CheckMyAccessRequest>,
    ) -> Rpc<pb::CheckMyAccessResponse> {
        let principal = customer(&request)?;
        let r = request.get_ref();
        permissions::check_mine(&self.0, &principal, &r.feature, &r.permission).await?;
        Ok(Response::new(pb::CheckMyAccessResponse {}))
    }
}
