//! Console: what happened and what was sent: the outbox (status filter, retry) and the
//! audit trail (action, actor, day range), over the API's own filters.

use askama::Template;
use atrium_common::error::ApiError;
use axum::Router;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::StatusCode;
use serde::Deserialize;

use super::chrome;
use crate::GatewayState;
use crate::api::Paging;
use crate::extract::PathId;
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again, render};
use crate::routes::admin::{audit, outbox};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin/outbox", get(outbox_list))
        .route("/admin/outbox/{id}/retry", post(retry))
        .route("/admin/audit", get(audit_list))
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    c: Chrome,
    entries: Vec<outbox::OutboxEntry>,
    status: String,
}

#[derive(Deserialize, Default)]
struct StatusFilter {
    #[serde(default)]
    status: String,
}

async fn outbox_list(
    page: StaffPage,
    Query(filter): Query<StatusFilter>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let query = outbox::OutboxFilter {
        status: Some(filter.status.clone()).filter(|s| !s.is_empty()),
        paging: Paging::default(),
    };
    let list = outbox::list(again(&page.call), crate::extract::Query(query))
        .await
        .on_page(lang)?
        .0;
    let view = OutboxPage {
        c: chrome(&page, lang.words().outbox, "/admin/outbox"),
        entries: list.items,
        status: filter.status,
    };
    Ok(render(StatusCode::OK, &view))
}

async fn retry(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    outbox::retry(again(&page.call), id)
        .await
        .on_page(page.lang)?;
    Ok(Redirect::to("/admin/outbox").into_response())
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    c: Chrome,
    entries: Vec<audit::AuditEntry>,
    filter: AuditSearch,
}

/// The audit page's filters: days from date inputs, the rest as the API takes them.
#[derive(Deserialize, Default)]
struct AuditSearch {
    #[serde(default)]
    action: String,
    #[serde(default)]
    actor_id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn audit_list(
    page: StaffPage,
    Query(search): Query<AuditSearch>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let some = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
    // A day from a date field is its start (UTC); `to` is the end of that day.
    let day = |t: &str, next: bool| {
        let date = chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok()?;
        let date = if next { date.succ_opt()? } else { date };
        Some(format!("{date}T00:00:00Z"))
    };
    let query = audit::AuditFilter {
        action: some(&search.action),
        actor_id: some(&search.actor_id),
        from: day(&search.from, false).or_else(|| some(&search.from)),
        to: day(&search.to, true).or_else(|| some(&search.to)),
        paging: Paging::default(),
    };
    let list = audit::list(again(&page.call), crate::extract::Query(query))
        .await
        .on_page(lang)?
        .0;
    let view = AuditPage {
        c: chrome(&page, lang.words().audit, "/admin/audit"),
        entries: list.items,
        filter: search,
    };
    Ok(render(StatusCode::OK, &view))
}
