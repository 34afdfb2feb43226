//! Organizations and their staff: onboarding a tenant with its owner, staff sign-in and
//! the server-side session that every staff token names.

use atrium_common::db::Tx;
use atrium_common::password::hash_password;
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::audit::{Actor, Audit};
use crate::credentials::tokens::Redeemed;
use crate::credentials::{self, Account, Holder, Key, Purpose};
use crate::error::IdentityError;
use crate::jwt::{self, Claims};
use crate::mail::Recipient;
use crate::session_cache::Revoking;
use crate::store::{self, OrganizationRow, StaffRow, StaffSessionRow};
use crate::validate::{self, Email, Slug};
use crate::{ACCESS_TOKEN_TTL, AppState, STAFF_SESSION_ABSOLUTE, STAFF_SESSION_IDLE};

/// A tenant to onboard and its first owner.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub slug: String,
    pub name: String,
    pub owner_email: String,
    pub owner_password: String,
}

/// The outcome of onboarding: the organization, its owner, and whether it was new.
#[derive(Debug, Clone)]
pub struct Onboarded {
    pub organization: OrganizationRow,
    pub owner: StaffRow,
    pub created: bool,
}

/// Creates an organization and its owner in one transaction. With `if_absent`, an
/// existing slug answers the existing organization instead of `OrganizationExists`.
pub async fn create_organization(
    state: &AppState,
    input: NewOrganization,
    if_absent: bool,
) -> Result<Onboarded, IdentityError> {
    let slug = Slug::parse(&input.slug)?;
    let name = validate::name("name", &input.name)?;
    let email = Email::parse("owner_email", &input.owner_email)?;
    validate::new_password("owner_password", &input.owner_password)?;
    if if_absent && let Some(existing) = existing_organization(state, &slug).await? {
        return Ok(existing);
    }
    let password_hash = hash_password(input.owner_password).await?;
    let now = state.clock.now();
    let organization = OrganizationRow {
        organization_id: Uuid::new_v4(),
        slug: slug.as_str().to_owned(),
        name,
        created_at: now,
        updated_at: now,
    };
    let owner = StaffRow {
        staff_id: Uuid::new_v4(),
        org_id: organization.organization_id,
        name: email.display.clone(),
        email: email.display,
        email_normalized: email.normalized,
        title: String::new(),
        phone: String::new(),
        role: "owner".into(),
        status: "active".into(),
        password_hash: Some(password_hash),
        created_at: now,
        updated_at: now,
    };
    let mut tx = state.db.begin().await?;
    match store::insert_organization(&mut tx, &organization).await {
        Err(IdentityError::OrganizationExists) if if_absent => {
            drop(tx);
            // Another process onboarded the same slug a moment ago: answer theirs.
            return existing_organization(state, &slug)
                .await?
                .ok_or(IdentityError::OrganizationExists);
        }
        other => other?,
    }
    store::insert_staff(&mut tx, &owner).await?;
    tx.commit().await?;
    tracing::info!(org = %organization.slug, "organization created");
    Ok(Onboarded {
        organization,
        owner,
        created: true,
    })
}

async fn existing_organization(
    state: &AppState,
    slug: &Slug,
) -> Result<Option<Onboarded>, IdentityError> {
    let Some(organization) = store::find_organization_by_slug(&state.db, slug.as_str()).await?
    else {
        return Ok(None);
    };
    let owner = store::find_first_owner(&state.db, organization.organization_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("organization {} has no owner", organization.slug))?;
    Ok(Some(Onboarded {
        organization,
        owner,
        created: false,
    }))
}

pub async fn get_organization(
    state: &AppState,
    slug: &str,
) -> Result<OrganizationRow, IdentityError> {
    store::find_organization_by_slug(&state.db, slug)
        .await?
        .ok_or(IdentityError::OrganizationNotFound)
}

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
    let staff: StaffRow =
        credentials::sign_in(state, &login.org, &login.email, login.password, &login.ip).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let signed_in = open_session(state, &mut tx, &staff, &login.ip, &login.user_agent, now).await?;
    staff
        .audit(StaffRow::LOGIN, &login.ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(signed_in)
}

