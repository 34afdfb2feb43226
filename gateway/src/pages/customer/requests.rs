//! The customer's request pages: their requests with the form that opens a new one, and
//! one request with its public thread, the reply form and Close. Plain form posts (they
//! work without JavaScript); each calls the JSON route's own handler.

use askama::Template;
use axum::Router;
use axum::extract::Query as UrlQuery;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use serde::Deserialize;

use crate::GatewayState;
use crate::api::requests::{NewMessage, NewRequest, Request, RequestFilter};
use crate::extract::{Json, PathId, Query};
use crate::pages::said::{Said, refusal};
use crate::pages::session::{CustomerPage, PageForm};
use crate::pages::{Chrome, OnPage, PageError, SignedIn, again, render};
use crate::routes::customer::requests;

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/customer/requests", get(list).post(create))
        .route("/customer/requests/{id}", get(detail))
        .route("/customer/requests/{id}/messages", post(reply))
        .route("/customer/requests/{id}/close", post(close))
}

/// The categories the form offers, by type.
const JOB_CATEGORIES: [&str; 5] = ["design", "development", "content", "strategy", "other"];
const SUPPORT_CATEGORIES: [&str; 5] = ["billing", "access", "bug", "feedback", "other"];

#[derive(Template)]
#[template(path = "customer/requests.html")]
struct RequestsPage {
    c: Chrome,
    requests: Vec<Request>,
    job_categories: &'static [&'static str],
    support_categories: &'static [&'static str],
    /// What the form held when it was refused.
    title: String,
    description: String,
}

async fn list(page: CustomerPage) -> Result<Response, PageError> {
    list_view(page, Said::default(), None).await
}

async fn list_view(
    page: CustomerPage,
    said: Said,
    sent: Option<&PageForm>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let w = lang.words().req;
    let (found, c) = tokio::join!(
        requests::list(again(&page.call), Query(RequestFilter::default())),
        page.chrome(w.requests, "/customer/requests"),
    );
    let mut c = c;
    c.said = said;
    let view = RequestsPage {
        requests: found.on_page(lang)?.0.items,
        job_categories: &JOB_CATEGORIES,
        support_categories: &SUPPORT_CATEGORIES,
        title: sent.map(|f| f.text("title")).unwrap_or_default(),
        description: sent.map(|f| f.text("description")).unwrap_or_default(),
        c,
    };
    Ok(render(view.c.said.status(), &view))
}

async fn create(page: CustomerPage, form: PageForm) -> Result<Response, PageError> {
    let lang = page.lang;
    // One select holds both types' categories as `type:category`.
    let picked = form.text("category");
    let (kind, category) = picked.split_once(':').unwrap_or(("", picked.as_str()));
    let body = NewRequest {
        request_type: kind.to_owned(),
        category: category.to_owned(),
        title: form.text("title"),
        description: form.text("description"),
        priority: form.optional("priority"),
        project_id: None,
    };
    match requests::create(again(&page.call), Json(body)).await {
        Ok((_, Json(made))) => {
            let to = format!("/customer/requests/{}?done=created", made.id.0);
            Ok(Redirect::to(&to).into_response())
        }
        Err(err) => {
            let said = Said::refused(refusal(err, lang)?);
            list_view(page, said, Some(&form)).await
        }
    }
}

#[derive(Template)]
#[template(path = "customer/request.html")]
struct RequestPage {
    c: Chrome,
    r: Request,
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
    let w = page.lang.words().req;
    let notice = match done.done.as_str() {
        "created" => Some(w.created),
        "replied" => Some(w.replied),
        "closed" => Some(w.closed_notice),
        _ => None,
    };
    detail_view(page, id, Said::notice(notice)).await
}

async fn detail_view(page: CustomerPage, id: PathId, said: Said) -> Result<Response, PageError> {
    let lang = page.lang;
    let r = requests::read(again(&page.call), id).await.on_page(lang)?.0;
    let title = format!("#{} {}", r.number, r.title);
    let mut c = page.chrome(&title, "/customer/requests").await;
    c.said = said;
    Ok(render(c.said.status(), &RequestPage { c, r }))
}

/// After a form: back to the request saying so, or the request again with why not.
async fn after(
    page: CustomerPage,
    id: uuid::Uuid,
    done: Result<(), atrium_common::error::ApiError>,
    how: &str,
) -> Result<Response, PageError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/customer/requests/{id}?done={how}")).into_response()),
        Err(err) => {
            let said = Said::refused(refusal(err, page.lang)?);
            detail_view(page, PathId(id), said).await
        }
    }
}

async fn reply(
    page: CustomerPage,
    PathId(id): PathId,
    form: PageForm,
) -> Result<Response, PageError> {
    let body = NewMessage {
        body: form.text("body"),
    };
    let done = requests::reply(again(&page.call), PathId(id), Json(body)).await;
    after(page, id, done.map(drop), "replied").await
}

async fn close(
    page: CustomerPage,
    PathId(id): PathId,
    _form: PageForm,
) -> Result<Response, PageError> {
    let done = requests::close(again(&page.call), PathId(id)).await;
    after(page, id, done.map(drop), "closed").await
}
