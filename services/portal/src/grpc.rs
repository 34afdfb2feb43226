//! The portal's gRPC handlers: each translates a request into a domain call and back.

use atrium_common::auth::{Principal, SubjectKind};
use atrium_common::error::into_status;
use atrium_common::grpc::timestamp;
use atrium_common::page::Page;
use atrium_proto::portal::v1 as pb;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::assignments::{self, Reconciled};
use crate::projects::{self, NewPhase, NewProject, PhaseChange, ProjectChange, ProjectView};
use crate::store::{PhaseRow, ProjectFilter, ProjectRow};
use crate::{AppState, customer_projects};

#[derive(Clone)]
pub struct Portal(pub AppState);

impl From<PhaseRow> for pb::Phase {
    fn from(row: PhaseRow) -> pb::Phase {
        pb::Phase {
            id: row.phase_id.to_string(),
            name: row.name,
            position: row.position,
            status: row.status,
            percent_complete: row.percent_complete,
        }
    }
}

impl From<ProjectRow> for pb::Project {
    fn from(row: ProjectRow) -> pb::Project {
        pb::Project {
            id: row.project_id.to_string(),
            org_id: row.org_id.to_string(),
            kind: row.kind,
            name: row.name,
            slug: row.slug,
            description: row.description,
            starts_on: row.starts_on.unwrap_or_default(),
            ends_on: row.ends_on.unwrap_or_default(),
            status: row.status,
            cover_url: row.cover_url.unwrap_or_default(),
            has_guest_password: row.guest_password_hash.is_some(),
            progress: row.progress,
            phases: Vec::new(),
            created_at: Some(timestamp(row.created_at)),
            updated_at: Some(timestamp(row.updated_at)),
        }
    }
}

fn project_response(view: ProjectView) -> Response<pb::ProjectResponse> {
    let mut project = pb::Project::from(view.project);
    project.phases = view.phases.into_iter().map(Into::into).collect();
    Response::new(pb::ProjectResponse {
        project: Some(project),
    })
}

fn list_response(
    rows: Vec<ProjectRow>,
    next_page_token: String,
) -> Response<pb::ListProjectsResponse> {
    Response::new(pb::ListProjectsResponse {
        items: rows.into_iter().map(Into::into).collect(),
        next_page_token,
    })
}

fn reconciled(r: Reconciled) -> Response<pb::Reconciled> {
    let texts = |ids: Vec<Uuid>| ids.iter().map(Uuid::to_string).collect();
    Response::new(pb::Reconciled {
        added: texts(r.added),
        removed: texts(r.removed),
        current: texts(r.current),
    })
}

fn staff<T>(request: &Request<T>) -> Result<Principal, Status> {
    Principal::require(request, SubjectKind::Staff)
}

