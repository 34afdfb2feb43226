//! Staff managing projects, their phases and teams.

use atrium_common::error::into_status;
use atrium_common::grpc::Rpc;
use atrium_common::page::Page;
use atrium_proto::portal::v1 as pb;
use tonic::{Request, Response};

use super::{Portal, acting, list_response, project_response, staff};
use crate::error::PortalError;
use crate::project::manage::{self, NewProject, ProjectChange};
use crate::project::phases::{self, NewPhase, PhaseChange};
use crate::project::store::ProjectFilter;
use crate::team;
use crate::validate;

impl From<pb::CreateProjectRequest> for NewProject {
    fn from(r: pb::CreateProjectRequest) -> NewProject {
        NewProject {
            name: r.name,
            kind: r.kind,
            slug: r.slug,
            description: r.description,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            status: r.status,
            cover_url: r.cover_url,
            guest_password: r.guest_password,
        }
    }
}

impl<'a> TryFrom<&'a pb::ListProjectsRequest> for ProjectFilter<'a> {
    type Error = PortalError;

    fn try_from(r: &'a pb::ListProjectsRequest) -> Result<ProjectFilter<'a>, PortalError> {
        let given = |text: &'a str| Some(text).filter(|t| !t.is_empty());
        Ok(ProjectFilter {
            q: given(&r.q),
            status: given(&r.status).map(validate::status).transpose()?,
            kind: given(&r.kind).map(validate::kind).transpose()?,
        })
    }
}

impl From<pb::UpdateProjectRequest> for ProjectChange {
    fn from(r: pb::UpdateProjectRequest) -> ProjectChange {
        ProjectChange {
            name: r.name,
            slug: r.slug,
            description: r.description,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            status: r.status,
            cover_url: r.cover_url,
            guest_password: r.guest_password,
            cover_item_id: r.cover_item_id,
        }
    }
}

impl From<pb::AddPhaseRequest> for NewPhase {
    fn from(r: pb::AddPhaseRequest) -> NewPhase {
        NewPhase {
            name: r.name,
            position: r.position,
            status: r.status,
            percent_complete: r.percent_complete,
        }
    }
}

impl From<pb::UpdatePhaseRequest> for PhaseChange {
    fn from(r: pb::UpdatePhaseRequest) -> PhaseChange {
        PhaseChange {
            name: r.name,
            position: r.position,
            status: r.status,
            percent_complete: r.percent_complete,
        }
    }
}

fn phase_response(phase: crate::project::Phase) -> Response<pb::PhaseResponse> {
    Response::new(pb::PhaseResponse {
        phase: Some(phase.into()),
    })
}

#[tonic::async_trait]
impl pb::project_service_server::ProjectService for Portal {
    async fn create_project(
        &self,
        request: Request<pb::CreateProjectRequest>,
    ) -> Rpc<pb::ProjectResponse> {
        let principal = staff(&request)?;
        let view = manage::create(&self.0, &principal, request.into_inner().into()).await?;
        Ok(project_response(view))
    }

    async fn list_projects(
        &self,
        request: Request<pb::ListProjectsRequest>,
    ) -> Rpc<pb::ListProjectsResponse> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let filter = ProjectFilter::try_from(r)?;
        let (projects, next) = manage::list(&self.0, &principal, &filter, page).await?;
        Ok(list_response(projects, next))
    }

    async fn get_project(&self, request: Request<pb::ProjectRequest>) -> Rpc<pb::ProjectResponse> {
        let principal = staff(&request)?;
        let view = manage::get(&self.0, &principal, &request.get_ref().project_id).await?;
        Ok(project_response(view))
    }

    async fn update_project(
        &self,
        request: Request<pb::UpdateProjectRequest>,
    ) -> Rpc<pb::ProjectResponse> {
        let principal = staff(&request)?;
        let mut r = request.into_inner();
        let project_id = std::mem::take(&mut r.project_id);
        let view = manage::update(&self.0, &principal, &project_id, r.into()).await?;
        Ok(project_response(view))
    }

    async fn delete_project(
        &self,
        request: Request<pb::ProjectRequest>,
    ) -> Rpc<pb::DeleteProjectResponse> {
        let principal = staff(&request)?;
        manage::delete(&self.0, &principal, &request.get_ref().project_id).await?;
        Ok(Response::new(pb::DeleteProjectResponse {}))
    }

    async fn add_phase(&self, request: Request<pb::AddPhaseRequest>) -> Rpc<pb::PhaseResponse> {
        let principal = staff(&request)?;
        let mut r = request.into_inner();
        let project_id = std::mem::take(&mut r.project_id);
        let phase = phases::add_phase(&self.0, &principal, &project_id, r.into()).await?;
        Ok(phase_response(phase))
    }

    async fn update_phase(
        &self,
        request: Request<pb::UpdatePhaseRequest>,
    ) -> Rpc<pb::PhaseResponse> {
        let principal = staff(&request)?;
        let mut r = request.into_inner();
        let (project_id, phase_id) = (
            std::mem::take(&mut r.project_id),
            std::mem::take(&mut r.phase_id),
        );
        let phase =
            phases::update_phase(&self.0, &principal, &project_id, &phase_id, r.into()).await?;
        Ok(phase_response(phase))
    }

    async fn delete_phase(
        &self,
        request: Request<pb::PhaseRequest>,
    ) -> Rpc<pb::DeletePhaseResponse> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        phases::delete_phase(&self.0, &principal, &r.project_id, &r.phase_id).await?;
        Ok(Response::new(pb::DeletePhaseResponse {}))
    }

    async fn set_project_team(
        &self,
        request: Request<pb::SetProjectTeamRequest>,
    ) -> Rpc<pb::TeamResponse> {
        let acting = acting(&request)?;
        let r = request.into_inner();
        let members = r
            .members
            .into_iter()
            .map(|m| (m.staff_id, m.role_title))
            .collect();
        let team = team::set(&self.0, &acting, &r.project_id, members).await?;
        Ok(Response::new(pb::TeamResponse {
            members: team.into_iter().map(Into::into).collect(),
        }))
    }

    async fn list_project_audience(
        &self,
        request: Request<pb::ProjectRequest>,
    ) -> Rpc<pb::AssignedIds> {
        let principal = staff(&request)?;
        let ids = crate::assignment::project_customers(
            &self.0,
            &principal,
            &request.get_ref().project_id,
        )
        .await?;
        Ok(super::customers::assigned(ids))
    }
}
