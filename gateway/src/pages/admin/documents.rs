//! Console documents: a project's list with the upload form (multipart, with progress
//! where scripts run), and one document's page: download, the workflow's buttons for
//! its status, a new version, history, the download log, delete.

use askama::Template;
use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::documents::v1 as pb;
use axum::Router;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::{HeaderMap, Method};
use serde::Deserialize;

use super::{Search, chrome};
use crate::GatewayState;
use crate::api::documents::{Document, DocumentType, DownloadEntry, Rejection};
use crate::api::projects::StaffProject;
use crate::extract::{Json, PathId, Upload};
use crate::pages::said::{Refusal, Said, answer};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again, render};
use crate::routes::admin::documents::{self, DocumentFilter, send_upload, with_names};
use crate::routes::admin::{document_types, projects};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route(
            "/admin/projects/{id}/documents",
            get(list_page).post(upload),
        )
        .route("/admin/documents/{id}", get(document_page).post(save))
        .route("/admin/documents/{id}/download", get(download))
        .route("/admin/documents/{id}/file", post(new_version))
        .route("/admin/documents/{id}/move", post(move_on))
        .route("/admin/documents/{id}/delete", post(delete))
}

#[derive(Template)]
#[template(path = "admin/documents.html")]
struct ListPage {
    c: Chrome,
    project: StaffProject,
    documents: Vec<Document>,
    types: Vec<DocumentType>,
    can_edit: bool,
}

/// The text parts of a console upload (before its file).
#[derive(Debug, Default, Deserialize)]
struct PageUpload {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    document_type_id: String,
}

async fn list_page(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let said = Said::notice(search.notice(page.lang.words().saved));
    list_view(page, id, said).await
}

async fn list_view(page: StaffPage, id: uuid::Uuid, said: Said) -> Result<Response, PageError> {
    let lang = page.lang;
    let filter = crate::extract::Query(DocumentFilter::default());
    let (project, listed, types) = tokio::join!(
        projects::read(again(&page.call), PathId(id)),
        documents::list(again(&page.call), PathId(id), filter),
        document_types::list(again(&page.call)),
    );
    let project = project.on_page(lang)?.0;
    let documents = listed.on_page(lang)?.0.items;
    let title = format!("{} — {}", lang.words().doc.documents, project.project.name);
    let mut c = chrome(&page, &title, &format!("/admin/projects/{id}/documents"));
    c.said = said;
    let view = ListPage {
        c,
        project,
        documents,
        types: types.map(|t| t.0.items).unwrap_or_default(),
        can_edit: page.call.role.allows(Permission::DocumentsManage),
    };
    Ok(render(view.c.said.status(), &view))
}

async fn upload(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    upload: Result<Upload<PageUpload>, ApiError>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let upload = match upload {
        Ok(upload) => upload,
        Err(err) => {
            let refusal = crate::pages::said::refusal(err, lang)?;
            return list_view(page, id, Said::refused(refusal.on("file"))).await;
        }
    };
    page.check_csrf(&upload.fields.csrf_token)?;
    let fields = &upload.fields;
    let header = pb::DocumentHeader {
        project_id: id.to_string(),
        title: fields.title.clone(),
        description: fields.description.clone(),
        file_name: upload.file_name.clone(),
        document_type_id: fields.document_type_id.clone(),
        document_id: String::new(),
    };
    let done = send_upload(&page.call, header, upload, false).await;
    let to = match &done {
        Ok(d) => format!("/admin/documents/{}?done=uploaded", d.id),
        Err(_) => String::new(),
    };
    answer(lang, done, &to, |said| list_view(page, id, said)).await
}

#[derive(Template)]
#[template(path = "admin/document.html")]
struct DocumentPage {
    c: Chrome,
    document: Document,
    /// The download log, for members who may see customers.
    downloads: Option<Vec<DownloadEntry>>,
    /// The types a document may be given.
    types: Vec<DocumentType>,
    can_edit: bool,
    /// Publishing from a draft is allowed (the type needs no approval).
    direct_publish: bool,
}

