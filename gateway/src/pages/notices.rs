//! The notifications page of either tier: the reader's notices in their language, mark
//! one or all read, over the same handlers as `/api/…/notifications`.

use askama::Template;
use atrium_common::error::ApiError;
use axum::response::{IntoResponse, Redirect, Response};

use super::session::PageForm;
use super::{Chrome, OnPage, PageError, SignedIn, again, localize, render};
use crate::api::PageQuery;
use crate::extract::{PathId, Query};
use crate::routes::notifications::{self, Notification};

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    c: Chrome,
    base: String,
    items: Vec<Notification>,
    unread: i64,
}

pub async fn list<P: SignedIn>(page: P) -> Result<Response, PageError> {
    let lang = page.lang();
    let base = format!("{}/notifications", P::BASE);
    let (list, c) = tokio::join!(
        notifications::list(again(page.call()), Query(PageQuery::default())),
        page.chrome(lang.words().notifications, &base),
    );
    let mut list = list.on_page(lang)?.0;
    localize(lang, &mut list.items);
    let view = NotificationsPage {
        c,
        base,
        items: list.items,
        unread: list.unread_count,
    };
    Ok(render(http::StatusCode::OK, &view))
}

pub async fn read_one<P: SignedIn>(
    page: P,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang())?;
    notifications::mark_read(again(page.call()), id)
        .await
        .on_page(page.lang())?;
    Ok(Redirect::to(&format!("{}/notifications", P::BASE)).into_response())
}

pub async fn read_all<P: SignedIn>(page: P, _form: PageForm) -> Result<Response, PageError> {
    notifications::mark_all_read(again(page.call()))
        .await
        .on_page(page.lang())?;
    Ok(Redirect::to(&format!("{}/notifications", P::BASE)).into_response())
}