#[tonic::async_trait]
impl pb::project_service_server::ProjectService for Portal {
    #[tracing::instrument(skip_all)]
    async fn create_project(
        &self,
        request: Request<pb::CreateProjectRequest>,
    ) -> Result<Response<pb::ProjectResponse>, Status> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let new = NewProject {
            name: r.name,
            kind: r.kind,
            slug: r.slug,
            description: r.description,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            status: r.status,
            cover_url: r.cover_url,
            guest_password: r.guest_password,
        };
        Ok(project_response(
            projects::create(&self.0, &principal, new).await?,
        ))
    }

    #[tracing::instrument(skip_all)]
    async fn list_projects(
        &self,
        request: Request<pb::ListProjectsRequest>,
    ) -> Result<Response<pb::ListProjectsResponse>, Status> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let filter = ProjectFilter {
            q: Some(r.q.as_str()).filter(|q| !q.is_empty()),
            status: Some(r.status.as_str()).filter(|s| !s.is_empty()),
            kind: Some(r.kind.as_str()).filter(|k| !k.is_empty()),
        };
        let (rows, next) = projects::list(&self.0, &principal, &filter, page).await?;
        Ok(list_response(rows, next))
    }

    #[tracing::instrument(skip_all)]
    async fn get_project(
        &self,
        request: Request<pb::ProjectRequest>,
    ) -> Result<Response<pb::ProjectResponse>, Status> {
        let principal = staff(&request)?;
        let view = projects::get(&self.0, &principal, &request.get_ref().project_id).await?;
        Ok(project_response(view))
    }

    #[tracing::instrument(skip_all)]
    async fn update_project(
        &self,
        request: Request<pb::UpdateProjectRequest>,
    ) -> Result<Response<pb::ProjectResponse>, Status> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let change = ProjectChange {
            name: r.name,
            slug: r.slug,
            description: r.description,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            status: r.status,
            cover_url: r.cover_url,
            guest_password: r.guest_password,
        };
        let view = projects::update(&self.0, &principal, &r.project_id, change).await?;
        Ok(project_response(view))
    }

    #[tracing::instrument(skip_all)]
    async fn delete_project(
        &self,
        request: Request<pb::ProjectRequest>,
    ) -> Result<Response<pb::DeleteProjectResponse>, Status> {
        let principal = staff(&request)?;
        projects::delete(&self.0, &principal, &request.get_ref().project_id).await?;
        Ok(Response::new(pb::DeleteProjectResponse {}))
    }

    #[tracing::instrument(skip_all)]
    async fn add_phase(
        &self,
        request: Request<pb::AddPhaseRequest>,
    ) -> Result<Response<pb::PhaseResponse>, Status> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let new = NewPhase {
            name: r.name,
            position: r.position,
            status: r.status,
            percent_complete: r.percent_complete,
        };
        let phase = projects::add_phase(&self.0, &principal, &r.project_id, new).await?;
        Ok(Response::new(pb::PhaseResponse {
            phase: Some(phase.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_phase(
        &self,
        request: Request<pb::UpdatePhaseRequest>,
    ) -> Result<Response<pb::PhaseResponse>, Status> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let change = PhaseChange {
            name: r.name,
            position: r.position,
            status: r.status,
            percent_complete: r.percent_complete,
        };
        let phase =
            projects::update_phase(&self.0, &principal, &r.project_id, &r.phase_id, change).await?;
        Ok(Response::new(pb::PhaseResponse {
            phase: Some(phase.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn delete_phase(
        &self,
        request: Request<pb::PhaseRequest>,
    ) -> Result<Response<pb::DeletePhaseResponse>, Status> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        projects::delete_phase(&self.0, &principal, &r.project_id, &r.phase_id).await?;
        Ok(Response::new(pb::DeletePhaseResponse {}))
    }
}

#[tonic::async_trait]
impl pb::assignment_service_server::AssignmentService for Portal {
    #[tracing::instrument(skip_all)]
    async fn set_project_customers(
        &self,
        request: Request<pb::SetProjectCustomersRequest>,
    ) -> Result<Response<pb::Reconciled>, Status> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        let done =
            assignments::set_project_customers(&self.0, &principal, &r.project_id, &r.customer_ids)
                .await?;
        Ok(reconciled(done))
    }

    #[tracing::instrument(skip_all)]
    async fn set_customer_projects(
        &self,
        request: Request<pb::SetCustomerProjectsRequest>,
    ) -> Result<Response<pb::Reconciled>, Status> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        let done =
            assignments::set_customer_projects(&self.0, &principal, &r.customer_id, &r.project_ids)
                .await?;
        Ok(reconciled(done))
    }
}

#[tonic::async_trait]
impl pb::customer_project_service_server::CustomerProjectService for Portal {
    #[tracing::instrument(skip_all)]
    async fn list_my_projects(
        &self,
        request: Request<pb::ListMyProjectsRequest>,
    ) -> Result<Response<pb::ListProjectsResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Customer)?;
        let r = request.get_ref();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let (rows, next) = customer_projects::list(&self.0, &principal, page).await?;
        Ok(list_response(rows, next))
    }

    #[tracing::instrument(skip_all)]
    async fn get_my_project(
        &self,
        request: Request<pb::ProjectRequest>,
    ) -> Result<Response<pb::ProjectResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Customer)?;
        let view =
            customer_projects::get(&self.0, &principal, &request.get_ref().project_id).await?;
        Ok(project_response(view))
    }
}
