//! Gallery items: a project's photos with a caption, a place and a visibility
//! (`internal`: staff only, `client`: also the assigned customers, `public`: also
//! guests with the gallery's password), each with its renditions. Staff reach them
//! through a project the portal says is theirs (`here`); customers and guests through
//! `viewers`, asked of the portal on every request, renditions included.

pub mod renditions;
pub mod store;
pub mod viewers;
mod zip;

use atrium_common::auth::Principal;
use atrium_common::ids::{FileId, ProjectId};
use atrium_common::outbox::Acting;
use bytes::Bytes;
use futures_util::stream::{self, Stream, StreamExt};
use uuid::Uuid;

use crate::AppState;
use crate::document::FileBytes;
use crate::error::DocumentsError;
use crate::storage::{Allowed, ObjectKey, Stored};
use renditions::RenditionError;
use store::{ItemRow, Viewer};

/// What a new item gets besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct NewItem {
    pub project_id: String,
    pub caption: String,
    pub visibility: String,
    pub file_name: String,
}

/// What a PATCH changes (`None`: as it is).
#[derive(Debug, Clone, Default)]
pub struct ItemChange {
    pub caption: Option<String>,
    pub visibility: Option<String>,
    pub position: Option<i32>,
}

/// One of an item's files, described for a download.
#[derive(Debug, Clone)]
pub struct RenditionFile {
    pub name: String,
    pub size: i64,
    pub content_type: String,
    pub sha256: String,
    pub key: ObjectKey,
}

fn invalid(field: &'static str, problem: &'static str) -> DocumentsError {
    DocumentsError::InvalidField { field, problem }
}

fn visibility(text: &str) -> Result<String, DocumentsError> {
    match text.trim() {
        "" => Ok("client".to_owned()),
        v @ ("internal" | "client" | "public") => Ok(v.to_owned()),
        _ => Err(invalid("visibility", "must be internal, client or public")),
    }
}

fn caption(text: &str) -> Result<String, DocumentsError> {
    let text = text.trim();
    if text.chars().count() > 1000 {
        return Err(invalid("caption", "must be at most 1000 characters"));
    }
    Ok(text.to_owned())
}

fn key_of(row: &ItemRow, file: FileId) -> ObjectKey {
    ObjectKey {
        org_id: row.org_id.0,
        file_id: file.0,
    }
}

/// One of the item's renditions: `thumb`, `preview` or `original`.
pub fn rendition(row: &ItemRow, name: &str) -> Result<RenditionFile, DocumentsError> {
    let stem = row
        .file_name
        .rsplit_once('.')
        .map_or(row.file_name.as_str(), |(stem, _)| stem);
    let (file, size, sha256, name, content_type) = match name {
        "original" => (
            row.file_id,
            row.size,
            &row.sha256,
            row.file_name.clone(),
            row.content_type.clone(),
        ),
        "thumb" => (
            row.thumb_file_id,
            row.thumb_size,
            &row.thumb_sha256,
            format!("{stem}-thumb.jpg"),
            "image/jpeg".to_owned(),
        ),
        "preview" => (
            row.preview_file_id,
            row.preview_size,
            &row.preview_sha256,
            format!("{stem}-preview.jpg"),
            "image/jpeg".to_owned(),
        ),
        _ => return Err(DocumentsError::ItemNotFound),
    };
    Ok(RenditionFile {
        name,
        size,
        content_type,
        sha256: sha256.clone(),
        key: key_of(row, file),
    })
}

/// The rendition's bytes (or `range` of them, within the file).
pub async fn read(
    state: &AppState,
    file: &RenditionFile,
    range: Option<std::ops::Range<u64>>,
) -> Result<FileBytes, DocumentsError> {
    Ok(state
        .storage
        .get_within(&file.key, file.size, range)
        .await?)
}

pub async fn find(
    state: &AppState,
    principal: &Principal,
    item_id: &str,
) -> Result<ItemRow, DocumentsError> {
    let id = Uuid::parse_str(item_id).map_err(|_| DocumentsError::ItemNotFound)?;
    let row = store::find_item(&state.db, principal.org_id, id)
        .await?
        .ok_or(DocumentsError::ItemNotFound)?;
    match crate::projects::staff(state, principal, row.project_id).await {
        Err(DocumentsError::ProjectNotFound) => Err(DocumentsError::ItemNotFound),
        other => other.map(|()| row),
    }
}

