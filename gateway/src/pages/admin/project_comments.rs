//! A staff comment on a project, from the project's page (its customers are told
//! in-app); the comments themselves show on that page.

use atrium_common::error::ApiError;
use axum::response::Response;

use super::projects::after;
use crate::api::comments::NewComment;
use crate::extract::{Json, PathId};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{OnPage, PageError, again};
use crate::routes::admin::comments;

/// A staff comment on the project; its customers are told in-app.
pub(super) async fn comment(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let body = NewComment {
        body: form.text("body"),
    };
    let done = comments::add(again(&page.call), PathId(id), Json(body)).await;
    let to = format!("/admin/projects/{id}?done=saved#comments");
    after(page, (id, "comment"), done, Some(&to)).await
}
