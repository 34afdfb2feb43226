//! A staff member's own account: sign-in and out, token refresh, profile, password
//! change, recovery, and accepting a staff invitation.

use atrium_common::error::ApiError;
use atrium_proto::identity::v1 as pb;
use axum::extract::State;
use axum::routing::{get, patch, post};
use http::{HeaderMap, StatusCode};

use crate::GatewayState;
use crate::api::people::{OwnProfilePatch, Staff, Token};
use crate::api::{ChangePassword, Forgot, Login, Message, TokenAndPassword};
use crate::call;
use crate::extract::StaffCall;
use crate::extract::{
    ClientAddr, Json, Throttle, account_key, bearer, enforce_public_limit, user_agent,
};
use crate::routes::recovery::{self, StaffRecovery};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/api/admin/login", "Sign a staff member in", post(login))
            .body::<Login>().answers::<Token>(200).limited().errors(&["INVALID_CREDENTIALS"]),
        Route::post("/api/admin/logout", "End the staff session the token names", post(logout))
            .any_staff().no_content(),
        Route::get("/api/admin/me", "The signed-in staff member, with role and permissions", get(me))
            .any_staff().answers::<Staff>(200),
        Route::patch("/api/admin/me", "Edit own name, title and phone (absent: unchanged, null: cleared)", patch(update_me))
            .any_staff().body::<OwnProfilePatch>().answers::<Staff>(200),
        Route::post("/api/admin/token/refresh", "A new access token for the live session the bearer token (even expired) names", post(refresh))
            .any_staff().answers::<Token>(200),
        Route::post("/api/admin/password/change", "Change own password; every other session ends", post(change_password))
            .any_staff().body::<ChangePassword>().no_content().limited()
            .errors(&["INVALID_CREDENTIALS"]),
        Route::post("/api/admin/password/forgot", "Mail a 60-minute reset link if the account exists; the answer is the same either way", post(recovery::forgot::<StaffRecovery>))
            .body::<Forgot>().answers::<Message>(202).limited(),
        Route::post("/api/admin/password/reset", "Set a new password with a reset link; every session ends", post(recovery::reset::<StaffRecovery>))
            .body::<TokenAndPassword>().no_content().limited().errors(&["TOKEN_INVALID"]),
        Route::post("/api/admin/invitations/accept", "Accept a staff invitation: set the password, activate, sign in", post(accept_invitation))
            .body::<TokenAndPassword>().answers::<Token>(200).limited()
            .errors(&["TOKEN_INVALID"]),
    ]
}

pub(crate) async fn login(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Json(body): Json<Login>,
) -> Result<axum::Json<Token>, ApiError> {
    let account = account_key("staff-login", &body.org, &body.email);
    let throttle = Throttle::begin(&state, "staff-login", ip, account).await?;
    let request = pb::LoginStaffRequest {
        org: body.org,
        email: body.email,
        password: body.password,
        ip: ip.to_string(),
        user_agent: user_agent(&headers),
    };
    let response = state
        .clients
        .staff_auth
        .clone()
        .login_staff(request)
        .await?
        .into_inner();
    throttle.succeeded(&state).await;
    Ok(axum::Json(response.into()))
}

pub(crate) async fn logout(staff: StaffCall) -> Result<StatusCode, ApiError> {
    let request = pb::LogoutStaffRequest {
        access_token: staff.access_token.clone(),
    };
    call!(staff, staff_auth.logout_staff(request));
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn me(staff: StaffCall) -> Answer<Staff> {
    let response = call!(
        staff,
        staff.get_current_staff(pb::GetCurrentStaffRequest {})
    );
    Ok(Json(response.staff.unwrap_or_default().into()))
}

pub(crate) async fn update_me(
    staff: StaffCall,
    Json(body): Json<OwnProfilePatch>,
) -> Answer<Staff> {
    let name = body.name.required("name", "cannot be cleared")?;
    let request = pb::UpdateCurrentStaffRequest {
        name,
        title: body.title.text(),
        phone: body.phone.text(),
        locale: body.locale.text(),
    };
    let response = call!(staff, staff.update_current_staff(request));
    Ok(Json(response.staff.unwrap_or_default().into()))
}

/// Renews from the bearer token itself, which may be past its 900 s: no session extractor.
async fn refresh(
    State(state): State<GatewayState>,
    headers: HeaderMap,
) -> Result<axum::Json<Token>, ApiError> {
    let access_token = bearer(&headers).ok_or_else(ApiError::unauthenticated)?;
    let request = pb::RefreshStaffTokenRequest {
        access_token: access_token.to_owned(),
    };
    let mut client = state.clients.staff_auth.clone();
    let response = client.refresh_staff_token(request).await?.into_inner();
    Ok(axum::Json(response.into()))
}

pub(crate) async fn change_password(
    staff: StaffCall,
    Json(body): Json<ChangePassword>,
) -> Result<StatusCode, ApiError> {
    let member = format!(
        "gateway:staff-password-change:account:{}",
        staff.principal.subject_id
    );
    Throttle::begin(&staff.state, "staff-login", staff.client_ip, member).await?;
    let request = pb::ChangeStaffPasswordRequest {
        current_password: body.current_password,
        new_password: body.new_password,
        access_token: staff.access_token.clone(),
    };
    call!(staff, staff.change_staff_password(request));
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn accept_invitation(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Json(body): Json<TokenAndPassword>,
) -> Result<axum::Json<Token>, ApiError> {
    enforce_public_limit(&state, ip).await?;
    let request = pb::AcceptStaffInvitationRequest {
        token: body.token,
        password: body.password,
        ip: ip.to_string(),
        user_agent: user_agent(&headers),
    };
    let mut client = state.clients.staff_auth.clone();
    let response = client.accept_staff_invitation(request).await?.into_inner();
    Ok(axum::Json(response.into()))
}
