//! The customer's approval pages: what waits for their decision and what was decided,
//! and one approval with its files (current revision first), its history and the forms
//! to approve, request changes (feedback required) or comment. Plain form posts; each
//! calls the JSON route's own handler.

use askama::Template;
use axum::Router;
use axum::extract::Query as UrlQuery;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::GatewayState;
use crate::api::approvals::{self, Approval, ApprovalFilter};
use crate::api::comments::NewComment;
use crate::extract::{Json, PathId, Query};
use crate::pages::said::{Said, refusal};
use crate::pages::session::{CustomerPage, PageForm};
use crate::pages::{Chrome, OnPage, PageError, SignedIn, again, render};
use crate::routes::customer::approvals as route;

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/customer/approvals", get(list))
        .route("/customer/approvals/{id}", get(detail))
        .route("/customer/approvals/{id}/respond", post(respond))
        .route("/customer/approvals/{id}/comments", post(comment))
}

#[derive(Template)]
#[template(path = "customer/approvals.html")]
struct ListPage {
    c: Chrome,
    approvals: Vec<Approval>,
}

async fn list(page: CustomerPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let w = lang.words().appr;
    let (found, c) = tokio::join!(
        route::list(again(&page.call), Query(ApprovalFilter::default())),
        page.chrome(w.approvals, "/customer/approvals"),
    );
    let view = ListPage {
        approvals: found.on_page(lang)?.0.items,
        c,
    };
    Ok(render(view.c.said.status(), &view))
}

#[derive(Template)]
#[template(path = "customer/approval.html")]
struct DetailPage {
    c: Chrome,
    a: Approval,
    /// What the feedback box held when the response was refused.
    feedback: String,
    /// Where the files download from.
    files_base: String,
}

#[derive(Deserialize, Default)]
struct Done {
    #[serde(default)]
    done: String,
}

async fn detail(
    page: CustomerPage,
    id: PathId,
    UrlQuery(done): UrlQuery<Done>,
) -> Result<Response, PageError> {
    let w = page.lang.words().appr;
    let notice = match done.done.as_str() {
        "decided" => Some(w.decided),
        "commented" => Some(w.commented),
        _ => None,
    };
    detail_view(page, id, Said::notice(notice), String::new()).await
}

async fn detail_view(
    page: CustomerPage,
    id: PathId,
    said: Said,
    feedback: String,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let a = route::read(again(&page.call), id).await.on_page(lang)?.0;
    let mut c = page.chrome(&a.title, "/customer/approvals").await;
    c.said = said;
    let files_base = format!("/api/customer/approvals/{}/files", a.id.0);
    let view = DetailPage {
        c,
        a,
        feedback,
        files_base,
    };
    Ok(render(view.c.said.status(), &view))
}

/// After a form: back to the approval saying so, or the approval again with why not.
async fn after(
    page: CustomerPage,
    id: uuid::Uuid,
    done: Result<(), atrium_common::error::ApiError>,
    (how, kept): (&str, String),
) -> Result<Response, PageError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/customer/approvals/{id}?done={how}")).into_response()),
        Err(err) => {
            let said = Said::refused(refusal(err, page.lang)?);
            detail_view(page, PathId(id), said, kept).await
        }
    }
}

/// Approve or request changes: the button pressed names the decision.
async fn respond(
    page: CustomerPage,
    PathId(id): PathId,
    form: PageForm,
) -> Result<Response, PageError> {
    let body = approvals::Response {
        decision: form.text("decision"),
        comment: form.optional("comment"),
    };
    let kept = form.text("comment");
    let done = route::respond(again(&page.call), PathId(id), Json(body)).await;
    after(page, id, done.map(drop), ("decided", kept)).await
}

async fn comment(
    page: CustomerPage,
    PathId(id): PathId,
    form: PageForm,
) -> Result<Response, PageError> {
    let body = NewComment {
        body: form.text("body"),
    };
    let done = route::comment(again(&page.call), PathId(id), Json(body)).await;
    after(page, id, done.map(drop), ("commented", String::new())).await
}
