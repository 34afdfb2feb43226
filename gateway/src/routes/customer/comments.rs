//! The customer's project comments: read those of a project assigned to them, and add one
//! (`can_add_comments`); the assignment is checked on every call.

use atrium_common::error::ApiError;
use atrium_proto::portal::v1 as pb;
use axum::routing::{get, post};
use http::StatusCode;

use crate::api::comments::{Comment, Comments, NewComment, named};
use crate::call;
use crate::extract::{CustomerCall, Json, PathId};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let gated = ["PERMISSION_DENIED", "CUSTOMER_ASSIGNMENT_REVOKED"];
    vec![
        Route::get("/api/customer/projects/{id}/comments", "The project's comments, oldest first", get(list))
            .customer().answers::<Comments>(200).errors(&gated),
        Route::post("/api/customer/projects/{id}/comments", "Comment on the project (can_add_comments)", post(add))
            .customer().body::<NewComment>().answers::<Comment>(201).errors(&gated),
    ]
}

pub(crate) async fn list(customer: CustomerCall, PathId(id): PathId) -> Answer<Comments> {
    let request = pb::ProjectRequest {
        project_id: id.to_string(),
    };
    let found = call!(customer, comments.list_my_project_comments(request));
    let items = named(&customer, found.items).await?;
    Ok(Json(Comments { items }))
}

pub(crate) async fn add(
    customer: CustomerCall,
    PathId(id): PathId,
    Json(body): Json<NewComment>,
) -> Result<(StatusCode, Json<Comment>), ApiError> {
    let request = pb::AddCommentRequest {
        project_id: id.to_string(),
        body: body.body,
    };
    let made = call!(customer, comments.add_my_project_comment(request));
    let mut named = named(&customer, vec![made]).await?;
    Ok((
        StatusCode::CREATED,
        Json(named.pop().expect("one in, one out")),
    ))
}
