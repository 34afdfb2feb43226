//! Request extractors with DESIGN.md's answers for bad input: `Json` (415, 400, 413,
//! 422 naming the field), the client address (trusted-proxy rule), and the signed-in
//! staff member.

use std::net::{IpAddr, SocketAddr};

use atrium_common::auth::Principal;
use atrium_common::error::{ApiError, ErrorCode};
use atrium_common::limits::{Decision, RateLimit};
use atrium_common::roles::{Permission, Role};
use atrium_proto::identity::v1 as pb;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use bytes::Bytes;
use http::StatusCode;
use http::request::Parts;
use ipnet::IpNet;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::GatewayState;

/// Largest JSON body accepted (uploads aside).
pub const MAX_JSON_BODY: usize = 64 * 1024;

/// A JSON body; its rejections follow DESIGN.md's table.
pub struct Json<T>(pub T);

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

/// A signed-in staff member, checked against identity on this very request.
pub struct StaffSession {
    pub principal: Principal,
    pub client_ip: IpAddr,
    pub access_token: String,
    /// The staff member's role, as identity answered it just now.
    pub role: Role,
}

/// A signed-in caller of either tier, whose calls act for them.
pub trait ActsFor {
    /// Wraps `message` in a request that acts for this caller.
    fn request<T>(&self, message: T) -> tonic::Request<T>;
}

impl ActsFor for StaffSession {
    fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = from_client(self.client_ip, message);
        self.principal.write_to(request.metadata_mut());
        request
    }
}

impl StaffSession {
    /// 403 `PERMISSION_DENIED` naming `permission` unless the role has it. Called before
    /// any lookup, so without the permission every id answers alike.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.role.allows(permission) {
            return Ok(());
        }
        let mut err = ApiError::new(
            ErrorCode::PermissionDenied,
            format!("this needs the {permission} permission"),
        );
        err.permission = Some(permission.as_str().to_owned());
        Err(err)
    }
}

impl FromRequestParts<GatewayState> for StaffSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &GatewayState) -> Result<Self, ApiError> {
        let access_token = bearer(&parts.headers)
            .ok_or_else(ApiError::unauthenticated)?
            .to_owned();
        let request = pb::AuthenticateStaffRequest {
            access_token: access_token.clone(),
        };
        let response = state
            .clients
            .staff_auth
            .clone()
            .authenticate_staff(request)
            .await?
            .into_inner();
        let staff = response
            .staff
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "internal error"))?;
        let parse = |text: &str| {
            Uuid::parse_str(text).map_err(|_| ApiError::new(ErrorCode::Internal, "internal error"))
        };
        let role = Role::parse(&staff.role)
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "internal error"))?;
        let principal = Principal::staff(parse(&staff.org_id)?, parse(&staff.id)?, role);
        let ClientAddr(client_ip) = ClientAddr::from_request_parts(parts, state).await?;
        Ok(StaffSession {
            principal,
            client_ip,
            access_token,
            role,
        })
    }
}

/// The customer session cookie's name.
pub const SESSION_COOKIE: &str = "atrium_session";
/// The header a customer's state-changing request carries its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The value of the customer session cookie, if the request carries one.
pub fn session_cookie(headers: &http::HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// The value of the cookie called `wanted`, if the request carries a non-empty one.
pub fn cookie(headers: &http::HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// A signed-in customer, checked against identity on this very request. Every method but
/// GET and HEAD must also carry the session's CSRF token, else 403 `CSRF_FAILED`.
pub struct CustomerSession {
    pub principal: Principal,
    pub client_ip: IpAddr,
    pub session_token: String,
    pub session_id: String,
    pub csrf_token: String,
}

impl ActsFor for CustomerSession {
    fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = from_client(self.client_ip, message);
        self.principal.write_to(request.metadata_mut());
        request
    }
}

impl CustomerSession {
    /// Checks the cookie (and CSRF token) with identity, which answers what `wants` asks
    /// for besides (the profile, the organization and account manager).
    async fn check(
        parts: &mut Parts,
        state: &GatewayState,
        wants: Wants,
    ) -> Result<(CustomerSession, pb::AuthenticateCustomerResponse), ApiError> {
        let session_token = session_cookie(&parts.headers).ok_or_else(ApiError::unauthenticated)?;
        let request = pb::AuthenticateCustomerRequest {
            session_token: session_token.clone(),
            with_customer: wants == Wants::Profile,
            with_context: wants == Wants::Context,
        };
        let mut response = state
            .clients
            .customer_auth
            .clone()
            .authenticate_customer(request)
            .await?
            .into_inner();
        if !matches!(parts.method, http::Method::GET | http::Method::HEAD) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if sent.is_empty() || !atrium_common::token::secrets_equal(sent, &response.csrf_token) {
                return Err(csrf_failed());
            }
        }
        let parse = |text: &str| {
            Uuid::parse_str(text).map_err(|_| ApiError::new(ErrorCode::Internal, "internal error"))
        };
        let principal =
            Principal::customer(parse(&response.org_id)?, parse(&response.customer_id)?);
        let ClientAddr(client_ip) = ClientAddr::from_request_parts(parts, state).await?;
        let session = CustomerSession {
            principal,
            client_ip,
            session_token,
            session_id: std::mem::take(&mut response.session_id),
            csrf_token: std::mem::take(&mut response.csrf_token),
        };
        Ok((session, response))
    }
}

