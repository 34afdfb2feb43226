//! What staff and customer recovery share: the limits a forgot request is counted
//! against, the answer it gives for known and unknown accounts alike, and the request a
//! reset sends.

use std::net::IpAddr;

use atrium_common::error::ApiError;
use atrium_proto::identity::v1 as pb;
use axum::Json;
use http::StatusCode;

use crate::GatewayState;
use crate::api::{Forgot, Message, TokenAndPassword};
use crate::extract::{account_key, enforce_limit, enforce_public_limit, from_client};

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
