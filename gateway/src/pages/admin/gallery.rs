//! Console gallery: a project's photos with the upload form, each photo's caption,
//! visibility and position (the order customers see), delete, and one visibility for
//! many photos at once, and the project's cover photo (what customers' dashboards show).
//! Thumbs come through the console's own rendition route.

use askama::Template;
use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::documents::v1 as pb;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::{HeaderMap, Method};
use serde::Deserialize;

use super::{Search, chrome};
use crate::GatewayState;
use crate::api::gallery::{BulkVisibility, Item};
use crate::api::projects::ProjectPatch;
use crate::api::projects::StaffProject;
use crate::api::{Id, Patch};
use crate::extract::{Json, PathId, PathIds, Upload};
use crate::pages::said::{Said, answer, refusal};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again, render};
use crate::routes::admin::{gallery, projects};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route(
            "/admin/projects/{id}/gallery",
            get(gallery_page).post(upload),
        )
        .route("/admin/projects/{id}/gallery/visibility", post(bulk))
        .route("/admin/projects/{id}/gallery/{item_id}", post(save))
        .route(
            "/admin/projects/{id}/gallery/{item_id}/delete",
            post(delete),
        )
        .route("/admin/projects/{id}/gallery/{item_id}/cover", post(cover))
        .route("/admin/projects/{id}/cover/remove", post(no_cover))
        .route("/admin/gallery/{item_id}/{rendition}", get(rendition))
}

#[derive(Template)]
#[template(path = "admin/gallery.html")]
struct GalleryPage {
    c: Chrome,
    project: StaffProject,
    items: Vec<Item>,
    /// The cover photo's id, or empty.
    cover: String,
    rendition_base: &'static str,
    can_edit: bool,
}

#[derive(Debug, Default, Deserialize)]
struct PhotoFields {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    caption: String,
    #[serde(default)]
    visibility: String,
}

async fn gallery_page(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let said = Said::notice(search.notice(page.lang.words().saved));
    view(page, id, said).await
}

async fn view(page: StaffPage, id: uuid::Uuid, said: Said) -> Result<Response, PageError> {
    let lang = page.lang;
    let (project, items) = tokio::join!(
        projects::read(again(&page.call), PathId(id)),
        gallery::list(again(&page.call), PathId(id)),
    );
    let project = project.on_page(lang)?.0;
    let items = items.on_page(lang)?.0.items;
    let title = format!("{} — {}", lang.words().doc.photos, project.project.name);
    let mut c = chrome(&page, &title, &format!("/admin/projects/{id}/gallery"));
    c.said = said;
    let view = GalleryPage {
        c,
        cover: project
            .cover_item_id
            .clone()
            .map(|id| id.0)
            .unwrap_or_default(),
        project,
        items,
        rendition_base: "/admin/gallery",
        can_edit: page.call.role.allows(Permission::DocumentsManage),
    };
    Ok(render(view.c.said.status(), &view))
}

fn back(id: uuid::Uuid) -> String {
    format!("/admin/projects/{id}/gallery?done=saved")
}

async fn upload(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    upload: Result<Upload<PhotoFields>, ApiError>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let upload = match upload {
        Ok(upload) => upload,
        Err(err) => {
            let refused = refusal(err, lang)?.on("file");
            return view(page, id, Said::refused(refused)).await;
        }
    };
    page.check_csrf(&upload.fields.csrf_token)?;
    let header = pb::ItemHeader {
        project_id: id.to_string(),
        caption: upload.fields.caption.clone(),
        visibility: upload.fields.visibility.clone(),
        file_name: upload.file_name.clone(),
    };
    let done = gallery::send_photo(&page.call, header, upload)
        .await
        .map(drop);
    answer(lang, done, &back(id), |said| view(page, id, said)).await
}

/// One photo's caption, visibility and position.
async fn save(
    page: StaffPage,
    ids: Result<PathIds, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathIds(id, item_id) = ids.on_page(lang)?;
    let mut body = form.fields(&["caption", "visibility"], &[]);
    body.insert("position".into(), form.number("position"));
    let done = match crate::pages::body_of(body) {
        Ok(body) => gallery::update(again(&page.call), PathId(item_id), Json(body)).await,
        Err(err) => Err(err),
    };
    answer(lang, done, &back(id), |said| {
        view(page, id, said.within(&item_id.to_string()))
    })
    .await
}

async fn delete(
    page: StaffPage,
    ids: Result<PathIds, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathIds(id, item_id) = ids.on_page(lang)?;
    gallery::remove(again(&page.call), PathId(item_id))
        .await
        .on_page(lang)?;
    Ok(Redirect::to(&back(id)).into_response())
}

/// The photo becomes the project's cover (one customers can see: otherwise the page says
/// why, beside that photo).
async fn cover(
    page: StaffPage,
    ids: Result<PathIds, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathIds(id, item_id) = ids.on_page(lang)?;
    let done = set_cover(&page, id, Patch::Set(item_id.to_string())).await;
    answer(lang, done, &back(id), |said| {
        view(page, id, said.within(&item_id.to_string()))
    })
    .await
}

/// The project has no cover photo any more.
async fn no_cover(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    set_cover(&page, id, Patch::Clear).await.on_page(lang)?;
    Ok(Redirect::to(&back(id)).into_response())
}

async fn set_cover(
    page: &StaffPage,
    id: uuid::Uuid,
    cover_item_id: Patch<String>,
) -> Result<(), ApiError> {
    let patch = ProjectPatch {
        cover_item_id,
        ..ProjectPatch::default()
    };
    projects::update(again(&page.call), PathId(id), Json(patch))
        .await
        .map(drop)
}

/// The ticked photos get one visibility.
async fn bulk(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let body = BulkVisibility {
        item_ids: form.all("item_ids").into_iter().map(Id).collect(),
        visibility: form.text("visibility"),
    };
    let done = gallery::bulk_visibility(again(&page.call), PathId(id), Json(body)).await;
    answer(lang, done, &back(id), |said| {
        view(page, id, said.within("bulk"))
    })
    .await
}

async fn rendition(
    page: StaffPage,
    path: Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let lang = page.lang;
    gallery::rendition(page.call, path, method, headers)
        .await
        .on_page(lang)
}
