//! Documents and document types as the API writes them (`design/documents.md`).

use atrium_proto::documents::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Id, Patch, Time, text, time};

/// A document's current file.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FileInfo {
    pub name: String,
    pub size: i64,
    /// Sniffed from the bytes.
    pub content_type: String,
    /// Hex; the download's `ETag`.
    pub sha256: String,
}

impl From<pb::FileInfo> for FileInfo {
    fn from(f: pb::FileInfo) -> FileInfo {
        FileInfo {
            name: f.name,
            size: f.size,
            content_type: f.content_type,
            sha256: f.sha256,
        }
    }
}

/// A document type.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DocumentType {
    pub id: Id,
    pub name: String,
    /// A document of this type is approved before it is published.
    pub requires_approval: bool,
}

impl From<pb::DocumentType> for DocumentType {
    fn from(t: pb::DocumentType) -> DocumentType {
        DocumentType {
            id: t.id.into(),
            name: t.name,
            requires_approval: t.requires_approval,
        }
    }
}

/// Who did a step: a staff member, a customer or the service itself.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Actor {
    #[schemars(extend("enum" = ["staff", "customer", "service"]))]
    pub kind: String,
    pub id: Option<Id>,
    /// Empty when the member is no longer active staff.
    pub name: String,
}

/// One step of a document's history.
#[derive(Debug, Serialize, JsonSchema)]
pub struct HistoryStep {
    pub at: Option<Time>,
    /// created, new_version, submit, approve, reject, reopen, publish, unpublish
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: Actor,
    pub reason: Option<String>,
    pub version: i32,
}

/// A document; `history` on single staff reads only.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Document {
    pub id: Id,
    pub project_id: Id,
    pub title: String,
    pub description: String,
    pub document_type: Option<DocumentType>,
    #[schemars(extend("enum" = ["draft", "pending", "approved", "published", "rejected"]))]
    pub status: String,
    pub version: i32,
    pub file: FileInfo,
    pub created_at: Option<Time>,
    pub updated_at: Option<Time>,
    pub published_at: Option<Time>,
    /// When it was last sent by share link (null: never), and how often.
    pub sent_at: Option<Time>,
    pub sent_count: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryStep>>,
}

impl Document {
    /// The document; `whole` adds its history (names resolved by `name_of`).
    pub fn of(d: pb::Document, whole: bool, name_of: impl Fn(&str) -> String) -> Document {
        let history = whole.then(|| {
            d.history
                .into_iter()
                .map(|h| {
                    let actor = h.actor.unwrap_or_default();
                    HistoryStep {
                        at: time(h.at.as_ref()),
                        action: h.action,
                        from_status: text(&h.from_status),
                        to_status: h.to_status,
                        actor: Actor {
                            name: name_of(&actor.id),
                            id: text(&actor.id).map(Id),
                            kind: actor.kind,
                        },
                        reason: text(&h.reason),
                        version: h.version,
                    }
                })
                .collect()
        });
        Document {
            id: d.id.into(),
            project_id: d.project_id.into(),
            title: d.title,
            description: d.description,
            document_type: d.document_type.map(Into::into),
            status: d.status,
            version: d.version,
            file: d.file.unwrap_or_default().into(),
            created_at: time(d.created_at.as_ref()),
            updated_at: time(d.updated_at.as_ref()),
            published_at: time(d.published_at.as_ref()),
            sent_at: time(d.sent_at.as_ref()),
            sent_count: d.sent_count,
            history,
        }
    }
}

/// A published document as its customers see it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CustomerDocument {
    pub id: Id,
    pub project_id: Id,
    pub title: String,
    pub description: String,
    pub document_type: Option<DocumentType>,
    pub version: i32,
    pub file: FileInfo,
    pub published_at: Option<Time>,
}

impl From<pb::Document> for CustomerDocument {
    fn from(d: pb::Document) -> CustomerDocument {
        CustomerDocument {
            id: d.id.into(),
            project_id: d.project_id.into(),
            title: d.title,
            description: d.description,
            document_type: d.document_type.map(Into::into),
            version: d.version,
            file: d.file.unwrap_or_default().into(),
            published_at: time(d.published_at.as_ref()),
        }
    }
}

/// The text fields of a new document's upload (before its `file` part).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct NewDocument {
    /// Default: the file name.
    pub title: Option<String>,
    pub description: Option<String>,
    pub document_type_id: Option<String>,
}

/// A new version's upload: only its `file` part.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct NewVersion {}

/// A document's changes (absent: unchanged; `document_type_id: null`: no type).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct DocumentPatch {
    pub title: Patch<String>,
    pub description: Patch<String>,
    pub document_type_id: Patch<Id>,
}

impl DocumentPatch {
    pub fn into_request(
        self,
        document_id: String,
    ) -> Result<pb::UpdateDocumentRequest, atrium_common::error::ApiError> {
        Ok(pb::UpdateDocumentRequest {
            document_id,
            title: self.title.required("title", "cannot be null")?,
            description: self.description.text(),
            document_type_id: self
                .document_type_id
                .into_option()
                .map(|id| id.map(|id| id.0).unwrap_or_default()),
        })
    }
}

/// Why a document is rejected.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Rejection {
    pub reason: String,
}

/// One download of a document.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DownloadEntry {
    pub at: Option<Time>,
    /// `null`: erased since, or not a customer.
    pub customer: Option<DownloadCustomer>,
    /// The share link it came through, if any.
    pub link_id: Option<Id>,
    pub ip: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DownloadCustomer {
    pub id: Id,
    pub name: String,
    pub email: String,
}

/// A new document type.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewDocumentType {
    pub name: String,
    #[serde(default)]
    pub requires_approval: bool,
}

/// A document type's changes (absent: unchanged).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct DocumentTypePatch {
    pub name: Patch<String>,
    pub requires_approval: Patch<bool>,
}
