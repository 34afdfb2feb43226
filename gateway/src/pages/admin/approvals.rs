//! The console's approvals: the list (by status) with the form for a new draft on a
//! project, and the approval editor: its files by revision (a streamed upload), Ask for
//! approval, a new revision, replies, edits of title, description and due date, the
//! history with names, and deletion. Each calls the JSON route's handler.

use askama::Template;
use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use axum::Router;
use axum::extract::{Path, Query as UrlQuery};
use axum::response::Response;
use axum::routing::{get, post};
use http::{HeaderMap, Method};
use serde::Deserialize;

use super::chrome;
use crate::GatewayState;
use crate::api::Patch;
use crate::api::approvals::{Approval, ApprovalFilter, ApprovalPatch, NewApproval, NewRevision};
use crate::api::comments::NewComment;
use crate::api::projects::StaffProject;
use crate::extract::{Json, PathId, Query, Upload};
use crate::pages::said::{Said, answer, refusal};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again, render};
use crate::routes::admin::approvals as route;
use crate::routes::admin::projects::{self, ProjectFilter};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin/approvals", get(list).post(create))
        .route("/admin/approvals/{id}", get(detail).post(update))
        .route("/admin/approvals/{id}/files", post(attach))
        .route("/admin/approvals/{id}/files/{file_id}", get(download))
        .route("/admin/approvals/{id}/submit", post(submit))
        .route("/admin/approvals/{id}/revisions", post(revise))
        .route("/admin/approvals/{id}/comments", post(comment))
        .route("/admin/approvals/{id}/delete", post(remove))
}

/// A filter's chosen value, as the list's select shows it.
struct Picked(String);

impl Picked {
    fn is(&self, value: &str) -> bool {
        self.0 == value
    }
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    done: String,
}

#[derive(Template)]
#[template(path = "admin/approvals.html")]
struct ListPage {
    c: Chrome,
    approvals: Vec<Approval>,
    projects: Vec<StaffProject>,
    status: Picked,
    can_manage: bool,
}

async fn list(page: StaffPage, UrlQuery(q): UrlQuery<ListQuery>) -> Result<Response, PageError> {
    let notice = (q.done == "deleted").then_some(page.lang.words().appr.deleted);
    list_view(page, q.status, Said::notice(notice)).await
}

async fn list_view(page: StaffPage, status: String, said: Said) -> Result<Response, PageError> {
    let lang = page.lang;
    let filter = ApprovalFilter {
        status: Some(status.clone()).filter(|s| !s.is_empty()),
        paging: super::first("100"),
        ..ApprovalFilter::default()
    };
    let projects_filter = ProjectFilter {
        kind: Some("project".to_owned()),
        paging: super::first("200"),
        ..ProjectFilter::default()
    };
    let (found, projects) = tokio::join!(
        route::list(again(&page.call), Query(filter)),
        projects::list(again(&page.call), Query(projects_filter)),
    );
    let mut c = chrome(&page, lang.words().appr.approvals, "/admin/approvals");
    c.said = said;
    let view = ListPage {
        c,
        approvals: found.on_page(lang)?.0.items,
        projects: projects.on_page(lang)?.0.items,
        status: Picked(status),
        can_manage: page.call.role.allows(Permission::ProjectsManage),
    };
    Ok(render(view.c.said.status(), &view))
}

async fn create(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let lang = page.lang;
    let project = form.text("project_id");
    let body = NewApproval {
        title: form.text("title"),
        description: form.optional("description"),
        due_on: form.optional("due_on"),
    };
    let project = match crate::extract::path_id(&project) {
        Ok(id) => id,
        Err(err) => {
            let said = Said::refused(refusal(err, lang)?.on("project_id"));
            return list_view(page, String::new(), said).await;
        }
    };
    let done = route::create(again(&page.call), PathId(project), Json(body)).await;
    let to = match &done {
        Ok((_, Json(made))) => format!("/admin/approvals/{}?done=created", made.id.0),
        Err(_) => String::new(),
    };
    answer(lang, done, &to, |said| list_view(page, String::new(), said)).await
}

