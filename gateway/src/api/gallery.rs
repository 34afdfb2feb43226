//! Gallery items as the API writes them (`design/documents.md`, Gallery items).

use atrium_proto::documents::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Id, Patch, Time, time};

/// A photo of a project or gallery.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Item {
    pub id: Id,
    pub project_id: Id,
    pub caption: String,
    /// internal: staff only; client: also the assigned customers; public: also guests.
    #[schemars(extend("enum" = ["internal", "client", "public"]))]
    pub visibility: String,
    pub position: i32,
    /// Upright, as the renditions show it.
    pub width: i32,
    pub height: i32,
    pub content_type: String,
    pub size: i64,
    pub taken_at: Option<Time>,
    pub created_at: Option<Time>,
}

impl From<pb::Item> for Item {
    fn from(i: pb::Item) -> Item {
        Item {
            id: i.id.into(),
            project_id: i.project_id.into(),
            caption: i.caption,
            visibility: i.visibility,
            position: i.position,
            width: i.width,
            height: i.height,
            content_type: i.content_type,
            size: i.size,
            taken_at: time(i.taken_at.as_ref()),
            created_at: time(i.created_at.as_ref()),
        }
    }
}

/// The text fields of a photo's upload (before its `file` part).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct NewItem {
    pub caption: Option<String>,
    /// Default: client.
    #[schemars(extend("enum" = ["internal", "client", "public"]))]
    pub visibility: Option<String>,
}

/// A photo's changes (absent: unchanged).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ItemPatch {
    pub caption: Patch<String>,
    #[schemars(extend("enum" = ["internal", "client", "public", null]))]
    pub visibility: Patch<String>,
    #[schemars(range(min = 1))]
    pub position: Patch<i32>,
}

/// A visibility for many photos of one project at once.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct BulkVisibility {
    pub item_ids: Vec<Id>,
    #[schemars(extend("enum" = ["internal", "client", "public"]))]
    pub visibility: String,
}
