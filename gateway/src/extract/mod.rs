//! Request extractors with DESIGN.md's answers for bad input: `Json` (415, 400, 413,
//! 422 naming the field), `Query` (422), path ids (404), the client address (the
//! trusted-proxy rule); the signed-in callers (`session`) and rate limits (`limits`).

mod call;
mod limits;
mod session;
mod upload;

pub use call::{Call, CustomerCall, PathId, PathIds, StaffCall};

pub use upload::Upload;

pub use limits::{Throttle, account_key, enforce_limit, enforce_public_limit};
pub use session::{
    ActsFor, CustomerSession, CustomerWithContext, CustomerWithProfile, SESSION_COOKIE,
    StaffSession, cookie,
};
pub(crate) use session::{Wants, csrf_failed};

use std::net::{IpAddr, SocketAddr};

use atrium_common::error::ApiError;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use bytes::Bytes;
use http::StatusCode;
use http::request::Parts;
use ipnet::IpNet;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::GatewayState;

/// Largest JSON body accepted (uploads aside).
pub const MAX_JSON_BODY: usize = 64 * 1024;

/// A JSON body; its rejections follow DESIGN.md's table. As an answer, the JSON of `T`.
pub struct Json<T>(pub T);

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// The `Idempotency-Key` header of a route that books money, as sent; a missing one is
/// empty, which the billing service answers with a 422 naming `idempotency_key`.
pub struct IdempotencyKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Ok(IdempotencyKey(key.to_owned()))
    }
}

/// A JSON body whose fields are all optional: a request without a body is `T::default()`
/// (DESIGN: such a route treats a missing body as `{}`); one with a body is [`Json`].
pub struct OptionalJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let headers = request.headers();
        let bodiless = !headers.contains_key(http::header::CONTENT_TYPE)
            && !headers.contains_key(http::header::TRANSFER_ENCODING)
            && headers
                .get(http::header::CONTENT_LENGTH)
                .is_none_or(|v| v == "0");
        if bodiless {
            return Ok(OptionalJson(T::default()));
        }
        let Json(value) = Json::from_request(request, state).await?;
        Ok(OptionalJson(value))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let has_body = request.headers().contains_key(http::header::CONTENT_TYPE)
            || request
                .headers()
                .get(http::header::CONTENT_LENGTH)
                .is_some_and(|v| v != "0")
            || request
                .headers()
                .contains_key(http::header::TRANSFER_ENCODING);
        if !has_body {
            // No body at all: it is not JSON, whatever its (absent) media type.
            return Err(malformed_json());
        }
        let is_json = request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::with_code(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "the body must be application/json",
            ));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    payload_too_large()
                } else {
                    malformed_json()
                }
            })?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|_| malformed_json())?;
        serde_path_to_error::deserialize(value)
            .map(Json)
            .map_err(|err| {
                let field = field_of(&err);
                let problem = err.inner().to_string();
                let problem = problem
                    .split(" at line")
                    .next()
                    .unwrap_or(&problem)
                    .to_owned();
                ApiError::invalid_field(&field, &problem)
            })
    }
}

fn field_of(err: &serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = err.path().to_string();
    if path != "." {
        return path;
    }
    // A missing field is reported at its parent; its name is in the message.
    let message = err.inner().to_string();
    message
        .split('`')
        .nth(1)
        .map_or_else(|| "body".to_owned(), str::to_owned)
}

pub fn malformed_json() -> ApiError {
    ApiError::with_code(
        StatusCode::BAD_REQUEST,
        "MALFORMED_JSON",
        "the body is not valid JSON",
    )
}

pub fn payload_too_large() -> ApiError {
    ApiError::with_code(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        "the body is larger than 64 KiB",
    )
}

/// The client's address: the socket peer, unless the peer is a trusted proxy; then the
/// right-most `X-Forwarded-For` entry that is not itself trusted.
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<GatewayState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &GatewayState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([127, 0, 0, 1]), |info| info.0.ip());
        Ok(ClientAddr(client_ip(
            peer,
            &parts.headers,
            &state.settings.trusted_proxies,
        )))
    }
}

pub fn client_ip(peer: IpAddr, headers: &http::HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|entry| entry.trim().parse().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .unwrap_or(peer)
}

/// The `User-Agent` header, or empty.
pub fn user_agent(headers: &http::HeaderMap) -> String {
    headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The bearer credential of a request, if any.
pub fn bearer(headers: &http::HeaderMap) -> Option<&str> {
    headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Wraps `message` in a request that carries the client's address (for the audit trail).
pub fn from_client<T>(ip: IpAddr, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    atrium_common::auth::write_client_ip(request.metadata_mut(), ip);
    request
}

/// A path id: anything but a UUID is 404, like an id that does not exist.
pub fn path_id(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text)
        .ok()
        .filter(|id| id.hyphenated().to_string() == text)
        .ok_or_else(ApiError::not_found)
}

/// A query string as `T`; one that does not fit is 422 naming `query` (not axum's 400).
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::try_from_uri(&parts.uri)
            .map(|axum::extract::Query(query)| Query(query))
            .map_err(|_| ApiError::invalid_field("query", "is not a valid query string"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "1.1.1.1, 2.2.2.2, 10.0.0.7".parse().unwrap(),
        );
        let from_proxy = client_ip("10.0.0.1".parse().unwrap(), &headers, &trusted);
        assert_eq!(from_proxy, "2.2.2.2".parse::<IpAddr>().unwrap());
        let direct = client_ip("3.3.3.3".parse().unwrap(), &headers, &trusted);
        assert_eq!(direct, "3.3.3.3".parse::<IpAddr>().unwrap());
    }
}
