//! A staff member's own account: profile and password change (recovery is the credential
//! core's, [`crate::credentials::forgot`] and [`crate::credentials::reset`]).

use atrium_common::auth::Principal;
use atrium_common::password::hash_password;

use super::session_store as staff_session_store;
use super::store as staff_store;
use super::{StaffMember, StaffStatus};
use crate::AppState;
use crate::audit::{Actor, Audit};
use crate::credentials::{self, Account};
use crate::error::IdentityError;
use crate::jwt;
use crate::validate;

/// Own name, title, phone and language; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct OwnProfile {
    pub name: Option<String>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub locale: Option<String>,
}

pub async fn update_profile(
    state: &AppState,
    principal: &Principal,
    profile: OwnProfile,
    ip: &str,
) -> Result<StaffMember, IdentityError> {
    let name = profile
        .name
        .map(|n| validate::name("name", &n))
        .transpose()?;
    let title = profile
        .title
        .map(|t| validate::optional_text("title", &t, 200))
        .transpose()?;
    let phone = profile
        .phone
        .map(|p| validate::optional_text("phone", &p, 50))
        .transpose()?;
    let locale = profile
        .locale
        .map(|l| validate::locale("locale", &l))
        .transpose()?;
    let now = state.clock.now();
    let staff = staff_store::update_staff_profile(
        &state.db,
        principal.org_id,
        principal.staff_id(),
        [
            name.as_deref(),
            title.as_deref(),
            phone.as_deref(),
            locale.as_deref(),
        ],
        now,
    )
    .await?
    .ok_or(IdentityError::StaffNotFound)?;
    self_audit(state, principal, "staff.updated", ip).await?;
    Ok(staff)
}

async fn self_audit(
    state: &AppState,
    principal: &Principal,
    action: &'static str,
    ip: &str,
) -> Result<(), IdentityError> {
    Audit {
        org_id: principal.org_id,
        actor: Actor::staff(principal.staff_id()),
        action,
        subject: ("staff", principal.subject_id),
        ip,
        at: state.clock.now(),
    }
    .record_alone(&state.db)
    .await
}

/// Changes the caller's password after checking the current one; every other session of
/// theirs ends, the calling one (`session_id`) lives on.
pub async fn change_password(
    state: &AppState,
    principal: &Principal,
    access_token: &str,
    current: String,
    new: String,
    ip: &str,
) -> Result<(), IdentityError> {
    validate::new_password("new_password", &new)?;
    // The gateway checked this very token's session a moment ago: only its id is needed.
    let session_id = jwt::verify(access_token, &state.jwt_secret, state.clock.now())
        .filter(|claims| claims.sub == principal.staff_id() && claims.org == principal.org_id)
        .ok_or(IdentityError::SessionInvalid)?
        .sid;
    let staff = staff_store::find_staff(&state.db, principal.org_id, principal.staff_id())
        .await?
        .ok_or(IdentityError::SessionInvalid)?;
    credentials::check_current(&staff, current).await?;
    let password_hash = hash_password(new).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    staff_store::set_staff_password(
        &mut tx,
        staff.org_id,
        staff.staff_id,
        &password_hash,
        StaffStatus::Active,
        now,
    )
    .await?
    .ok_or(IdentityError::SessionInvalid)?;
    staff_session_store::end_staff_sessions(
        &mut tx,
        staff.org_id,
        staff.staff_id,
        Some(session_id),
        now,
    )
    .await?;
    staff
        .audit("staff.password_changed", ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
