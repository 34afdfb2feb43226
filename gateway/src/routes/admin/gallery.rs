//! Staff and a project's gallery: upload photos (streamed; their renditions exist when
//! the answer comes), list, edit, delete, change many photos' visibility at once, and
//! read any rendition.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::documents::v1 as pb;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, patch, post};
use http::{HeaderMap, Method, StatusCode};

use crate::api::Page;
use crate::api::gallery::{BulkVisibility, Item, ItemPatch, NewItem};
use crate::call;
use crate::extract::{ActsFor, Json, PathId, StaffCall, Upload, path_id};
use crate::routes::files::{self, Disposition};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let (view, manage) = (Permission::ProjectsView, Permission::DocumentsManage);
    vec![
        Route::post("/api/admin/projects/{id}/gallery", "Upload a photo (multipart: caption?, visibility?, then file: JPEG, PNG or WebP); its thumb and preview exist when the answer comes", post(upload))
            .staff(manage).upload::<NewItem>().answers::<Item>(201),
        Route::get("/api/admin/projects/{id}/gallery", "Every photo of the project, by position", get(list))
            .staff(view).answers::<Page<Item>>(200),
        Route::post("/api/admin/projects/{id}/gallery/visibility", "Give many photos one visibility, all or none (an id of another project: 404)", post(bulk_visibility))
            .staff(manage).body::<BulkVisibility>().answers::<Page<Item>>(200),
        Route::patch("/api/admin/gallery/{item_id}", "Edit a photo's caption, visibility or position", patch(update))
            .staff(manage).body::<ItemPatch>().answers::<Item>(200),
        Route::delete("/api/admin/gallery/{item_id}", "Delete a photo with its renditions", axum::routing::delete(remove))
            .staff(manage).no_content(),
        Route::get("/api/admin/gallery/{item_id}/{rendition}", "A rendition of a photo: thumb, preview or original", get(rendition))
            .staff(view).file().errors(&["CONFLICT"]),
    ]
}

fn chunk(bytes: Vec<u8>) -> pb::UploadItemRequest {
    pb::UploadItemRequest {
        part: Some(pb::upload_item_request::Part::Chunk(bytes)),
    }
}

/// Streams a photo to the gallery; its renditions exist when the answer comes.
pub(crate) async fn send_photo<T>(
    staff: &StaffCall,
    header: pb::ItemHeader,
    upload: Upload<T>,
) -> Result<pb::Item, ApiError> {
    let header = pb::UploadItemRequest {
        part: Some(pb::upload_item_request::Part::Header(header)),
    };
    let (messages, failed) = upload.into_messages(header, chunk);
    let request = staff.session.request(messages);
    let mut client = staff.state.clients.gallery.clone();
    let answer = tokio::select! {
        answer = client.upload_item(request) => answer?.into_inner(),
        err = failed.error() => return Err(err),
    };
    Ok(answer.item.unwrap_or_default())
}

pub(crate) async fn upload(
    staff: StaffCall,
    PathId(project_id): PathId,
    upload: Upload<NewItem>,
) -> Result<(StatusCode, Json<Item>), ApiError> {
    let header = pb::ItemHeader {
        project_id: project_id.to_string(),
        caption: upload.fields.caption.clone().unwrap_or_default(),
        visibility: upload.fields.visibility.clone().unwrap_or_default(),
        file_name: upload.file_name.clone(),
    };
    let item = send_photo(&staff, header, upload).await?;
    Ok((StatusCode::CREATED, Json(item.into())))
}

pub(crate) async fn list(staff: StaffCall, PathId(project_id): PathId) -> Answer<Page<Item>> {
    let request = pb::ListItemsRequest {
        project_id: project_id.to_string(),
    };
    let response = call!(staff, gallery.list_items(request));
    Ok(Json(Page::of(
        response.items.into_iter().map(Item::from),
        String::new(),
    )))
}

pub(crate) async fn bulk_visibility(
    staff: StaffCall,
    PathId(project_id): PathId,
    Json(body): Json<BulkVisibility>,
) -> Answer<Page<Item>> {
    let request = pb::SetVisibilityRequest {
        project_id: project_id.to_string(),
        item_ids: body.item_ids.into_iter().map(|id| id.0).collect(),
        visibility: body.visibility,
    };
    let response = call!(staff, gallery.set_visibility(request));
    Ok(Json(Page::of(
        response.items.into_iter().map(Item::from),
        String::new(),
    )))
}

pub(crate) async fn update(
    staff: StaffCall,
    PathId(item_id): PathId,
    Json(body): Json<ItemPatch>,
) -> Answer<Item> {
    let request = pb::UpdateItemRequest {
        item_id: item_id.to_string(),
        caption: body.caption.text(),
        visibility: body.visibility.required("visibility", "cannot be null")?,
        position: body.position.required("position", "cannot be null")?,
    };
    let response = call!(staff, gallery.update_item(request));
    Ok(Json(response.item.unwrap_or_default().into()))
}

pub(crate) async fn remove(
    staff: StaffCall,
    PathId(item_id): PathId,
) -> Result<StatusCode, ApiError> {
    let request = pb::ItemRequest {
        item_id: item_id.to_string(),
    };
    call!(staff, gallery.delete_item(request));
    Ok(StatusCode::NO_CONTENT)
}

/// `thumb` and `preview` show in place; the original is saved under its name.
pub(crate) fn disposition(rendition: &str) -> Disposition {
    if rendition == "original" {
        Disposition::Attachment
    } else {
        Disposition::Inline
    }
}

/// The item id and rendition of `/…/{item_id}/{rendition}`; another word is 404.
pub(crate) fn item_and_rendition(
    item: &str,
    rendition: String,
) -> Result<(String, String), ApiError> {
    let id = path_id(item)?;
    if !matches!(rendition.as_str(), "thumb" | "preview" | "original") {
        return Err(ApiError::not_found());
    }
    Ok((id.to_string(), rendition))
}

pub(crate) async fn rendition(
    staff: StaffCall,
    Path((item, rendition)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (item_id, rendition) = item_and_rendition(&item, rendition)?;
    let asked = pb::RenditionRequest {
        item_id: item_id.clone(),
        rendition: rendition.clone(),
        range: None,
    };
    let file = call!(staff, gallery.get_rendition(asked.clone()));
    let staff = &staff;
    files::answer(
        &method,
        &headers,
        (file, disposition(&rendition)),
        |range| {
            let request = pb::RenditionRequest { range, ..asked };
            async move { Ok(call!(staff, gallery.download_rendition(request))) }
        },
    )
    .await
}
