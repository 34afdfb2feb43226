//! Projects and galleries, their phases and teams, as the API writes them.

use atrium_proto::portal::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::people::Contact;
use super::{Id, Patch, Time, text, time};

/// A project or gallery as its customers and guests see it; lists leave out `phases`
/// and `team`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Project {
    pub id: Id,
    #[schemars(extend("enum" = ["project", "gallery"]))]
    pub kind: String,
    pub name: String,
    pub slug: String,
    pub description: String,
    #[schemars(extend("format" = "date"))]
    pub starts_on: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub ends_on: Option<String>,
    #[schemars(extend("enum" = ["active", "completed", "archived"]))]
    pub status: String,
    pub cover_url: Option<String>,
    /// The rounded mean of the phases' `percent_complete`.
    #[schemars(range(min = 0, max = 100))]
    pub progress: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phases: Option<Vec<Phase>>,
    /// Shown while the organization shows team members.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<Vec<Member>>,
}

impl Project {
    /// The project; `whole` (single reads) adds its phases and team.
    pub fn of(p: pb::Project, whole: bool) -> Project {
        Project {
            id: p.id.into(),
            starts_on: text(&p.starts_on),
            ends_on: text(&p.ends_on),
            cover_url: text(&p.cover_url),
            phases: whole.then(|| p.phases.into_iter().map(Phase::from).collect()),
            team: whole.then(|| p.team.into_iter().map(Member::from).collect()),
            kind: p.kind,
            name: p.name,
            slug: p.slug,
            description: p.description,
            status: p.status,
            progress: p.progress,
        }
    }
}

/// A project or gallery as staff see it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StaffProject {
    #[serde(flatten)]
    pub project: Project,
    pub has_guest_password: bool,
    /// The cover photo customers see (its thumb is their `cover_url`).
    pub cover_item_id: Option<Id>,
    pub created_at: Option<Time>,
    pub updated_at: Option<Time>,
}

impl StaffProject {
    pub fn of(p: pb::Project, whole: bool) -> StaffProject {
        StaffProject {
            has_guest_password: p.has_guest_password,
            cover_item_id: text(&p.cover_item_id).map(Id::from),
            created_at: time(p.created_at.as_ref()),
            updated_at: time(p.updated_at.as_ref()),
            project: Project::of(p, whole),
        }
    }
}

/// One phase of a project.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Phase {
    pub id: Id,
    pub name: String,
    pub position: i32,
    #[schemars(extend("enum" = ["pending", "in_progress", "done"]))]
    pub status: String,
    #[schemars(range(min = 0, max = 100))]
    pub percent_complete: i32,
}

impl From<pb::Phase> for Phase {
    fn from(phase: pb::Phase) -> Phase {
        Phase {
            id: phase.id.into(),
            name: phase.name,
            position: phase.position,
            status: phase.status,
            percent_complete: phase.percent_complete,
        }
    }
}

/// A member of a project's team.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Member {
    #[serde(flatten)]
    pub contact: Contact,
    pub staff_id: Id,
    pub role_title: Option<String>,
}

impl From<pb::TeamMember> for Member {
    fn from(m: pb::TeamMember) -> Member {
        Member {
            contact: Contact::new(&m.name, &m.title, &m.email, &m.phone),
            staff_id: m.staff_id.into(),
            role_title: text(&m.role_title),
        }
    }
}

/// A project's team.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Team {
    pub members: Vec<Member>,
}

/// A project's card on the customer's dashboard.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Card {
    pub id: Id,
    pub name: String,
    #[schemars(extend("enum" = ["project", "gallery"]))]
    pub kind: String,
    #[schemars(extend("format" = "date"))]
    pub starts_on: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub ends_on: Option<String>,
    pub status: String,
    pub cover_url: Option<String>,
    pub progress: i32,
}

impl From<pb::ProjectCard> for Card {
    fn from(p: pb::ProjectCard) -> Card {
        Card {
            id: p.id.into(),
            starts_on: text(&p.starts_on),
            ends_on: text(&p.ends_on),
            cover_url: text(&p.cover_url),
            name: p.name,
            kind: p.kind,
            status: p.status,
            progress: p.progress,
        }
    }
}

