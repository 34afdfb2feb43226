//! The console's requests: the board (filters by status, type and priority) and one
//! request with its whole thread, the public reply and the internal note as two clearly
//! apart forms, and status, priority and assignment. Each calls the JSON route's handler.

use askama::Template;
use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use axum::Router;
use axum::extract::Query as UrlQuery;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::StatusCode;
use serde::Deserialize;

use super::chrome;
use crate::GatewayState;
use crate::api::Patch;
use crate::api::requests::{Request, RequestFilter, RequestPatch, StaffMessage};
use crate::extract::{Json, PathId, Query};
use crate::pages::said::{Said, refusal};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again, render};
use crate::routes::admin::requests;

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin/requests", get(board))
        .route("/admin/requests/{id}", get(detail).post(update))
        .route("/admin/requests/{id}/messages", post(reply))
}

/// The board's filters as the URL carries them.
#[derive(Debug, Default, Deserialize)]
struct BoardQuery {
    #[serde(default)]
    status: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    priority: String,
}

/// A filter's chosen value, as the board's selects show it.
struct Picked(String);

impl Picked {
    fn is(&self, value: &str) -> bool {
        self.0 == value
    }
}

#[derive(Template)]
#[template(path = "admin/requests.html")]
struct Board {
    c: Chrome,
    requests: Vec<Request>,
    status: Picked,
    kind: Picked,
    priority: Picked,
}

async fn board(page: StaffPage, UrlQuery(q): UrlQuery<BoardQuery>) -> Result<Response, PageError> {
    let lang = page.lang;
    let some = |text: &str| Some(text.to_owned()).filter(|t| !t.is_empty());
    let filter = RequestFilter {
        status: some(&q.status),
        request_type: some(&q.kind),
        priority: some(&q.priority),
        paging: super::first("100"),
        ..RequestFilter::default()
    };
    let found = requests::list(again(&page.call), Query(filter)).await;
    let view = Board {
        c: chrome(&page, lang.words().req.requests, "/admin/requests"),
        requests: found.on_page(lang)?.0.items,
        status: Picked(q.status),
        kind: Picked(q.kind),
        priority: Picked(q.priority),
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template)]
#[template(path = "admin/request.html")]
struct Detail {
    c: Chrome,
    r: Request,
    can_manage: bool,
    /// The signed-in member (the assignee select offers them).
    me: String,
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
    let w = page.lang.words().req;
    let notice = match done.done.as_str() {
        "replied" => Some(w.replied),
        "saved" => Some(w.saved),
        _ => None,
    };
    detail_view(page, id, Said::notice(notice)).await
}

async fn detail_view(page: StaffPage, id: PathId, said: Said) -> Result<Response, PageError> {
    let lang = page.lang;
    let r = requests::read(again(&page.call), id).await.on_page(lang)?.0;
    let mut c = chrome(
        &page,
        &format!("#{} {}", r.number, r.title),
        "/admin/requests",
    );
    c.said = said;
    let view = Detail {
        c,
        r,
        can_manage: page.call.role.allows(Permission::RequestsManage),
        me: page.call.principal.subject_id.to_string(),
    };
    Ok(render(view.c.said.status(), &view))
}

async fn after(
    page: StaffPage,
    id: uuid::Uuid,
    done: Result<(), ApiError>,
    how: &str,
) -> Result<Response, PageError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/admin/requests/{id}?done={how}")).into_response()),
        Err(err) => {
            let said = Said::refused(refusal(err, page.lang)?);
            detail_view(page, PathId(id), said).await
        }
    }
}

/// Status, priority and assignee (empty: unassigned).
async fn update(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let assignee = form.text("assignee_id");
    let body = RequestPatch {
        status: form.optional("status"),
        priority: form.optional("priority"),
        category: None,
        assignee_id: if assignee.is_empty() {
            Patch::Clear
        } else {
            Patch::Set(assignee)
        },
        project_id: Patch::Absent,
    };
    let done = requests::update(again(&page.call), PathId(id), Json(body)).await;
    after(page, id, done.map(drop), "saved").await
}

/// A public reply, or an internal note (`internal=yes`).
async fn reply(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let body = StaffMessage {
        body: form.text("body"),
        internal: form.text("internal") == "yes",
    };
    let done = requests::reply(again(&page.call), PathId(id), Json(body)).await;
    after(page, id, done.map(drop), "replied").await
}