/// The whole object, for decoding (an upload was at most the storage's limit).
async fn whole(state: &AppState, key: &ObjectKey) -> Result<Vec<u8>, DocumentsError> {
    let mut bytes = Vec::new();
    let mut chunks = state.storage.get(key, None).await?;
    while let Some(chunk) = chunks.next().await {
        bytes.extend_from_slice(&chunk?);
    }
    Ok(bytes)
}

async fn forget_objects(state: &AppState, keys: &[ObjectKey]) {
    for key in keys {
        if let Err(err) = state.storage.delete(key).await {
            tracing::warn!(error = %err, "deleting a gallery object");
        }
    }
}

async fn put_jpeg(
    state: &AppState,
    org: Uuid,
    name: &str,
    bytes: Vec<u8>,
) -> Result<Stored, DocumentsError> {
    let chunks = stream::once(async { Ok::<_, std::convert::Infallible>(Bytes::from(bytes)) });
    Ok(state
        .storage
        .put(org, name, Allowed::Images, Box::pin(chunks))
        .await?)
}

/// Stores the original, makes its renditions (refusing what does not decode or is too
/// large, with nothing kept), stores them, then the row: its renditions exist when the
/// answer comes.
pub async fn create<S, E>(
    state: &AppState,
    acting: &Acting,
    new: NewItem,
    chunks: S,
) -> Result<ItemRow, DocumentsError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let principal = &acting.principal;
    let project_id = ProjectId::parse(&new.project_id).ok_or(DocumentsError::ProjectNotFound)?;
    crate::projects::staff(state, principal, project_id).await?;
    let caption = caption(&new.caption)?;
    let visibility = visibility(&new.visibility)?;
    let file_name = new.file_name.trim().to_owned();
    if file_name.is_empty() || file_name.chars().count() > 255 {
        return Err(invalid("file_name", "must be 1 to 255 characters"));
    }
    let org = principal.org_id.0;
    let original = state
        .storage
        .put(org, &file_name, Allowed::Images, chunks)
        .await?;
    let mut written = vec![original.key.clone()];
    let made = async {
        let made = state
            .renderer
            .render(whole(state, &original.key).await?)
            .await;
        let made = made.map_err(|err| match err {
            RenditionError::TooManyPixels => invalid("file", "has more pixels than allowed"),
            RenditionError::Undecodable => invalid("file", "could not be read as an image"),
        })?;
        let thumb = put_jpeg(state, org, "thumb.jpg", made.thumb).await?;
        written.push(thumb.key.clone());
        let preview = put_jpeg(state, org, "preview.jpg", made.preview).await?;
        written.push(preview.key.clone());
        let mut row = ItemRow {
            item_id: Uuid::now_v7(),
            org_id: principal.org_id,
            project_id,
            caption,
            visibility,
            position: 0,
            width: i32::try_from(made.width).unwrap_or(i32::MAX),
            height: i32::try_from(made.height).unwrap_or(i32::MAX),
            content_type: original.content_type.to_owned(),
            file_name,
            size: i64::try_from(original.size).unwrap_or(i64::MAX),
            sha256: original.sha256.clone(),
            file_id: FileId(original.key.file_id),
            thumb_file_id: FileId(thumb.key.file_id),
            thumb_size: i64::try_from(thumb.size).unwrap_or(i64::MAX),
            thumb_sha256: thumb.sha256,
            preview_file_id: FileId(preview.key.file_id),
            preview_size: i64::try_from(preview.size).unwrap_or(i64::MAX),
            preview_sha256: preview.sha256,
            taken_at: None,
            created_at: state.clock.now(),
        };
        let mut tx = state.db.begin().await?;
        row.position = store::insert_item(&mut tx, &row).await?;
        let subject = ("gallery_item", row.item_id.to_string());
        acting
            .record(&mut tx, "gallery_item.created", subject, row.created_at)
            .await?;
        tx.commit().await?;
        Ok::<_, DocumentsError>(row)
    };
    match made.await {
        Ok(row) => {
            state.relay.wake();
            Ok(row)
        }
        Err(err) => {
            forget_objects(state, &written).await;
            Err(err)
        }
    }
}

pub async fn list(
    state: &AppState,
    principal: &Principal,
    project_id: &str,
) -> Result<Vec<ItemRow>, DocumentsError> {
    let project_id = ProjectId::parse(project_id).ok_or(DocumentsError::ProjectNotFound)?;
    crate::projects::staff(state, principal, project_id).await?;
    Ok(store::list_items(&state.db, (principal.org_id, project_id), Viewer::Staff).await?)
}

