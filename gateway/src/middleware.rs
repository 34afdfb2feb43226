//! What wraps every request: a request id (echoed in `x-request-id` and in error bodies),
//! the root span of the trace, and `Cache-Control: no-store` on personal answers.

use atrium_common::error::REQUEST_ID;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use tracing::Instrument;

const REQUEST_ID_HEADER: &str = "x-request-id";

pub async fn request_context(request: Request, next: Next) -> Response {
    let request_id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let path = request.uri().path().to_owned();
    let span = tracing::info_span!(
        "http.request",
        http.method = %request.method(),
        http.route = %route,
        request_id = %request_id,
        http.status = tracing::field::Empty,
    );
    let mut response = REQUEST_ID
        .scope(
            request_id.clone(),
            next.run(request).instrument(span.clone()),
        )
        .await;
    span.record("http.status", response.status().as_u16());
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert(REQUEST_ID_HEADER, value);
    }
    if path.starts_with("/api/admin")
        || path.starts_with("/api/customer")
        || path.starts_with("/api/platform")
    {
        headers.insert(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        );
    }
    response
}