async fn document_page(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let said = Said::notice(search.notice(page.lang.words().saved));
    document_view(page, id, said).await
}

async fn document_view(page: StaffPage, id: uuid::Uuid, said: Said) -> Result<Response, PageError> {
    let lang = page.lang;
    let sees_customers = page.call.role.allows(Permission::CustomersView);
    let log = async {
        if !sees_customers {
            return None;
        }
        documents::downloads(again(&page.call), PathId(id))
            .await
            .ok()
            .map(|log| log.0.items)
    };
    let (found, downloads, types) = tokio::join!(
        documents::read(again(&page.call), PathId(id)),
        log,
        document_types::list(again(&page.call)),
    );
    let document = found.on_page(lang)?.0;
    let mut c = chrome(
        &page,
        &document.title.clone(),
        &format!("/admin/documents/{id}"),
    );
    c.said = said;
    let view = DocumentPage {
        c,
        direct_publish: document
            .document_type
            .as_ref()
            .is_none_or(|t| !t.requires_approval),
        document,
        downloads,
        types: types.map(|t| t.0.items).unwrap_or_default(),
        can_edit: page.call.role.allows(Permission::DocumentsManage),
    };
    Ok(render(view.c.said.status(), &view))
}

/// The document's title, description and type.
async fn save(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let body = form.fields(&["title"], &["description", "document_type_id"]);
    let done = match crate::pages::body_of(body) {
        Ok(body) => documents::update(again(&page.call), PathId(id), Json(body)).await,
        Err(err) => Err(err),
    };
    let to = format!("/admin/documents/{id}?done=saved");
    answer(lang, done, &to, |said| document_view(page, id, said)).await
}

async fn download(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let id = id.on_page(lang)?;
    documents::download(page.call, id, method, headers)
        .await
        .on_page(lang)
}

async fn new_version(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    upload: Result<Upload<PageUpload>, ApiError>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let upload = match upload {
        Ok(upload) => upload,
        Err(err) => {
            let refusal = crate::pages::said::refusal(err, lang)?;
            return document_view(page, id, Said::refused(refusal.on("file"))).await;
        }
    };
    page.check_csrf(&upload.fields.csrf_token)?;
    let header = pb::DocumentHeader {
        document_id: id.to_string(),
        file_name: upload.file_name.clone(),
        ..pb::DocumentHeader::default()
    };
    let done = send_upload(&page.call, header, upload, true).await;
    let done = match done {
        Ok(d) => with_names(&page.call, d).await.map(drop),
        Err(err) => Err(err),
    };
    let to = format!("/admin/documents/{id}?done=saved");
    answer(lang, done, &to, |said| document_view(page, id, said)).await
}

/// One of the workflow's buttons (`action`), with a reason for `reject`.
async fn move_on(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let call = again(&page.call);
    let done = match form.text("action").as_str() {
        "reject" => {
            let body = Rejection {
                reason: form.text("reason"),
            };
            documents::reject(call, PathId(id), Json(body)).await
        }
        action @ ("submit" | "approve" | "reopen" | "publish" | "unpublish") => {
            documents::transition(call, PathId(id), action).await
        }
        _ => Err(ApiError::invalid_field(
            "action",
            "is not a document action",
        )),
    };
    let to = format!("/admin/documents/{id}?done=saved");
    answer(lang, done, &to, |said| document_view(page, id, said)).await
}

async fn delete(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    if form.text("confirm") != "yes" {
        let refusal = Refusal::about("confirm", lang.words().error("VALIDATION_FAILED"));
        return document_view(page, id, Said::refused(refusal)).await;
    }
    let document = documents::read(again(&page.call), PathId(id))
        .await
        .on_page(lang)?
        .0;
    documents::remove(again(&page.call), PathId(id))
        .await
        .on_page(lang)?;
    let to = format!(
        "/admin/projects/{}/documents?done=deleted",
        document.project_id.0
    );
    Ok(Redirect::to(&to).into_response())
}
