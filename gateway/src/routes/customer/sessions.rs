//! The customer's live sessions, the current one marked, and ending one of them (never
//! another with it).

use atrium_common::error::ApiError;
use atrium_proto::identity::v1 as pb;
use axum::routing::{delete, get};
use http::StatusCode;

use crate::api::people::Session;
use crate::api::{Page, time};
use crate::call;
use crate::extract::CustomerCall;
use crate::extract::Json;
use crate::extract::PathId;
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/customer/sessions", "The customer's live sessions, the current one marked", get(list))
            .customer().answers::<Page<Session>>(200),
        Route::delete("/api/customer/sessions/{id}", "End one of the customer's sessions; no other ends with it", delete(end))
            .customer().no_content(),
    ]
}

pub(crate) async fn list(customer: CustomerCall) -> Answer<Page<Session>> {
    let request = pb::ListCustomerSessionsRequest {};
    let response = call!(customer, customer_auth.list_customer_sessions(request));
    let items = response.items.into_iter().map(|s| Session {
        current: s.id == customer.session_id,
        id: s.id.into(),
        created_at: time(s.created_at.as_ref()),
        last_seen_at: time(s.last_seen_at.as_ref()),
        user_agent: s.user_agent,
        ip: s.ip,
    });
    Ok(Json(Page::of(items, String::new())))
}

pub(crate) async fn end(customer: CustomerCall, id: PathId) -> Result<StatusCode, ApiError> {
    let request = pb::EndCustomerSessionRequest {
        session_id: id.to_string(),
    };
    call!(customer, customer_auth.end_customer_session(request));
    Ok(StatusCode::NO_CONTENT)
}
