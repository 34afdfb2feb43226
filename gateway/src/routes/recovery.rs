//! What staff and customer recovery share: the limits a forgot request is counted
//! against, the answer it gives for known and unknown accounts alike, and the request a
//! reset sends.

use std::net::IpAddr;

use std::future::Future;

use atrium_common::error::ApiError;
use atrium_proto::identity::v1 as pb;
use axum::Json;
use axum::extract::State;
use http::StatusCode;

use crate::GatewayState;
use crate::api::{Forgot, Message, TokenAndPassword};
use crate::extract::{ClientAddr, account_key, enforce_limit, enforce_public_limit, from_client};

/// A tier's recovery: the scope its account limit counts under and the identity calls
/// it makes. The handlers below are the same for every tier.
pub trait Recovery: 'static {
    const SCOPE: &'static str;

    fn forgot(
        state: &GatewayState,
        request: pb::ForgotPasswordRequest,
    ) -> impl Future<Output = Result<(), tonic::Status>> + Send;

    fn reset(
        state: &GatewayState,
        request: tonic::Request<pb::ResetPasswordRequest>,
    ) -> impl Future<Output = Result<(), tonic::Status>> + Send;
}

/// Staff recovery (`/api/admin/password/…`).
pub struct StaffRecovery;

impl Recovery for StaffRecovery {
    const SCOPE: &'static str = "staff-recovery";

    async fn forgot(
        state: &GatewayState,
        request: pb::ForgotPasswordRequest,
    ) -> Result<(), tonic::Status> {
        let mut client = state.clients.staff_auth.clone();
        client.forgot_staff_password(request).await.map(drop)
    }

    async fn reset(
        state: &GatewayState,
        request: tonic::Request<pb::ResetPasswordRequest>,
    ) -> Result<(), tonic::Status> {
        let mut client = state.clients.staff_auth.clone();
        client.reset_staff_password(request).await.map(drop)
    }
}

/// Customer recovery (`/api/customer/password/…`).
pub struct CustomerRecovery;

impl Recovery for CustomerRecovery {
    const SCOPE: &'static str = "customer-recovery";

    async fn forgot(
        state: &GatewayState,
        request: pb::ForgotPasswordRequest,
    ) -> Result<(), tonic::Status> {
        let mut client = state.clients.customer_auth.clone();
        client.forgot_password(request).await.map(drop)
    }

    async fn reset(
        state: &GatewayState,
        request: tonic::Request<pb::ResetPasswordRequest>,
    ) -> Result<(), tonic::Status> {
        let mut client = state.clients.customer_auth.clone();
        client.reset_password(request).await.map(drop)
    }
}

/// `POST /api/<tier>/password/forgot`: the same 202 for known and unknown accounts.
pub async fn forgot<T: Recovery>(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    crate::extract::Json(body): crate::extract::Json<Forgot>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    let request = forgot_request(&state, ip, T::SCOPE, body).await?;
    T::forgot(&state, request).await?;
    Ok(accepted())
}

/// `POST /api/<tier>/password/reset`.
pub async fn reset<T: Recovery>(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    crate::extract::Json(body): crate::extract::Json<TokenAndPassword>,
) -> Result<StatusCode, ApiError> {
    let request = reset_request(&state, ip, body).await?;
    T::reset(&state, request).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Counts a forgot request against the address and the account (`scope`, as typed)
/// limits; answers the request to send.
pub async fn forgot_request(
    state: &GatewayState,
    ip: IpAddr,
    scope: &str,
    body: Forgot,
) -> Result<pb::ForgotPasswordRequest, ApiError> {
    enforce_public_limit(state, ip).await?;
    let account = account_key(scope, &body.org, &body.email);
    enforce_limit(state, &account, state.settings.rate_limits.recovery_account).await?;
    Ok(pb::ForgotPasswordRequest {
        org: body.org,
        email: body.email,
    })
}

/// What forgot answers, for known and unknown accounts alike.
pub fn accepted() -> (StatusCode, Json<Message>) {
    let message = "if an account exists for this email, a reset link is on its way";
    (
        StatusCode::ACCEPTED,
        Json(Message {
            message: message.into(),
        }),
    )
}

/// Counts a reset against the address limit; answers the request, carrying the address.
pub async fn reset_request(
    state: &GatewayState,
    ip: IpAddr,
    body: TokenAndPassword,
) -> Result<tonic::Request<pb::ResetPasswordRequest>, ApiError> {
    enforce_public_limit(state, ip).await?;
    let message = pb::ResetPasswordRequest {
        token: body.token,
        password: body.password,
    };
    Ok(from_client(ip, message))
}
