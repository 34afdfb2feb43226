//! Projects and galleries with their phases: what they are, their SQL (`store`), staff
//! managing them (`manage`) and their phases (`phases`).

mod cover;
pub mod manage;
pub mod phases;
pub mod store;

use atrium_common::ids::{OrgId, PhaseId, ProjectId};
use chrono::{DateTime, Utc};

use crate::error::PortalError;
use crate::team::Member;

atrium_common::text_enum! {
    /// What a project is: a project with phases, or a gallery guests may open.
    pub enum ProjectKind {
        Project = "project",
        Gallery = "gallery",
    }
}

atrium_common::text_enum! {
    pub enum ProjectStatus {
        Active = "active",
        Completed = "completed",
        Archived = "archived",
    }
}

atrium_common::text_enum! {
    pub enum PhaseStatus {
        Pending = "pending",
        InProgress = "in_progress",
        Done = "done",
    }
}

/// A project or gallery of an organization.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Project {
    pub project_id: ProjectId,
    pub org_id: OrgId,
    #[sqlx(try_from = "String")]
    pub kind: ProjectKind,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ProjectStatus,
    pub cover_url: Option<String>,
    /// One of its gallery items, the cover customers see (its thumb).
    pub cover_item_id: Option<String>,
    pub guest_password_hash: Option<String>,
    pub guest_password_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The rounded mean of the phases' percent_complete, 0 without phases.
    pub progress: i32,
}

impl Project {
    /// Whether guests may open it with a password.
    pub fn open_to_guests(&self) -> bool {
        self.kind == ProjectKind::Gallery && self.guest_password_hash.is_some()
    }

    /// The project as customers see it: `cover_url` is what their dashboard shows.
    pub fn for_customers(mut self) -> Project {
        self.cover_url = customer_cover(self.cover_url.take(), self.cover_item_id.as_deref());
        self
    }

    /// The project as a guest sees it: the cover photo is for signed-in customers.
    pub fn for_guests(mut self) -> Project {
        self.cover_item_id = None;
        self
    }
}

/// A phase of a project.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Phase {
    pub phase_id: PhaseId,
    pub project_id: ProjectId,
    pub name: String,
    pub position: i32,
    #[sqlx(try_from = "String")]
    pub status: PhaseStatus,
    pub percent_complete: i32,
}

/// What the customer's dashboard shows of an assigned project.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Card {
    pub project_id: ProjectId,
    #[sqlx(try_from = "String")]
    pub kind: ProjectKind,
    pub name: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ProjectStatus,
    pub cover_url: Option<String>,
    pub cover_item_id: Option<String>,
    pub progress: i32,
}

/// The cover customers see: the cover photo's thumb through their own route (authorized
/// on each request) when there is one, else the external https image, if any.
pub fn customer_cover(cover_url: Option<String>, cover_item_id: Option<&str>) -> Option<String> {
    match cover_item_id {
        Some(item) => Some(format!("/api/customer/gallery/{item}/thumb")),
        None => cover_url,
    }
}

/// A project with its phases, as single reads answer it.
pub struct ProjectView {
    pub project: Project,
    pub phases: Vec<Phase>,
    pub team: Vec<Member>,
}

/// The project a path names; any text that is not an id is a project that does not exist.
pub fn parse_project_id(text: &str) -> Result<ProjectId, PortalError> {
    ProjectId::parse(text).ok_or(PortalError::ProjectNotFound)
}

/// The phase a path names, likewise.
pub fn parse_phase_id(text: &str) -> Result<PhaseId, PortalError> {
    PhaseId::parse(text).ok_or(PortalError::PhaseNotFound)
}

/// A project with its phases, without its team.
pub use cover::forget_item;

pub async fn with_phases(
    state: &crate::AppState,
    project: Project,
) -> Result<ProjectView, PortalError> {
    let phases = store::phases_of(&state.db, project.org_id, project.project_id).await?;
    Ok(ProjectView {
        project,
        phases,
        team: Vec::new(),
    })
}
