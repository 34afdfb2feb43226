//! The customer's approvals (design/collaboration.md): those of the projects assigned to
//! them (re-checked on every call; taken away: 403), never drafts, pending first; one
//! with its files and history (the first read of a revision is recorded as `viewed`);
//! the files' downloads; decisions (`can_approve_work`) and comments
//! (`can_add_comments`). The `approvals` feature off: 404.

use atrium_common::error::ApiError;
use atrium_proto::portal::v1 as pb;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use http::{HeaderMap, Method, StatusCode};

use crate::api::Page;
use crate::api::approvals::{self, Approval, ApprovalFilter, named, one};
use crate::api::comments::NewComment;
use crate::call;
use crate::extract::{CustomerCall, Json, PathId, Query};
use crate::routes::admin::approvals::{file_request, send_file};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let gated = ["PERMISSION_DENIED", "NOT_FOUND", "CUSTOMER_ASSIGNMENT_REVOKED"];
    vec![
        Route::get("/api/customer/approvals", "The approvals of the customer's projects, pending first", get(list))
            .customer().query::<ApprovalFilter>().answers::<Page<Approval>>(200).errors(&["NOT_FOUND"]),
        Route::get("/api/customer/approvals/{id}", "One approval with its files and history (the first read of a revision is recorded)", get(read))
            .customer().answers::<Approval>(200).errors(&gated),
        Route::get("/api/customer/approvals/{id}/files/{file_id}", "Download one of the approval's files", get(download))
            .customer().file().errors(&["CUSTOMER_ASSIGNMENT_REVOKED", "CONFLICT"]),
        Route::post("/api/customer/approvals/{id}/respond", "Approve the current revision or request changes (a comment required); only while pending", post(respond))
            .customer().body::<approvals::Response>().answers::<Approval>(200)
            .errors(&["PERMISSION_DENIED", "NOT_FOUND", "CUSTOMER_ASSIGNMENT_REVOKED", "APPROVAL_ALREADY_DECIDED"]),
        Route::post("/api/customer/approvals/{id}/comments", "Comment on an approval", post(comment))
            .customer().body::<NewComment>().answers::<Approval>(201).errors(&gated),
    ]
}

fn by_id(PathId(id): &PathId) -> pb::ApprovalIdRequest {
    pb::ApprovalIdRequest {
        approval_id: id.to_string(),
    }
}

pub(crate) async fn list(
    customer: CustomerCall,
    Query(filter): Query<ApprovalFilter>,
) -> Answer<Page<Approval>> {
    let mut request = filter.request()?;
    // A customer's list is of their projects, whatever project they name.
    request.project_id = String::new();
    let response = call!(customer, my_approvals.list_my_approvals(request));
    let items = named(&customer, response.items, false).await?;
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn read(customer: CustomerCall, id: PathId) -> Answer<Approval> {
    let response = call!(customer, my_approvals.get_my_approval(by_id(&id)));
    Ok(Json(one(&customer, response).await?))
}

pub(crate) async fn download(
    customer: CustomerCall,
    Path(ids): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let file = call!(
        customer,
        my_approvals.get_my_approval_file(file_request(&ids)?)
    );
    send_file(&customer, (&method, &headers), file).await
}

pub(crate) async fn respond(
    customer: CustomerCall,
    PathId(id): PathId,
    Json(body): Json<approvals::Response>,
) -> Answer<Approval> {
    let request = pb::RespondToApprovalRequest {
        approval_id: id.to_string(),
        decision: body.decision,
        comment: body.comment.unwrap_or_default(),
    };
    let response = call!(customer, my_approvals.respond_to_approval(request));
    Ok(Json(one(&customer, response).await?))
}

pub(crate) async fn comment(
    customer: CustomerCall,
    PathId(id): PathId,
    Json(body): Json<NewComment>,
) -> Result<(StatusCode, Json<Approval>), ApiError> {
    let request = pb::ApprovalCommentRequest {
        approval_id: id.to_string(),
        body: body.body,
    };
    let response = call!(customer, my_approvals.comment_on_my_approval(request));
    Ok((StatusCode::CREATED, Json(one(&customer, response).await?)))
}