impl Account for StaffRow {
    const HOLDER: Holder = Holder::Staff;
    const LOGIN: &'static str = "staff.login";
    const LOGIN_FAILED: &'static str = "staff.login_failed";
    const PASSWORD_RESET: &'static str = "staff.password_reset";
    const RESET_TEMPLATE: &'static str = "staff_password_reset";
    const RESET_PAGE: &'static str = "/admin/reset-password";

    fn key(&self) -> Key<'_> {
        Key {
            org_id: self.org_id,
            id: self.staff_id,
            password_hash: self.password_hash.as_deref(),
            active: self.status == "active",
        }
    }

    fn recipient(&self) -> Recipient<'_> {
        self.into()
    }

    async fn find_by_email(
        state: &AppState,
        org_id: Uuid,
        email: &str,
    ) -> Result<Option<StaffRow>, IdentityError> {
        store::find_staff_by_email(&state.db, org_id, email).await
    }

    async fn set_password(
        tx: &mut Tx,
        redeemed: Redeemed,
        purpose: Purpose,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<StaffRow>, IdentityError> {
        let from_status = match purpose {
            Purpose::Invitation => "invited",
            Purpose::Reset => "active",
        };
        let (org_id, staff_id) = (redeemed.org_id, redeemed.holder_id);
        store::set_staff_password(tx, org_id, staff_id, password_hash, from_status, now).await
    }

    async fn end_sessions(
        &self,
        _state: &AppState,
        tx: &mut Tx,
        now: DateTime<Utc>,
    ) -> Result<Option<Revoking>, IdentityError> {
        store::end_staff_sessions(tx, self.org_id, self.staff_id, None, now).await?;
        Ok(None)
    }
}

/// Writes a new session for `staff` inside `tx` and answers its first access token.
pub async fn open_session(
    state: &AppState,
    tx: &mut Tx,
    staff: &StaffRow,
    ip: &str,
    user_agent: &str,
    now: DateTime<Utc>,
) -> Result<String, IdentityError> {
    let session = StaffSessionRow {
        staff_session_id: Uuid::new_v4(),
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
    store::insert_staff_session(tx, &session).await?;
    Ok(sign(state, staff, session.staff_session_id, now))
}

fn sign(state: &AppState, staff: &StaffRow, session_id: Uuid, now: DateTime<Utc>) -> String {
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
) -> Result<(StaffRow, Uuid), IdentityError> {
    let now = state.clock.now();
    let claims = jwt::verify(token, &state.jwt_secret, now).ok_or(IdentityError::SessionInvalid)?;
    live_session(state, &claims, now).await
}

/// The member and session `claims` name, if both still live.
async fn live_session(
    state: &AppState,
    claims: &Claims,
    now: DateTime<Utc>,
) -> Result<(StaffRow, Uuid), IdentityError> {
    let session = store::find_staff_session(&state.db, claims.org, claims.sid)
        .await?
        .ok_or(IdentityError::SessionInvalid)?;
    let live = session.ended_at.is_none()
        && session.staff_id == claims.sub
        && session.expires_at > now
        && now - session.last_seen_at < delta(STAFF_SESSION_IDLE);
    if !live {
        return Err(IdentityError::SessionInvalid);
    }
    let staff = store::find_staff(&state.db, claims.org, claims.sub)
        .await?
        .ok_or(IdentityError::SessionInvalid)?;
    if staff.status != "active" {
        return Err(IdentityError::SessionInvalid);
    }
    // One write a minute is enough to keep the idle clock honest.
    if now - session.last_seen_at > TimeDelta::seconds(60) {
        store::touch_staff_session(&state.db, session.org_id, session.staff_session_id, now)
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
    store::end_staff_session(&mut tx, staff.org_id, session_id, now).await?;
    Audit {
        org_id: staff.org_id,
        actor: Actor::staff(staff.staff_id),
        action: "staff.logout",
        subject: ("staff", staff.staff_id),
        ip,
        at: now,
    }
    .record(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn current_staff(
    state: &AppState,
    org_id: Uuid,
    staff_id: Uuid,
) -> Result<StaffRow, IdentityError> {
    store::find_staff(&state.db, org_id, staff_id)
        .await?
        .ok_or(IdentityError::StaffNotFound)
}

fn delta(duration: std::time::Duration) -> TimeDelta {
    TimeDelta::from_std(duration).expect("duration in range")
}