pub async fn update(
    state: &AppState,
    acting: &Acting,
    item_id: &str,
    change: ItemChange,
) -> Result<ItemRow, DocumentsError> {
    let mut row = find(state, &acting.principal, item_id).await?;
    if let Some(text) = &change.caption {
        row.caption = caption(text)?;
    }
    let was_visible = row.visibility != "internal";
    if let Some(text) = &change.visibility {
        row.visibility = visibility(text)?;
    }
    if let Some(position) = change.position {
        if position < 1 {
            return Err(invalid("position", "must be at least 1"));
        }
        row.position = position;
    }
    let mut tx = state.db.begin().await?;
    if !store::update_item(&mut tx, &row).await? {
        return Err(DocumentsError::ItemNotFound);
    }
    if was_visible && row.visibility == "internal" {
        no_cover(&mut tx, row.org_id, row.item_id, state.clock.now()).await?;
    }
    let subject = ("gallery_item", row.item_id.to_string());
    acting
        .record(&mut tx, "gallery_item.updated", subject, state.clock.now())
        .await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(row)
}

pub async fn delete(
    state: &AppState,
    acting: &Acting,
    item_id: &str,
) -> Result<(), DocumentsError> {
    let row = find(state, &acting.principal, item_id).await?;
    let mut tx = state.db.begin().await?;
    if !store::delete_item(&mut tx, row.org_id, row.item_id).await? {
        return Err(DocumentsError::ItemNotFound);
    }
    no_cover(&mut tx, row.org_id, row.item_id, state.clock.now()).await?;
    let subject = ("gallery_item", row.item_id.to_string());
    acting
        .record(&mut tx, "gallery_item.deleted", subject, state.clock.now())
        .await?;
    tx.commit().await?;
    state.relay.wake();
    let keys: Vec<ObjectKey> = row.files().into_iter().map(|f| key_of(&row, f)).collect();
    forget_objects(state, &keys).await;
    Ok(())
}

/// Gives every listed item `visibility`, all or none: an id that is not one of the
/// project's items changes nothing and is `ItemNotFound`.
pub async fn set_visibility(
    state: &AppState,
    acting: &Acting,
    (project_id, item_ids): (&str, &[String]),
    visibility_text: &str,
) -> Result<Vec<ItemRow>, DocumentsError> {
    let principal = &acting.principal;
    let project_id = ProjectId::parse(project_id).ok_or(DocumentsError::ProjectNotFound)?;
    let visibility = visibility(visibility_text)?;
    if item_ids.is_empty() || item_ids.len() > 1000 {
        return Err(invalid("item_ids", "must name 1 to 1000 items"));
    }
    crate::projects::staff(state, principal, project_id).await?;
    let key = (principal.org_id, project_id);
    let mut tx = state.db.begin().await?;
    for id in item_ids {
        let id = Uuid::parse_str(id).map_err(|_| DocumentsError::ItemNotFound)?;
        if !store::set_visibility(&mut tx, key, id, &visibility).await? {
            return Err(DocumentsError::ItemNotFound);
        }
        if visibility == "internal" {
            no_cover(&mut tx, principal.org_id, id, state.clock.now()).await?;
        }
    }
    let subject = ("project", project_id.to_string());
    acting
        .record(
            &mut tx,
            "gallery.visibility_set",
            subject,
            state.clock.now(),
        )
        .await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(store::list_items(&state.db, key, Viewer::Staff).await?)
}

/// A staff member's rendition of an item.
pub async fn staff_rendition(
    state: &AppState,
    principal: &Principal,
    (item_id, name): (&str, &str),
) -> Result<RenditionFile, DocumentsError> {
    let row = find(state, principal, item_id).await?;
    rendition(&row, name)
}

/// Tells the portal, through the outbox, that the item can be no project's cover photo
/// any more (it was deleted or made internal).
async fn no_cover(
    tx: &mut atrium_common::db::Tx,
    org_id: atrium_common::ids::OrgId,
    item_id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    let request = atrium_proto::portal::v1::ForgetItemRequest {
        org_id: org_id.to_string(),
        item_id: item_id.to_string(),
    };
    atrium_common::outbox::forget_item(tx, &request, now).await
}