/// The answer of a reconcile: what was added, what removed, what is there now.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Reconciled {
    pub added: Vec<Id>,
    pub removed: Vec<Id>,
    pub current: Vec<Id>,
}

impl From<pb::Reconciled> for Reconciled {
    fn from(r: pb::Reconciled) -> Reconciled {
        let ids = |ids: Vec<String>| ids.into_iter().map(Id).collect();
        Reconciled {
            added: ids(r.added),
            removed: ids(r.removed),
            current: ids(r.current),
        }
    }
}

/// A new project or gallery.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewProject {
    pub name: String,
    #[schemars(extend("enum" = ["project", "gallery"]))]
    pub kind: String,
    /// Derived from the name when absent.
    pub slug: Option<String>,
    pub description: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub starts_on: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub ends_on: Option<String>,
    #[schemars(extend("enum" = ["active", "completed", "archived"]))]
    pub status: Option<String>,
    pub cover_url: Option<String>,
    /// Galleries only: the password guests open it with.
    pub guest_password: Option<String>,
}

impl From<NewProject> for pb::CreateProjectRequest {
    fn from(body: NewProject) -> pb::CreateProjectRequest {
        pb::CreateProjectRequest {
            name: body.name,
            kind: body.kind,
            slug: body.slug.unwrap_or_default(),
            description: body.description.unwrap_or_default(),
            starts_on: body.starts_on.unwrap_or_default(),
            ends_on: body.ends_on.unwrap_or_default(),
            status: body.status.unwrap_or_default(),
            cover_url: body.cover_url.unwrap_or_default(),
            guest_password: body.guest_password.unwrap_or_default(),
        }
    }
}

/// A project PATCH; a new guest password (or `null`) ends every guest's access.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ProjectPatch {
    pub name: Patch<String>,
    pub slug: Patch<String>,
    pub description: Patch<String>,
    #[schemars(extend("format" = "date"))]
    pub starts_on: Patch<String>,
    #[schemars(extend("format" = "date"))]
    pub ends_on: Patch<String>,
    #[schemars(extend("enum" = ["active", "completed", "archived", null]))]
    pub status: Patch<String>,
    pub cover_url: Patch<String>,
    pub guest_password: Patch<String>,
    /// One of the project's photos that customers can see (`client` or `public`), their
    /// dashboard's cover; `null` or `""` removes it.
    pub cover_item_id: Patch<String>,
}

impl ProjectPatch {
    pub fn into_request(self, project_id: String) -> pb::UpdateProjectRequest {
        pb::UpdateProjectRequest {
            project_id,
            name: self.name.text(),
            slug: self.slug.text(),
            description: self.description.text(),
            starts_on: self.starts_on.text(),
            ends_on: self.ends_on.text(),
            status: self.status.text(),
            cover_url: self.cover_url.text(),
            guest_password: self.guest_password.text(),
            cover_item_id: self.cover_item_id.text(),
        }
    }
}

/// A new phase.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewPhase {
    pub name: String,
    #[serde(default)]
    #[schemars(range(min = 0, max = 10000))]
    pub position: i32,
    #[schemars(extend("enum" = ["pending", "in_progress", "done"]))]
    pub status: Option<String>,
    #[serde(default)]
    #[schemars(range(min = 0, max = 100))]
    pub percent_complete: i32,
}

/// A phase PATCH.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct PhasePatch {
    pub name: Option<String>,
    #[schemars(range(min = 0, max = 10000))]
    pub position: Option<i32>,
    #[schemars(extend("enum" = ["pending", "in_progress", "done"]))]
    pub status: Option<String>,
    #[schemars(range(min = 0, max = 100))]
    pub percent_complete: Option<i32>,
}

/// A project's team, in order.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewTeam {
    #[schemars(length(max = 100))]
    pub members: Vec<NewMember>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewMember {
    pub staff_id: Id,
    pub role_title: Option<String>,
}

/// The customers a project is assigned to.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct CustomerIds {
    #[schemars(length(max = 1000))]
    pub customer_ids: Vec<Id>,
}

/// The projects a customer is assigned.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ProjectIds {
    #[schemars(length(max = 1000))]
    pub project_ids: Vec<Id>,
}
