//! The SQL of gallery items. Every statement names the organization; a list for a tier
//! names the visibilities that tier may see, so the filter is in the query itself.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{FileId, OrgId, ProjectId};
use atrium_common::sql;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A gallery item with its original and renditions, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ItemRow {
    pub item_id: Uuid,
    pub org_id: OrgId,
    pub project_id: ProjectId,
    pub caption: String,
    pub visibility: String,
    pub position: i32,
    pub width: i32,
    pub height: i32,
    pub content_type: String,
    pub file_name: String,
    pub size: i64,
    pub sha256: String,
    pub file_id: FileId,
    pub thumb_file_id: FileId,
    pub thumb_size: i64,
    pub thumb_sha256: String,
    pub preview_file_id: FileId,
    pub preview_size: i64,
    pub preview_sha256: String,
    pub taken_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl ItemRow {
    /// Its three files.
    pub fn files(&self) -> [FileId; 3] {
        [self.file_id, self.thumb_file_id, self.preview_file_id]
    }
}

const COLUMNS: &str = "item_id, org_id, project_id, caption, visibility, position, width, height, \
     content_type, file_name, size, sha256, file_id, thumb_file_id, thumb_size, thumb_sha256, \
     preview_file_id, preview_size, preview_sha256, taken_at, created_at";

/// Inserts the item at the end of its project's gallery; answers its position.
pub async fn insert_item(tx: &mut Tx, i: &ItemRow) -> Result<i32, sqlx::Error> {
    let position: (i32,) = sql!(tx tx, query_as(
        "select coalesce(max(position), 0) + 1 from gallery_item \
         where org_id = $1 and project_id = $2"
    ) [i.org_id, i.project_id] fetch_one)?;
    sql!(tx tx, query(
        "insert into gallery_item (item_id, org_id, project_id, caption, visibility, position, \
         width, height, content_type, file_name, size, sha256, file_id, thumb_file_id, \
         thumb_size, thumb_sha256, preview_file_id, preview_size, preview_sha256, taken_at, \
         created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17, $18, $19, $20, $21)"
    ) [
        i.item_id, i.org_id, i.project_id, &i.caption, &i.visibility, position.0, i.width,
        i.height, &i.content_type, &i.file_name, i.size, &i.sha256, i.file_id,
        i.thumb_file_id, i.thumb_size, &i.thumb_sha256, i.preview_file_id, i.preview_size,
        &i.preview_sha256, i.taken_at, i.created_at,
    ] execute)?;
    Ok(position.0)
}

pub async fn find_item(
    db: &Db,
    org_id: OrgId,
    item_id: Uuid,
) -> Result<Option<ItemRow>, sqlx::Error> {
    let select = format!("select {COLUMNS} from gallery_item where org_id = $1 and item_id = $2");
    sql!(db db, query_as::<_, ItemRow>(sqlx::AssertSqlSafe(select)) [org_id, item_id] fetch_optional)
}

/// Who looks at a gallery: what each may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Staff,
    Customer,
    Guest,
}

impl Viewer {
    /// Whether an item of `visibility` is shown to this viewer.
    pub fn sees(self, visibility: &str) -> bool {
        match self {
            Viewer::Staff => true,
            Viewer::Customer => matches!(visibility, "client" | "public"),
            Viewer::Guest => visibility == "public",
        }
    }
}

/// A project's items that `viewer` may see, by position.
pub async fn list_items(
    db: &Db,
    (org_id, project_id): (OrgId, ProjectId),
    viewer: Viewer,
) -> Result<Vec<ItemRow>, sqlx::Error> {
    let seen = match viewer {
        Viewer::Staff => "",
        Viewer::Customer => " and visibility in ('client', 'public')",
        Viewer::Guest => " and visibility = 'public'",
    };
    let select = format!(
        "select {COLUMNS} from gallery_item where org_id = $1 and project_id = $2{seen} \
         order by position, created_at, item_id"
    );
    sql!(db db, query_as::<_, ItemRow>(sqlx::AssertSqlSafe(select)) [org_id, project_id] fetch_all)
}

/// Writes the item's caption, visibility and position as `i` has them.
pub async fn update_item(tx: &mut Tx, i: &ItemRow) -> Result<bool, sqlx::Error> {
    sql!(tx tx, query(
        "update gallery_item set caption = $3, visibility = $4, position = $5 \
         where org_id = $1 and item_id = $2"
    ) [i.org_id, i.item_id, &i.caption, &i.visibility, i.position] execute)
    .map(|updated| updated == 1)
}

/// Sets one item's visibility, if it is one of the project's; false when it is not.
pub async fn set_visibility(
    tx: &mut Tx,
    (org_id, project_id): (OrgId, ProjectId),
    item_id: Uuid,
    visibility: &str,
) -> Result<bool, sqlx::Error> {
    sql!(tx tx, query(
        "update gallery_item set visibility = $4 \
         where org_id = $1 and project_id = $2 and item_id = $3"
    ) [org_id, project_id, item_id, visibility] execute)
    .map(|updated| updated == 1)
}

pub async fn delete_item(tx: &mut Tx, org_id: OrgId, item_id: Uuid) -> Result<bool, sqlx::Error> {
    sql!(tx tx, query(
        "delete from gallery_item where org_id = $1 and item_id = $2"
    ) [org_id, item_id] execute)
    .map(|deleted| deleted == 1)
}

/// Deletes a project's items; the ids of their files, for the storage.
pub async fn delete_project_items(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
) -> Result<Vec<FileId>, sqlx::Error> {
    let select =
        format!("select {COLUMNS} from gallery_item where org_id = $1 and project_id = $2");
    let items: Vec<ItemRow> = sql!(tx tx, query_as::<_, ItemRow>(sqlx::AssertSqlSafe(select)) [org_id, project_id] fetch_all)?;
    sql!(tx tx, query(
        "delete from gallery_item where org_id = $1 and project_id = $2"
    ) [org_id, project_id] execute)?;
    Ok(items.iter().flat_map(ItemRow::files).collect())
}

/// Whether an item holds the file (the storage sweep keeps such objects).
pub async fn file_is_used(db: &Db, org_id: OrgId, file_id: FileId) -> Result<bool, sqlx::Error> {
    let found: Option<(i32,)> = sql!(db db, query_as(
        "select 1 from gallery_item where org_id = $1 \
         and (file_id = $2 or thumb_file_id = $2 or preview_file_id = $2)"
    ) [org_id, file_id] fetch_optional)?;
    Ok(found.is_some())
}
