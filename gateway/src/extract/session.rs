//! The signed-in callers of each tier, checked against identity on the very request:
//! a staff member by bearer token, a customer by session cookie and CSRF token.

use std::net::IpAddr;

use atrium_common::auth::Principal;
use atrium_common::error::{ApiError, ErrorCode};
use atrium_common::roles::{Permission, Role};
use atrium_proto::identity::v1 as pb;
use axum::extract::FromRequestParts;
use http::StatusCode;
use http::request::Parts;
use uuid::Uuid;

use super::{ClientAddr, bearer, from_client};
use crate::GatewayState;

/// A signed-in staff member, checked against identity on this very request.
#[derive(Clone)]
pub struct StaffSession {
    pub principal: Principal,
    pub client_ip: IpAddr,
    pub access_token: String,
    /// The staff member's role, as identity answered it just now.
    pub role: Role,
    /// The server-side session the token names.
    pub session_id: String,
    /// The member's own language (empty: none chosen).
    pub locale: String,
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
        // The route's permission check signed the member in already.
        if let Some(session) = parts.extensions.remove::<StaffSession>() {
            return Ok(session);
        }
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
            session_id: response.session_id,
            locale: staff.locale,
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
#[derive(Clone)]
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
    /// Checks the cookie (and, with `csrf_header`, the CSRF header) with identity, which
    /// answers what `wants` asks for besides (the profile, the organization and account
    /// manager). Pages check the CSRF token of their forms' field instead.
    pub(crate) async fn check(
        parts: &mut Parts,
        state: &GatewayState,
        wants: Wants,
        csrf_header: bool,
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
        if csrf_header && !matches!(parts.method, http::Method::GET | http::Method::HEAD) {
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
pub(crate) enum Wants {
    Session,
    Profile,
    Context,
}

impl FromRequestParts<GatewayState> for CustomerSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &GatewayState) -> Result<Self, ApiError> {
        Ok(CustomerSession::check(parts, state, Wants::Session, true)
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
        let (session, response) =
            CustomerSession::check(parts, state, Wants::Profile, true).await?;
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
        let (session, response) =
            CustomerSession::check(parts, state, Wants::Context, true).await?;
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