#[derive(Template)]
#[template(path = "admin/approval.html")]
struct DetailPage {
    c: Chrome,
    a: Approval,
    can_manage: bool,
    /// Where the files download from.
    files_base: String,
}

#[derive(Deserialize, Default)]
struct Done {
    #[serde(default)]
    done: String,
}

async fn detail(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    UrlQuery(done): UrlQuery<Done>,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    let w = page.lang.words().appr;
    let notice = match done.done.as_str() {
        "created" => Some(w.created),
        "file" => Some(w.file_added),
        "submitted" => Some(w.submitted),
        "revised" => Some(w.revised),
        "commented" => Some(w.commented),
        "saved" => Some(w.saved),
        _ => None,
    };
    detail_view(page, id.0, Said::notice(notice)).await
}

async fn detail_view(page: StaffPage, id: uuid::Uuid, said: Said) -> Result<Response, PageError> {
    let lang = page.lang;
    let a = route::read(again(&page.call), PathId(id))
        .await
        .on_page(lang)?
        .0;
    let mut c = chrome(&page, &a.title, "/admin/approvals");
    c.said = said;
    let view = DetailPage {
        files_base: format!("/admin/approvals/{}/files", a.id.0),
        c,
        a,
        can_manage: page.call.role.allows(Permission::ProjectsManage),
    };
    Ok(render(view.c.said.status(), &view))
}

/// A form's answer on the approval: back to it saying `how`, or it again saying why not.
async fn after<T>(
    page: StaffPage,
    id: uuid::Uuid,
    done: Result<T, ApiError>,
    how: &str,
) -> Result<Response, PageError> {
    let to = format!("/admin/approvals/{id}?done={how}");
    let lang = page.lang;
    answer(lang, done, &to, |said| detail_view(page, id, said)).await
}

/// Title, description and due date (empty: none).
async fn update(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let due = form.text("due_on");
    let body = ApprovalPatch {
        title: Some(form.text("title")),
        description: Some(form.text("description")),
        due_on: if due.is_empty() {
            Patch::Clear
        } else {
            Patch::Set(due)
        },
    };
    let done = route::update(again(&page.call), PathId(id), Json(body)).await;
    after(page, id, done, "saved").await
}

/// The text parts of the file form (before its file).
#[derive(Debug, Default, Deserialize)]
struct FileForm {
    #[serde(default)]
    csrf_token: String,
}

async fn attach(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    upload: Result<Upload<FileForm>, ApiError>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let upload = match upload {
        Ok(upload) => upload,
        Err(err) => {
            let said = Said::refused(refusal(err, lang)?.on("file"));
            return detail_view(page, id, said).await;
        }
    };
    page.check_csrf(&upload.fields.csrf_token)?;
    let done = route::attach_upload(&page.call, PathId(id), upload).await;
    after(page, id, done, "file").await
}

async fn download(
    page: StaffPage,
    Path(ids): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let lang = page.lang;
    route::download(page.call, Path(ids), method, headers)
        .await
        .on_page(lang)
}

async fn submit(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let done = route::submit(again(&page.call), PathId(id)).await;
    after(page, id, done, "submitted").await
}

async fn revise(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let body = NewRevision {
        comment: form.optional("comment"),
    };
    let done = route::revise(again(&page.call), PathId(id), Json(body)).await;
    after(page, id, done, "revised").await
}

async fn comment(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let body = NewComment {
        body: form.text("body"),
    };
    let done = route::comment(again(&page.call), PathId(id), Json(body)).await;
    after(page, id, done, "commented").await
}

async fn remove(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let done = route::remove(again(&page.call), PathId(id)).await;
    answer(lang, done, "/admin/approvals?done=deleted", |said| {
        detail_view(page, id, said)
    })
    .await
}