/// What a customer extractor asks identity for besides the session check.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wants {
    Session,
    Profile,
    Context,
}

impl FromRequestParts<GatewayState> for CustomerSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &GatewayState) -> Result<Self, ApiError> {
        Ok(CustomerSession::check(parts, state, Wants::Session)
            .await?
            .0)
    }
}

/// A signed-in customer with their profile as identity answered it on this request.
pub struct CustomerWithProfile {
    pub session: CustomerSession,
    pub customer: pb::Customer,
}

impl FromRequestParts<GatewayState> for CustomerWithProfile {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &GatewayState) -> Result<Self, ApiError> {
        let (session, response) = CustomerSession::check(parts, state, Wants::Profile).await?;
        let customer = response
            .customer
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "internal error"))?;
        Ok(CustomerWithProfile { session, customer })
    }
}

/// A signed-in customer with their organization and active account manager, as identity
/// answered them on this request.
pub struct CustomerWithContext {
    pub session: CustomerSession,
    pub organization: Option<pb::Organization>,
    pub account_manager: Option<pb::Staff>,
}

impl FromRequestParts<GatewayState> for CustomerWithContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &GatewayState) -> Result<Self, ApiError> {
        let (session, response) = CustomerSession::check(parts, state, Wants::Context).await?;
        Ok(CustomerWithContext {
            session,
            organization: response.organization,
            account_manager: response.account_manager,
        })
    }
}

pub fn csrf_failed() -> ApiError {
    ApiError::with_code(
        StatusCode::FORBIDDEN,
        "CSRF_FAILED",
        "the X-CSRF-Token header is missing or wrong",
    )
}

/// `page_size` and `page_token` from a query string; a `page_size` that is not a number
/// is 422 here, a number out of range is 422 from the service.
pub struct PageQuery {
    pub page_size: i32,
    pub page_token: String,
}

impl PageQuery {
    pub fn parse(query: &std::collections::HashMap<String, String>) -> Result<PageQuery, ApiError> {
        let page_size = match query.get("page_size").map(|v| v.trim()) {
            None | Some("") => 0,
            Some(text) => match text.parse::<i32>() {
                Ok(size) if size >= 1 => size,
                _ => {
                    return Err(ApiError::invalid_field(
                        "page_size",
                        "must be between 1 and 200",
                    ));
                }
            },
        };
        Ok(PageQuery {
            page_size,
            page_token: query.get("page_token").cloned().unwrap_or_default(),
        })
    }
}

/// A path id: anything but a UUID is 404, like an id that does not exist.
pub fn path_id(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text)
        .ok()
        .filter(|id| id.hyphenated().to_string() == text)
        .ok_or_else(ApiError::not_found)
}

/// A query string whose values are text; a malformed one is 422 rather than axum's 400.
pub struct QueryMap(pub std::collections::HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for QueryMap {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::try_from_uri(&parts.uri)
            .map(|axum::extract::Query(map)| QueryMap(map))
            .map_err(|_| ApiError::invalid_field("query", "is not a valid query string"))
    }
}

/// Counts one event against `limit`; over it, 429 `RATE_LIMITED` with `Retry-After`.
/// While Redis is down the store counts in this process, so limits never answer 503.
pub async fn enforce_limit(
    state: &GatewayState,
    key: &str,
    limit: RateLimit,
) -> Result<(), ApiError> {
    match state.limits.hit(key, limit).await {
        Decision::Allowed { .. } => Ok(()),
        Decision::Limited { retry_after } => Err(rate_limited(retry_after.as_secs())),
    }
}

pub fn rate_limited(retry_after: u64) -> ApiError {
    let mut err = ApiError::new(
        ErrorCode::ResourceExhausted,
        "too many requests, try again later",
    );
    err.retry_after = Some(retry_after);
    err
}

/// For PATCH bodies: an absent field is `None`, `null` is `Some(None)`, a value `Some(Some(v))`.
pub fn patch_field<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A PATCHed text for a service: unchanged stays unset, `null` clears (empty text).
pub fn patched(value: Option<Option<String>>) -> Option<String> {
    value.map(Option::unwrap_or_default)
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
