//! A staff member's own account: profile, password change, and recovery by an emailed
//! 60-minute single-use link (forgot answers alike whether or not the account exists).

use atrium_common::auth::Principal;
use atrium_common::outbox;
use atrium_common::password::{hash_password, verify_password};
use atrium_common::token::{hash_token, random_token};

use crate::AppState;
use crate::audit::{Actor, Audit};
use crate::error::IdentityError;
use crate::jwt;
use crate::mail::{LinkMail, link_mail};
use crate::recovery::RESET_TTL;
use crate::store::{self, StaffRow, StaffTokenPurpose};
use crate::validate;

/// Own name, title and phone; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct OwnProfile {
    pub name: Option<String>,
    pub title: Option<String>,
    pub phone: Option<String>,
}

pub async fn update_profile(
    state: &AppState,
    principal: &Principal,
    profile: OwnProfile,
    ip: &str,
) -> Result<StaffRow, IdentityError> {
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
    let now = state.clock.now();
    let staff = store::update_staff_profile(
        &state.db,
        principal.org_id,
        principal.subject_id,
        [name.as_deref(), title.as_deref(), phone.as_deref()],
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
        actor: Actor::staff(principal.subject_id),
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
        .filter(|claims| claims.sub == principal.subject_id && claims.org == principal.org_id)
        .ok_or(IdentityError::SessionInvalid)?
        .sid;
    let staff = store::find_staff(&state.db, principal.org_id, principal.subject_id)
        .await?
        .ok_or(IdentityError::SessionInvalid)?;
    let hash = staff.password_hash.clone().unwrap_or_default();
    if hash.is_empty() || !verify_password(current, hash).await? {
        return Err(IdentityError::InvalidCredentials);
    }
    let password_hash = hash_password(new).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    store::set_staff_password(
        &mut tx,
        staff.org_id,
        staff.staff_id,
        &password_hash,
        "active",
        now,
    )
    .await?
    .ok_or(IdentityError::SessionInvalid)?;
    store::end_staff_sessions(&mut tx, staff.org_id, staff.staff_id, Some(session_id), now).await?;
    Audit {
        org_id: staff.org_id,
        actor: Actor::staff(staff.staff_id),
        action: "staff.password_changed",
        subject: ("staff", staff.staff_id),
        ip,
        at: now,
    }
    .record(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Queues a reset mail for an active staff member of `org` with `email`; anything else
/// quietly does nothing. The caller answers 202 either way.
pub async fn forgot(state: &AppState, org: &str, email: &str) -> Result<(), IdentityError> {
    let Some(org) = store::find_organization_by_slug(&state.db, org).await? else {
        return Ok(());
    };
    let staff = store::find_staff_by_email(
        &state.db,
        org.organization_id,
        &validate::normalize_email(email),
    )
    .await?;
    let Some(staff) = staff.filter(|s| s.status == "active") else {
        return Ok(());
    };
    let token = random_token();
    let token_hash = hash_token(&token);
    let now = state.clock.now();
    let expires_at = now + RESET_TTL;
    let mail = link_mail(
        state,
        (&staff).into(),
        LinkMail {
            template: "staff_password_reset",
            page: "/admin/reset-password",
            token: &token,
            token_hash: &token_hash,
            expires_at,
            org_name: &org.name,
            sender_name: "",
            extra: &[],
        },
    );
    let mut tx = state.db.begin().await?;
    store::insert_staff_token(
        &mut tx,
        &staff,
        StaffTokenPurpose::Reset,
        &token_hash,
        expires_at,
        now,
    )
    .await?;
    outbox::enqueue_email(&mut tx, &mail, now).await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(())
}

/// Sets a new password with a reset token (of racing uses exactly one wins) and ends
/// every session of the member. Signs nobody in.
pub async fn reset(
    state: &AppState,
    token: &str,
    password: String,
    ip: &str,
) -> Result<(), IdentityError> {
    validate::new_password("password", &password)?;
    if token.is_empty() || token.len() > 100 {
        return Err(IdentityError::TokenInvalid);
    }
    let password_hash = hash_password(password).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let (org_id, staff_id) =
        store::consume_staff_token(&mut tx, &hash_token(token), StaffTokenPurpose::Reset, now)
            .await?
            .ok_or(IdentityError::TokenInvalid)?;
    store::set_staff_password(&mut tx, org_id, staff_id, &password_hash, "active", now)
        .await?
        .ok_or(IdentityError::TokenInvalid)?;
    store::end_staff_sessions(&mut tx, org_id, staff_id, None, now).await?;
    Audit {
        org_id,
        actor: Actor::staff(staff_id),
        action: "staff.password_reset",
        subject: ("staff", staff_id),
        ip,
        at: now,
    }
    .record(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
