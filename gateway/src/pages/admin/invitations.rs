//! Console: the customers' pending invitations, resent or cancelled.

use askama::Template;
use atrium_common::error::ApiError;
use axum::Router;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::StatusCode;

use super::{Search, chrome};
use crate::GatewayState;
use crate::api::PageQuery;
use crate::api::people::Invitation;
use crate::extract::PathId;
use crate::pages::said::Said;
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again, render};
use crate::routes::admin::invitations;

const LIST: &str = "/admin/customers/invitations";

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route(LIST, get(list))
        .route("/admin/customers/invitations/{id}/resend", post(resend))
        .route("/admin/customers/invitations/{id}/cancel", post(cancel))
}

#[derive(Template)]
#[template(path = "admin/invitations.html")]
struct InvitationsPage {
    c: Chrome,
    invitations: Vec<Invitation>,
}

async fn list(page: StaffPage, Query(search): Query<Search>) -> Result<Response, PageError> {
    let lang = page.lang;
    let query = crate::extract::Query(PageQuery::default());
    let list = invitations::list(again(&page.call), query)
        .await
        .on_page(lang)?
        .0;
    let mut c = chrome(&page, lang.words().pending_invitations, LIST);
    c.said = Said::notice(search.notice(lang.words().done));
    let view = InvitationsPage {
        c,
        invitations: list.items,
    };
    Ok(render(StatusCode::OK, &view))
}

async fn resend(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    invitations::resend(again(&page.call), id)
        .await
        .on_page(page.lang)?;
    Ok(Redirect::to(&format!("{LIST}?done=resent")).into_response())
}

async fn cancel(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    invitations::cancel(again(&page.call), id)
        .await
        .on_page(page.lang)?;
    Ok(Redirect::to(&format!("{LIST}?done=cancelled")).into_response())
}
