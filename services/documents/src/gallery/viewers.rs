//! The gallery as customers and guests see it: every list and every rendition asks the
//! portal on that request (the customer's assignment with the gallery feature on, the
//! guest's session and its password version), and shows only what the item's
//! visibility allows that viewer. No URL outlives the access it was given under.

use atrium_common::auth::Principal;
use atrium_common::ids::ProjectId;
use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::store::{self, ItemRow, Viewer};
use super::{RenditionFile, rendition, zip};
use crate::AppState;
use crate::error::DocumentsError;
use crate::storage::StorageError;

/// A guest's session: the organization, the gallery's slug and the guest token.
pub type GuestKey<'a> = (&'a str, &'a str, &'a str);

/// The items of a project the customer holds now that they may see.
pub async fn customer_items(
    state: &AppState,
    customer: &Principal,
    project_id: &str,
) -> Result<Vec<ItemRow>, DocumentsError> {
    let project_id = ProjectId::parse(project_id).ok_or(DocumentsError::ProjectNotFound)?;
    crate::projects::customer(state, customer, project_id, "gallery").await?;
    let key = (customer.org_id, project_id);
    Ok(store::list_items(&state.db, key, Viewer::Customer).await?)
}

/// One rendition a customer may see now.
pub async fn customer_rendition(
    state: &AppState,
    customer: &Principal,
    (item_id, name): (&str, &str),
) -> Result<RenditionFile, DocumentsError> {
    let id = Uuid::parse_str(item_id).map_err(|_| DocumentsError::ItemNotFound)?;
    let row = store::find_item(&state.db, customer.org_id, id)
        .await?
        .ok_or(DocumentsError::ItemNotFound)?;
    match crate::projects::customer(state, customer, row.project_id, "gallery").await {
        Err(DocumentsError::ProjectNotFound) => return Err(DocumentsError::ItemNotFound),
        other => other?,
    }
    if !Viewer::Customer.sees(&row.visibility) {
        return Err(DocumentsError::ItemNotFound);
    }
    rendition(&row, name)
}

/// The `public` items of the gallery a live guest session opens.
pub async fn guest_items(
    state: &AppState,
    guest: GuestKey<'_>,
) -> Result<Vec<ItemRow>, DocumentsError> {
    let key = crate::projects::guest(state, guest).await?;
    Ok(store::list_items(&state.db, key, Viewer::Guest).await?)
}

/// A `thumb` or `preview` of a `public` item of the guest's gallery.
pub async fn guest_rendition(
    state: &AppState,
    guest: GuestKey<'_>,
    (item_id, name): (&str, &str),
) -> Result<RenditionFile, DocumentsError> {
    let (org_id, project_id) = crate::projects::guest(state, guest).await?;
    if !matches!(name, "thumb" | "preview") {
        return Err(DocumentsError::ItemNotFound);
    }
    let id = Uuid::parse_str(item_id).map_err(|_| DocumentsError::ItemNotFound)?;
    let row = store::find_item(&state.db, org_id, id)
        .await?
        .filter(|row| row.project_id == project_id && Viewer::Guest.sees(&row.visibility))
        .ok_or(DocumentsError::ItemNotFound)?;
    rendition(&row, name)
}

/// Every original the customer may see in the project, as one ZIP streamed while it is
/// written; a file that cannot be read ends the stream with an error.
pub async fn customer_zip(
    state: &AppState,
    customer: &Principal,
    project_id: &str,
) -> Result<BoxStream<'static, Result<Bytes, StorageError>>, DocumentsError> {
    let items = customer_items(state, customer, project_id).await?;
    let (tx, rx) = mpsc::channel::<Result<Bytes, StorageError>>(4);
    let storage = state.storage.clone();
    tokio::spawn(async move {
        let mut writer = zip::Writer::default();
        for item in items {
            let Ok(file) = rendition(&item, "original") else {
                continue;
            };
            let name = writer.unique_name(&item.file_name);
            let (header, entry) = writer.begin(&name);
            if tx.send(Ok(header)).await.is_err() {
                return;
            }
            let mut bytes = match storage.get(&file.key, None).await {
                Ok(bytes) => bytes,
                Err(err) => {
                    let _ = tx.send(Err(err)).await;
                    return;
                }
            };
            let (mut crc, mut size) = (crc32fast::Hasher::new(), 0u64);
            while let Some(chunk) = bytes.next().await {
                let failed = chunk.is_err();
                if let Ok(chunk) = &chunk {
                    crc.update(chunk);
                    size += chunk.len() as u64;
                }
                if tx.send(chunk).await.is_err() || failed {
                    return;
                }
            }
            if tx
                .send(Ok(writer.end(entry, crc.finalize(), size)))
                .await
                .is_err()
            {
                return;
            }
        }
        let _ = tx.send(Ok(writer.finish())).await;
    });
    Ok(stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
    .boxed())
}
