//! Approvals (design/collaboration.md): deliverables with their revisions' files and their
//! history as staff and customers read them, and the bodies that change them. Names
//! (the creator, every step's actor) are identity's, asked once per answer.

use atrium_common::error::ApiError;
use atrium_proto::portal::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::comments::Names;
use super::requests::{Author, Person};
use super::{Id, Paging, Patch, Time, text, time};
use crate::extract::{ActsFor, Call};

/// An approval; `history` on single reads only (`files` too).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Approval {
    pub id: Id,
    pub project_id: Id,
    pub title: String,
    pub description: String,
    #[schemars(extend("enum" = ["draft", "pending", "approved", "changes_requested"]))]
    pub status: String,
    pub revision: i32,
    /// `YYYY-MM-DD`.
    pub due_on: Option<String>,
    pub files: Vec<ApprovalFile>,
    pub created_by: Person,
    pub created_at: Option<Time>,
    pub updated_at: Option<Time>,
    /// When a customer first read the current revision.
    pub viewed_at: Option<Time>,
    pub decided_at: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
}

/// What the pages ask of an approval.
impl Approval {
    pub fn status_is(&self, status: &str) -> bool {
        self.status == status
    }

    /// The files of the current revision.
    pub fn current_files(&self) -> Vec<&ApprovalFile> {
        self.files
            .iter()
            .filter(|f| f.revision == self.revision)
            .collect()
    }

    /// The files of earlier revisions, newest revision first.
    pub fn earlier_files(&self) -> Vec<&ApprovalFile> {
        let mut files: Vec<&ApprovalFile> = self
            .files
            .iter()
            .filter(|f| f.revision != self.revision)
            .collect();
        files.sort_by_key(|f| std::cmp::Reverse(f.revision));
        files
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ApprovalFile {
    pub id: Id,
    pub name: String,
    pub size: i64,
    pub content_type: String,
    /// The revision the file belongs to.
    pub revision: i32,
}

/// One step, timestamped and attributed.
#[derive(Debug, Serialize, JsonSchema)]
pub struct HistoryEntry {
    pub at: Option<Time>,
    pub actor: Author,
    #[schemars(extend("enum" = ["created", "file_added", "submitted", "viewed", "revision_submitted", "approved", "changes_requested", "commented"]))]
    pub action: String,
    pub revision: i32,
    /// The comment, feedback or revision note; a `file_added`'s file name.
    pub comment: Option<String>,
}

impl HistoryEntry {
    pub fn action_is(&self, action: &str) -> bool {
        self.action == action
    }
}

/// The body of `POST /api/admin/projects/{id}/approvals`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewApproval {
    pub title: String,
    pub description: Option<String>,
    /// `YYYY-MM-DD`.
    pub due_on: Option<String>,
}

/// The body of `PATCH /api/admin/approvals/{id}` (absent: unchanged; `null` due date:
/// none).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ApprovalPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub due_on: Patch<String>,
}

impl ApprovalPatch {
    pub fn request(self, approval_id: String) -> pb::UpdateApprovalRequest {
        pb::UpdateApprovalRequest {
            approval_id,
            title: self.title,
            description: self.description,
            due_on: self.due_on.text(),
        }
    }
}

/// The body of a new revision.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct NewRevision {
    /// What changed, for the history.
    pub comment: Option<String>,
}

/// The body of a customer's decision.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Response {
    #[schemars(extend("enum" = ["approve", "request_changes"]))]
    pub decision: String,
    /// Required to request changes.
    pub comment: Option<String>,
}

/// The query of the approval lists (`project_id`: staff only).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ApprovalFilter {
    #[schemars(extend("enum" = ["draft", "pending", "approved", "changes_requested"]))]
    pub status: Option<String>,
    pub project_id: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}

impl ApprovalFilter {
    pub fn request(self) -> Result<pb::ListApprovalsRequest, ApiError> {
        let (page_size, page_token) = self.paging.size_and_token()?;
        Ok(pb::ListApprovalsRequest {
            status: self.status.unwrap_or_default(),
            project_id: self.project_id.unwrap_or_default(),
            page_size,
            page_token,
        })
    }
}

/// The approvals with their people's names (`whole`: with the history).
pub async fn named<S: ActsFor>(
    call: &Call<S>,
    approvals: Vec<pb::Approval>,
    whole: bool,
) -> Result<Vec<Approval>, ApiError> {
    let mut people = Vec::new();
    for a in &approvals {
        people.push(("staff", a.created_by.as_str()));
        if whole {
            people.extend(
                a.history
                    .iter()
                    .map(|h| (h.actor_kind.as_str(), h.actor_id.as_str())),
            );
        }
    }
    let names = Names::of(call, people).await?;
    Ok(approvals
        .into_iter()
        .map(|a| Approval {
            created_by: Person {
                name: names.name("staff", &a.created_by),
                id: a.created_by.into(),
            },
            history: whole.then(|| {
                a.history
                    .into_iter()
                    .map(|h| HistoryEntry {
                        at: time(h.at.as_ref()),
                        actor: names.author(h.actor_kind, &h.actor_id),
                        action: h.action,
                        revision: h.revision,
                        comment: h.comment,
                    })
                    .collect()
            }),
            files: a
                .files
                .into_iter()
                .map(|f| ApprovalFile {
                    id: f.id.into(),
                    name: f.name,
                    size: f.size,
                    content_type: f.content_type,
                    revision: f.revision,
                })
                .collect(),
            id: a.id.into(),
            project_id: a.project_id.into(),
            title: a.title,
            description: a.description,
            status: a.status,
            revision: a.revision,
            due_on: text(&a.due_on),
            created_at: time(a.created_at.as_ref()),
            updated_at: time(a.updated_at.as_ref()),
            viewed_at: time(a.viewed_at.as_ref()),
            decided_at: time(a.decided_at.as_ref()),
        })
        .collect())
}

/// One approval with its history.
pub async fn one<S: ActsFor>(
    call: &Call<S>,
    response: pb::ApprovalResponse,
) -> Result<Approval, ApiError> {
    let approval = response.approval.unwrap_or_default();
    let mut named = named(call, vec![approval], true).await?;
    Ok(named.pop().expect("one approval in, one out"))
}

/// A file's upload: only its `file` part.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct NewApprovalFile {}
