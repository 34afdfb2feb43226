//! The portal's gRPC handlers: each decodes a request into a domain call and encodes the
//! answer, one file per group of services. Each call already runs in the gate's
//! `grpc.request` span (service, RPC path, status), so handlers open none of their own.

mod approvals;
mod comments;
mod customers;
mod guests;
mod projects;
mod requests;
mod settings;

use atrium_common::auth::{Principal, SubjectKind, client_ip};
use atrium_common::grpc::timestamp;
use atrium_proto::portal::v1 as pb;
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::audit::Acting;
use crate::project::{Card, Phase, Project, ProjectView};
use crate::team::Member;

#[derive(Clone)]
pub struct Portal(pub AppState);

impl From<Phase> for pb::Phase {
    fn from(phase: Phase) -> pb::Phase {
        pb::Phase {
            id: phase.phase_id.to_string(),
            name: phase.name,
            position: phase.position,
            status: phase.status.as_str().to_owned(),
            percent_complete: phase.percent_complete,
        }
    }
}

impl From<Project> for pb::Project {
    fn from(p: Project) -> pb::Project {
        pb::Project {
            id: p.project_id.to_string(),
            org_id: p.org_id.to_string(),
            kind: p.kind.as_str().to_owned(),
            has_guest_password: p.guest_password_hash.is_some(),
            name: p.name,
            slug: p.slug,
            description: p.description,
            starts_on: p.starts_on.unwrap_or_default(),
            ends_on: p.ends_on.unwrap_or_default(),
            status: p.status.as_str().to_owned(),
            cover_url: p.cover_url.unwrap_or_default(),
            cover_item_id: p.cover_item_id.unwrap_or_default(),
            progress: p.progress,
            phases: Vec::new(),
            team: Vec::new(),
            created_at: Some(timestamp(p.created_at)),
            updated_at: Some(timestamp(p.updated_at)),
        }
    }
}

impl From<Card> for pb::ProjectCard {
    fn from(card: Card) -> pb::ProjectCard {
        pb::ProjectCard {
            id: card.project_id.to_string(),
            kind: card.kind.as_str().to_owned(),
            name: card.name,
            starts_on: card.starts_on.unwrap_or_default(),
            ends_on: card.ends_on.unwrap_or_default(),
            status: card.status.as_str().to_owned(),
            cover_url: crate::project::customer_cover(
                card.cover_url,
                card.cover_item_id.as_deref(),
            )
            .unwrap_or_default(),
            progress: card.progress,
        }
    }
}

impl From<Member> for pb::TeamMember {
    fn from(member: Member) -> pb::TeamMember {
        pb::TeamMember {
            staff_id: member.staff.id,
            role_title: member.role_title,
            name: member.staff.name,
            title: member.staff.title,
            email: member.staff.email,
            phone: member.staff.phone,
        }
    }
}

fn project_response(view: ProjectView) -> Response<pb::ProjectResponse> {
    let mut project = pb::Project::from(view.project);
    project.phases = view.phases.into_iter().map(Into::into).collect();
    project.team = view.team.into_iter().map(Into::into).collect();
    Response::new(pb::ProjectResponse {
        project: Some(project),
    })
}

fn list_response(
    projects: Vec<Project>,
    next_page_token: String,
) -> Response<pb::ListProjectsResponse> {
    Response::new(pb::ListProjectsResponse {
        items: projects.into_iter().map(Into::into).collect(),
        next_page_token,
    })
}

/// The staff member a request is made for.
fn staff<T>(request: &Request<T>) -> Result<Principal, Status> {
    Principal::require(request, SubjectKind::Staff)
}

/// The customer a request is made for.
fn customer<T>(request: &Request<T>) -> Result<Principal, Status> {
    Principal::require(request, SubjectKind::Customer)
}

/// The staff member making a change, with their client address for the audit trail.
fn acting<T>(request: &Request<T>) -> Result<Acting, Status> {
    Ok(Acting {
        principal: staff(request)?,
        ip: client_ip(request),
    })
}

/// The customer acting, with their client address for the audit trail.
fn customer_acting<T>(request: &Request<T>) -> Result<Acting, Status> {
    Ok(Acting {
        principal: customer(request)?,
        ip: client_ip(request),
    })
}
