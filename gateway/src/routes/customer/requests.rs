//! The customer's requests (design/collaboration.md): open one (`can_submit_requests`;
//! its project must be theirs), list and read their own (public messages only), reply
//! (which reopens a closed one) and close. The `requests` feature off: 404.

use atrium_common::error::ApiError;
use atrium_proto::portal::v1 as pb;
use axum::routing::{get, post};
use http::StatusCode;

use crate::api::Page;
use crate::api::requests::{NewMessage, NewRequest, Request, RequestFilter, named, one};
use crate::call;
use crate::extract::{CustomerCall, Json, PathId, Query};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let gated = ["PERMISSION_DENIED", "NOT_FOUND"];
    vec![
        Route::post("/api/customer/requests", "Open a job request or support ticket", post(create))
            .customer().body::<NewRequest>().answers::<Request>(201).errors(&gated),
        Route::get("/api/customer/requests", "The customer's own requests, newest first", get(list))
            .customer().query::<RequestFilter>().answers::<Page<Request>>(200).errors(&gated),
        Route::get("/api/customer/requests/{id}", "One of the customer's requests with its public messages", get(read))
            .customer().answers::<Request>(200).errors(&gated),
        Route::post("/api/customer/requests/{id}/messages", "Reply on a request (a closed one opens again)", post(reply))
            .customer().body::<NewMessage>().answers::<Request>(201).errors(&gated),
        Route::post("/api/customer/requests/{id}/close", "Close one of the customer's requests", post(close))
            .customer().answers::<Request>(200).errors(&gated),
    ]
}

pub(crate) async fn create(
    customer: CustomerCall,
    Json(body): Json<NewRequest>,
) -> Result<(StatusCode, Json<Request>), ApiError> {
    let request = pb::CreateMyRequestRequest {
        r#type: body.request_type,
        category: body.category,
        title: body.title,
        description: body.description,
        priority: body.priority.unwrap_or_default(),
        project_id: body.project_id.unwrap_or_default(),
    };
    let response = call!(customer, my_requests.create_my_request(request));
    Ok((StatusCode::CREATED, Json(one(&customer, response).await?)))
}

pub(crate) async fn list(
    customer: CustomerCall,
    Query(filter): Query<RequestFilter>,
) -> Answer<Page<Request>> {
    let mut request = filter.request()?;
    // Staff's filters are not the customer's: their own requests only, by status and type.
    (request.priority, request.assignee_id) = (String::new(), String::new());
    (request.customer_id, request.project_id, request.q) =
        (String::new(), String::new(), String::new());
    let response = call!(customer, my_requests.list_my_requests(request));
    let items = named(&customer, response.items, false).await?;
    Ok(Json(Page::of(items, response.next_page_token)))
}

fn by_id(PathId(id): &PathId) -> pb::RequestIdRequest {
    pb::RequestIdRequest {
        request_id: id.to_string(),
    }
}

pub(crate) async fn read(customer: CustomerCall, id: PathId) -> Answer<Request> {
    let response = call!(customer, my_requests.get_my_request(by_id(&id)));
    Ok(Json(one(&customer, response).await?))
}

pub(crate) async fn reply(
    customer: CustomerCall,
    PathId(id): PathId,
    Json(body): Json<NewMessage>,
) -> Result<(StatusCode, Json<Request>), ApiError> {
    let request = pb::AddRequestMessageRequest {
        request_id: id.to_string(),
        body: body.body,
        internal: false,
    };
    let response = call!(customer, my_requests.add_my_request_message(request));
    Ok((StatusCode::CREATED, Json(one(&customer, response).await?)))
}

pub(crate) async fn close(customer: CustomerCall, id: PathId) -> Answer<Request> {
    let response = call!(customer, my_requests.close_my_request(by_id(&id)));
    Ok(Json(one(&customer, response).await?))
}
