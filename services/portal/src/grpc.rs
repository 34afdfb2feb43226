//! The portal's gRPC handlers: each translates a request into a domain call and back.

use atrium_common::auth::{Principal, SubjectKind, client_ip};
use atrium_common::error::into_status;
use atrium_common::grpc::timestamp;
use atrium_common::page::Page;
use atrium_proto::common::v1 as common;
use atrium_proto::portal::v1 as pb;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::assignments::{self, Reconciled};
use crate::audit::Acting;
use crate::permissions::{self, Permissions};
use crate::projects::{self, NewPhase, NewProject, PhaseChange, ProjectChange, ProjectView};
use crate::settings;
use crate::settings::store::OverrideRow;
use crate::store::{CardRow, PhaseRow, ProjectFilter, ProjectRow};
use crate::team::{self, Member};
use crate::{AppState, customer_projects, dashboard, erasure, guests};
use atrium_common::settings::OrgSettings;
use chrono::{DateTime, Utc};

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
            team: Vec::new(),
            created_at: Some(timestamp(row.created_at)),
            updated_at: Some(timestamp(row.updated_at)),
        }
    }
}

impl From<CardRow> for pb::ProjectCard {
    fn from(row: CardRow) -> pb::ProjectCard {
        pb::ProjectCard {
            id: row.project_id.to_string(),
            kind: row.kind,
            name: row.name,
            starts_on: row.starts_on.unwrap_or_default(),
            ends_on: row.ends_on.unwrap_or_default(),
            status: row.status,
            cover_url: row.cover_url.unwrap_or_default(),
            progress: row.progress,
        }
    }
}

fn team_member(member: Member) -> pb::TeamMember {
    pb::TeamMember {
        staff_id: member.staff.id,
        role_title: member.role_title,
        name: member.staff.name,
        title: member.staff.title,
        email: member.staff.email,
        phone: member.staff.phone,
    }
}

