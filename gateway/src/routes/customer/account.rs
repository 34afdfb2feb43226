//! A customer's way in: sign-in and out with the session cookie, the invitation link
//! (preview without consuming, accept to set a password and sign in), recovery, and a
//! password change that re-issues the caller's session.

use atrium_common::error::ApiError;
use atrium_proto::identity::v1 as pb;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::header::SET_COOKIE;
use http::{HeaderMap, HeaderValue, StatusCode};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::GatewayState;
use crate::api::people::{Csrf, InvitationPreview, SignedIn};
use crate::api::{ChangePassword, Forgot, Login, Message, TokenAndPassword, time};
use crate::extract::CustomerCall;
use crate::extract::{
    ActsFor, ClientAddr, CustomerSession, Json, Query, SESSION_COOKIE, Throttle, account_key,
    enforce_public_limit, from_client, user_agent,
};
use crate::routes::Route;
use crate::routes::recovery::{self, CustomerRecovery};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/api/customer/login", "Sign a customer in: sets the session cookie, answers the CSRF token", post(login))
            .body::<Login>().answers::<SignedIn>(200).limited().errors(&["INVALID_CREDENTIALS"]),
        Route::post("/api/customer/logout", "End the customer's session and clear the cookie", post(logout))
            .customer().no_content(),
        Route::get("/api/customer/invitations/preview", "What an invitation link is for; consumes nothing", get(preview_invitation))
            .query::<PreviewQuery>().answers::<InvitationPreview>(200).limited()
            .errors(&["TOKEN_INVALID"]),
        Route::post("/api/customer/invitations/accept", "Accept an invitation: set the password, activate, sign in", post(accept_invitation))
            .body::<TokenAndPassword>().answers::<SignedIn>(200).limited()
            .errors(&["TOKEN_INVALID"]),
        Route::post("/api/customer/password/forgot", "Email a reset link if the account exists; the same 202 either way", post(recovery::forgot::<CustomerRecovery>))
            .body::<Forgot>().answers::<Message>(202).limited(),
        Route::post("/api/customer/password/reset", "Set a new password with a reset link; ends every session, signs nobody in", post(recovery::reset::<CustomerRecovery>))
            .body::<TokenAndPassword>().no_content().limited().errors(&["TOKEN_INVALID"]),
        Route::post("/api/customer/password/change", "Change the password: every other session ends, the caller gets a new cookie", post(change_password))
            .customer().body::<ChangePassword>().answers::<Csrf>(200).limited()
            .errors(&["INVALID_CREDENTIALS"]),
    ]
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure when the public URL is https.
fn session_cookie(state: &GatewayState, token: &str, max_age: i64) -> HeaderValue {
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; {}",
        crate::routes::cookie_end(state, max_age)
    );
    HeaderValue::from_str(&cookie).expect("a base64url token is a valid header value")
}

/// An answer that sets the session cookie.
fn with_cookie(body: impl IntoResponse, cookie: HeaderValue) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(SET_COOKIE, cookie);
    response
}

/// The answer of a sign-in: the cookie and `{customer, csrf_token}`.
fn signed_in(state: &GatewayState, session: pb::CustomerSessionResponse) -> Response {
    let cookie = session_cookie(state, &session.session_token, session.max_age);
    let body = SignedIn {
        customer: session.customer.unwrap_or_default().into(),
        csrf_token: session.csrf_token,
    };
    with_cookie(axum::Json(body), cookie)
}

pub(crate) async fn login(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Json(body): Json<Login>,
) -> Result<Response, ApiError> {
    let account = account_key("customer-login", &body.org, &body.email);
    let throttle = Throttle::begin(&state, "customer-login", ip, account).await?;
    let request = pb::LoginCustomerRequest {
        org: body.org,
        email: body.email,
        password: body.password,
        ip: ip.to_string(),
        user_agent: user_agent(&headers),
    };
    let mut client = state.clients.customer_auth.clone();
    let session = client.login_customer(request).await?.into_inner();
    throttle.succeeded(&state).await;
    Ok(signed_in(&state, session))
}

pub(crate) async fn logout(customer: CustomerCall) -> Result<Response, ApiError> {
    let request = from_client(
        customer.client_ip,
        pb::LogoutCustomerRequest {
            session_token: customer.session_token.clone(),
        },
    );
    let mut client = customer.state.clients.customer_auth.clone();
    client.logout_customer(request).await?;
    Ok(with_cookie(
        StatusCode::NO_CONTENT,
        session_cookie(&customer.state, "", 0),
    ))
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub(crate) struct PreviewQuery {
    /// The token of the invitation link.
    pub token: Option<String>,
}

pub(crate) async fn preview_invitation(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    Query(query): Query<PreviewQuery>,
) -> Result<axum::Json<InvitationPreview>, ApiError> {
    enforce_public_limit(&state, ip).await?;
    let request = pb::PreviewInvitationRequest {
        token: query.token.unwrap_or_default(),
    };
    let mut client = state.clients.customer_auth.clone();
    let preview = client.preview_invitation(request).await?.into_inner();
    Ok(axum::Json(InvitationPreview {
        expires_at: time(preview.expires_at.as_ref()),
        org_name: preview.org_name,
        email: preview.email,
    }))
}

pub(crate) async fn accept_invitation(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Json(body): Json<TokenAndPassword>,
) -> Result<Response, ApiError> {
    enforce_public_limit(&state, ip).await?;
    let request = pb::AcceptInvitationRequest {
        token: body.token,
        password: body.password,
        ip: ip.to_string(),
        user_agent: user_agent(&headers),
    };
    let mut client = state.clients.customer_auth.clone();
    let session = client.accept_invitation(request).await?.into_inner();
    Ok(signed_in(&state, session))
}

pub(crate) async fn change_password(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    session: CustomerSession,
    Json(body): Json<ChangePassword>,
) -> Result<Response, ApiError> {
    let account = format!(
        "gateway:customer-password-change:account:{}",
        session.principal.subject_id
    );
    Throttle::begin(&state, "customer-login", ip, account).await?;
    let request = session.request(pb::ChangeCustomerPasswordRequest {
        current_password: body.current_password,
        new_password: body.new_password,
        ip: ip.to_string(),
        user_agent: user_agent(&headers),
    });
    let mut client = state.clients.customer_auth.clone();
    let opened = client.change_customer_password(request).await?.into_inner();
    let cookie = session_cookie(&state, &opened.session_token, opened.max_age);
    let body = Csrf {
        csrf_token: opened.csrf_token,
    };
    Ok(with_cookie(axum::Json(body), cookie))
}
