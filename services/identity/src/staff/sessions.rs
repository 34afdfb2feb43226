//! Staff sign-in and the server-side session every staff access token names: idle
//! 8 h, absolute 7 days, ended by logout, a password change or removal.

use atrium_common::db::Tx;
use atrium_common::ids::{OrgId, StaffId, StaffSessionId};
use chrono::{DateTime, TimeDelta, Utc};

use super::{StaffMember, StaffSession, StaffStatus, session_store};
use crate::credentials::{self, Account};
use crate::credentials::{Action, Holder};
use crate::error::IdentityError;
use crate::jwt::{self, Claims};
use crate::staff::store as staff_store;
use crate::{ACCESS_TOKEN_TTL, AppState, STAFF_SESSION_ABSOLUTE, STAFF_SESSION_IDLE};

/// What a client says when it signs a staff member in.
pub struct StaffLogin {
    pub org: String,
    pub email: String,
    pub password: String,
    pub ip: String,
    pub user_agent: String,
}

/// Checks the credentials (see [`credentials::sign_in`]) and opens a session; answers a
/// signed access token.
pub async fn login_staff(state: &AppState, login: StaffLogin) -> Result<String, IdentityError> {
    let staff: StaffMember =
        credentials::sign_in(state, &login.org, &login.email, login.password, &login.ip).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let signed_in = open_session(state, &mut tx, &staff, &login.ip, &login.user_agent, now).await?;
    staff
        .audit(Holder::Staff.action(Action::Login), &login.ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(signed_in)
}

/// Writes a new session for `staff` inside `tx` and answers its first access token.
pub async fn open_session(
    state: &AppState,
    tx: &mut Tx,
    staff: &StaffMember,
    ip: &str,
    user_agent: &str,
    now: DateTime<Utc>,
) -> Result<String, IdentityError> {
    let session = StaffSession {
        staff_session_id: StaffSessionId::new(),
        org_id: staff.org_id,
        staff_id: staff.staff_id,
        ip: ip.chars().take(64).collect(),
        user_agent: user_agent.chars().take(500).collect(),
        last_seen_at: now,
        expires_at: now + delta(STAFF_SESSION_ABSOLUTE),
        ended_at: None,
        created_at: now,
        updated_at: now,
    };
    session_store::insert_staff_session(tx, &session).await?;
    Ok(sign(state, staff, session.staff_session_id, now))
}

fn sign(
    state: &AppState,
    staff: &StaffMember,
    session_id: StaffSessionId,
    now: DateTime<Utc>,
) -> String {
    let claims = Claims {
        sub: staff.staff_id,
        org: staff.org_id,
        sid: session_id,
        iat: now.timestamp(),
        exp: now.timestamp() + ACCESS_TOKEN_TTL.as_secs() as i64,
    };
    jwt::sign(&claims, &state.jwt_secret)
}

/// Returns the staff member and session of a live access token, keeping the session
/// alive; an expired token, an ended or idle session, or a deactivated member is refused.
pub async fn authenticate_staff(
    state: &AppState,
    token: &str,
) -> Result<(StaffMember, StaffSessionId), IdentityError> {
    let now = state.clock.now();
    let claims = jwt::verify(token, &state.jwt_secret, now).ok_or(IdentityError::SessionInvalid)?;
    live_session(state, &claims, now).await
}

/// The member and session `claims` name, if both still live.
async fn live_session(
    state: &AppState,
    claims: &Claims,
    now: DateTime<Utc>,
) -> Result<(StaffMember, StaffSessionId), IdentityError> {
    let session = session_store::find_staff_session(&state.db, claims.org, claims.sid)
        .await?
        .ok_or(IdentityError::SessionInvalid)?;
    let live = session.ended_at.is_none()
        && session.staff_id == claims.sub
        && session.expires_at > now
        && now - session.last_seen_at < delta(STAFF_SESSION_IDLE);
    if !live {
        return Err(IdentityError::SessionInvalid);
    }
    let staff = staff_store::find_staff(&state.db, claims.org, claims.sub)
        .await?
        .ok_or(IdentityError::SessionInvalid)?;
    if staff.status != StaffStatus::Active {
        return Err(IdentityError::SessionInvalid);
    }
    // One write a minute is enough to keep the idle clock honest.
    if now - session.last_seen_at > TimeDelta::seconds(60) {
        session_store::touch_staff_session(
            &state.db,
            session.org_id,
            session.staff_session_id,
            now,
        )
        .await?;
    }
    Ok((staff, session.staff_session_id))
}

/// Signs a new access token for the session an access token names, even one past its
/// 900 s, while the session itself lives (idle 8 h, absolute 7 days, not ended).
pub async fn refresh_staff_token(state: &AppState, token: &str) -> Result<String, IdentityError> {
    let now = state.clock.now();
    let claims =
        jwt::verify_signature(token, &state.jwt_secret).ok_or(IdentityError::SessionInvalid)?;
    let (staff, session_id) = live_session(state, &claims, now).await?;
    Ok(sign(state, &staff, session_id, now))
}

/// Ends the session an access token names.
pub async fn logout_staff(state: &AppState, token: &str, ip: &str) -> Result<(), IdentityError> {
    let (staff, session_id) = authenticate_staff(state, token).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    session_store::end_staff_session(&mut tx, staff.org_id, session_id, now).await?;
    staff.audit("staff.logout", ip, now).record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn current_staff(
    state: &AppState,
    org_id: OrgId,
    staff_id: StaffId,
) -> Result<StaffMember, IdentityError> {
    staff_store::find_staff(&state.db, org_id, staff_id)
        .await?
        .ok_or(IdentityError::StaffNotFound)
}

fn delta(duration: std::time::Duration) -> TimeDelta {
    TimeDelta::from_std(duration).expect("duration in range")
}