fn project_response(view: ProjectView) -> Response<pb::ProjectResponse> {
    let mut project = pb::Project::from(view.project);
    project.phases = view.phases.into_iter().map(Into::into).collect();
    project.team = view.team.into_iter().map(team_member).collect();
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

    #[tracing::instrument(skip_all)]
    async fn set_project_team(
        &self,
        request: Request<pb::SetProjectTeamRequest>,
    ) -> Result<Response<pb::TeamResponse>, Status> {
        let principal = staff(&request)?;
        let ip = client_ip(&request);
        let acting = Acting {
            principal: &principal,
            ip: &ip,
        };
        let r = request.into_inner();
        let members = r
            .members
            .into_iter()
            .map(|m| (m.staff_id, m.role_title))
            .collect();
        let team = team::set(&self.0, &acting, &r.project_id, members).await?;
        Ok(Response::new(pb::TeamResponse {
            members: team.into_iter().map(team_member).collect(),
        }))
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
        let ip = client_ip(&request);
        let acting = Acting {
            principal: &principal,
            ip: &ip,
        };
        let r = request.get_ref();
        let done =
            assignments::set_project_customers(&self.0, &acting, &r.project_id, &r.customer_ids)
                .await?;
        Ok(reconciled(done))
    }

    #[tracing::instrument(skip_all)]
    async fn set_customer_projects(
        &self,
        request: Request<pb::SetCustomerProjectsRequest>,
    ) -> Result<Response<pb::Reconciled>, Status> {
        let principal = staff(&request)?;
        let ip = client_ip(&request);
        let acting = Acting {
            principal: &principal,
            ip: &ip,
        };
        let r = request.get_ref();
        let done =
            assignments::set_customer_projects(&self.0, &acting, &r.customer_id, &r.project_ids)
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

fn features(s: &OrgSettings) -> pb::Features {
    let f = &s.features;
    pb::Features {
        customer_portal: f.customer_portal,
        approvals: f.approvals,
        requests: f.requests,
        documents: f.documents,
        billing: f.billing,
        gallery: f.gallery,
    }
}

fn branding(s: &OrgSettings) -> pb::Branding {
    let b = &s.branding;
    pb::Branding {
        company_name: b.company_name.clone().unwrap_or_default(),
        logo_url: b.logo_url.clone().unwrap_or_default(),
        primary_color: b.primary_color.clone().unwrap_or_default(),
        show_logo: b.show_logo,
        show_name: b.show_name,
        sender_name: b.sender_name.clone().unwrap_or_default(),
    }
}

fn settings_response(
    settings: &OrgSettings,
    updated_at: Option<DateTime<Utc>>,
) -> Response<pb::SettingsResponse> {
    Response::new(pb::SettingsResponse {
        settings: Some(pb::OrgSettings {
            document: serde_json::to_string(settings).expect("settings serialize"),
            updated_at: updated_at.map(timestamp),
        }),
    })
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
impl pb::settings_service_server::SettingsService for Portal {
    #[tracing::instrument(skip_all)]
    async fn get_settings(
        &self,
        request: Request<pb::GetSettingsRequest>,
    ) -> Result<Response<pb::SettingsResponse>, Status> {
        let principal = staff(&request)?;
        let (settings, updated_at) = settings::load_saved(&self.0, principal.org_id.0).await?;
        Ok(settings_response(&settings, updated_at))
    }

    #[tracing::instrument(skip_all)]
    async fn update_settings(
        &self,
        request: Request<pb::UpdateSettingsRequest>,
    ) -> Result<Response<pb::SettingsResponse>, Status> {
        let principal = staff(&request)?;
        let ip = client_ip(&request);
        let acting = Acting {
            principal: &principal,
            ip: &ip,
        };
        let (settings, updated_at) =
            settings::update(&self.0, &acting, &request.get_ref().patch).await?;
        Ok(settings_response(&settings, Some(updated_at)))
    }

    #[tracing::instrument(skip_all)]
    async fn get_branding(
        &self,
        request: Request<pb::GetBrandingRequest>,
    ) -> Result<Response<pb::BrandingResponse>, Status> {
        let s = settings::branding(&self.0, &request.get_ref().org_id).await?;
        Ok(Response::new(pb::BrandingResponse {
            branding: Some(branding(&s)),
        }))
    }
}

#[tonic::async_trait]
impl pb::customer_permission_service_server::CustomerPermissionService for Portal {
    #[tracing::instrument(skip_all)]
    async fn get_customer_permissions(
        &self,
        request: Request<pb::CustomerPermissionsRequest>,
    ) -> Result<Response<pb::CustomerPermissionsResponse>, Status> {
        let principal = staff(&request)?;
        let p = permissions::get(&self.0, &principal, &request.get_ref().customer_id).await?;
        Ok(permissions_response(p))
    }

    #[tracing::instrument(skip_all)]
    async fn set_customer_permissions(
        &self,
        request: Request<pb::SetCustomerPermissionsRequest>,
    ) -> Result<Response<pb::CustomerPermissionsResponse>, Status> {
        let principal = staff(&request)?;
        let ip = client_ip(&request);
        let r = request.into_inner();
        let o = r.overrides.unwrap_or_default();
        let overrides = OverrideRow {
            can_view_invoices: o.can_view_invoices,
            can_approve_work: o.can_approve_work,
            can_add_comments: o.can_add_comments,
            can_submit_requests: o.can_submit_requests,
        };
        let acting = Acting {
            principal: &principal,
            ip: &ip,
        };
        let p = permissions::set(&self.0, &acting, &r.customer_id, overrides).await?;
        Ok(permissions_response(p))
    }

    #[tracing::instrument(skip_all)]
    async fn get_my_permissions(
        &self,
        request: Request<pb::GetMyPermissionsRequest>,
    ) -> Result<Response<pb::CustomerPermissionsResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Customer)?;
        Ok(permissions_response(
            permissions::mine(&self.0, &principal).await?,
        ))
    }
}

#[tonic::async_trait]
impl pb::dashboard_service_server::DashboardService for Portal {
    #[tracing::instrument(skip_all)]
    async fn get_dashboard(
        &self,
        request: Request<pb::GetDashboardRequest>,
    ) -> Result<Response<pb::DashboardResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Customer)?;
        let d = dashboard::get(&self.0, &principal).await?;
        Ok(Response::new(pb::DashboardResponse {
            projects: d.projects.into_iter().map(Into::into).collect(),
            branding: Some(branding(&d.settings)),
            show_team_members: d.settings.show_team_members,
            features: Some(features(&d.settings)),
        }))
    }
}

#[tonic::async_trait]
impl pb::guest_gallery_service_server::GuestGalleryService for Portal {
    #[tracing::instrument(skip_all)]
    async fn open_gallery(
        &self,
        request: Request<pb::OpenGalleryRequest>,
    ) -> Result<Response<pb::OpenGalleryResponse>, Status> {
        let r = request.get_ref();
        let session = guests::open(&self.0, &r.org_id, &r.slug, &r.password).await?;
        Ok(Response::new(pb::OpenGalleryResponse {
            guest_token: session.token,
            max_age: session.max_age,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_guest_gallery(
        &self,
        request: Request<pb::GetGuestGalleryRequest>,
    ) -> Result<Response<pb::ProjectResponse>, Status> {
        let r = request.get_ref();
        let view = guests::read(&self.0, &r.org_id, &r.slug, &r.guest_token).await?;
        Ok(project_response(view))
    }
}

#[tonic::async_trait]
impl pb::erasure_service_server::ErasureService for Portal {
    #[tracing::instrument(skip_all)]
    async fn erase_customer(
        &self,
        request: Request<common::EraseCustomerRequest>,
    ) -> Result<Response<common::EraseCustomerResponse>, Status> {
        erasure::erase_customer(&self.0, request.get_ref()).await?;
        Ok(Response::new(common::EraseCustomerResponse {}))
    }
}
