//! Staff's project comments: read a project's (`projects.view`), add one
//! (`projects.manage`); the project's assigned customers are told in-app.

use atrium_common::error::ApiError;
use atrium_proto::portal::v1 as pb;
use axum::routing::{get, post};
use http::StatusCode;

use crate::api::comments::{Comment, Comments, NewComment, named};
use crate::call;
use atrium_common::roles::Permission;

use crate::extract::{Json, PathId, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/admin/projects/{id}/comments", "The project's comments, oldest first", get(list))
            .staff(Permission::ProjectsView).answers::<Comments>(200),
        Route::post("/api/admin/projects/{id}/comments", "Comment on the project; its customers are told in-app", post(add))
            .staff(Permission::ProjectsManage).body::<NewComment>().answers::<Comment>(201),
    ]
}

pub(crate) async fn list(staff: StaffCall, PathId(id): PathId) -> Answer<Comments> {
    let request = pb::ProjectRequest {
        project_id: id.to_string(),
    };
    let found = call!(staff, comments.list_project_comments(request));
    let items = named(&staff, found.items).await?;
    Ok(Json(Comments { items }))
}

pub(crate) async fn add(
    staff: StaffCall,
    PathId(id): PathId,
    Json(body): Json<NewComment>,
) -> Result<(StatusCode, Json<Comment>), ApiError> {
    let request = pb::AddCommentRequest {
        project_id: id.to_string(),
        body: body.body,
    };
    let made = call!(staff, comments.add_project_comment(request));
    let mut named = named(&staff, vec![made]).await?;
    Ok((
        StatusCode::CREATED,
        Json(named.pop().expect("one in, one out")),
    ))
}
