//! Customer sign-in and the session behind the cookie: an opaque random token stored only
//! as its SHA-256, with idle and absolute lifetimes from configuration, and the account's
//! epoch at issue. Bumping the epoch ends every session on the next request. The CSRF
//! token is an HMAC of the session token, so it needs no storage and dies with it.

use atrium_common::auth::Principal;
use atrium_common::ids::CustomerSessionId;
use atrium_common::password::hash_password;
use atrium_common::token::{hash_token, random_token};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;

use super::store as customer_store;
use super::{Customer, CustomerSession, CustomerStatus, session_store};
use crate::AppState;
use crate::audit::{Actor, Audit};
use crate::credentials::{self, Account};
use crate::credentials::{Action, Holder};
use crate::error::IdentityError;
use crate::session_cache::{CachedSession, Lookup, Revocation, TOUCH_EVERY};
use crate::validate;

/// A session just opened: the token for the cookie (shown once) and its CSRF token.
pub struct OpenedSession {
    pub customer: Customer,
    pub token: String,
    pub csrf_token: String,
    pub max_age_secs: i64,
}

/// Where a sign-in came from, kept on the session for the customer's session list.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
}

/// The CSRF token of a session: HMAC-SHA256 of its token under the server's secret.
pub fn csrf_token(state: &AppState, session_token: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(state.jwt_secret.expose_secret().as_bytes())
        .expect("hmac takes any key length");
    mac.update(b"atrium-csrf\n");
    mac.update(session_token.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Writes a new session for `customer` (at its current epoch) inside `tx`.
pub async fn open_session(
    state: &AppState,
    tx: &mut atrium_common::db::Tx,
    customer: Customer,
    client: ClientInfo,
    now: DateTime<Utc>,
) -> Result<OpenedSession, IdentityError> {
    let token = random_token();
    let absolute = TimeDelta::from_std(state.customer_session_absolute).expect("in range");
    let row = CustomerSession {
        customer_session_id: CustomerSessionId::new(),
        org_id: customer.org_id,
        customer_id: customer.customer_id,
        token_hash: hash_token(&token),
        epoch: customer.epoch,
        ip: client.ip.chars().take(64).collect(),
        user_agent: client.user_agent.chars().take(500).collect(),
        last_seen_at: now,
        expires_at: now + absolute,
        ended_at: None,
        created_at: now,
    };
    session_store::insert_session(tx, &row).await?;
    Ok(OpenedSession {
        customer,
        csrf_token: csrf_token(state, &token),
        token,
        max_age_secs: absolute.num_seconds(),
    })
}

/// What a client says when it signs a customer in.
pub struct CustomerLogin {
    pub org: String,
    pub email: String,
    pub password: String,
    pub client: ClientInfo,
}

/// Checks the credentials (see [`credentials::sign_in`]) and opens a session.
pub async fn login(state: &AppState, login: CustomerLogin) -> Result<OpenedSession, IdentityError> {
    let ip = login.client.ip.clone();
    let customer: Customer =
        credentials::sign_in(state, &login.org, &login.email, login.password, &ip).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let opened = open_session(state, &mut tx, customer, login.client, now).await?;
    opened
        .customer
        .audit(Holder::Customer.action(Action::Login), &ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(opened)
}

/// A live session, and its customer when asked for.
pub struct Authenticated {
    pub session: CachedSession,
    pub customer: Option<Customer>,
}

/// The live session a cookie token names; anything else is `SessionInvalid`: unknown,
/// ended, idle or past its absolute end, an older epoch than the account's, or an account
/// that is no longer active. The session cache answers first (see `session_cache`); the
/// database decides whatever the cache does not know for sure.
pub async fn authenticate(
    state: &AppState,
    token: &str,
    with_customer: bool,
) -> Result<Authenticated, IdentityError> {
    if token.is_empty() || token.len() > 100 {
        return Err(IdentityError::SessionInvalid);
    }
    let now = state.clock.now();
    let token_hash = hash_token(token);
    let fill = match state.sessions.lookup(&token_hash, now).await {
        Lookup::Live(session, touch) => {
            return cached(state, session, touch, with_customer, now).await;
        }
        Lookup::Unknown(fill) => fill,
    };
    let session = session_store::find_session_by_token(&state.db, &token_hash)
        .await?
        .ok_or(IdentityError::SessionInvalid)?;
    let idle = TimeDelta::from_std(state.customer_session_idle).expect("in range");
    let live =
        session.ended_at.is_none() && session.expires_at > now && now - session.last_seen_at < idle;
    if !live {
        return Err(IdentityError::SessionInvalid);
    }
    let customer = customer_store::find_customer(&state.db, session.org_id, session.customer_id)
        .await?
        .ok_or(IdentityError::SessionInvalid)?;
    if customer.status != CustomerStatus::Active || customer.epoch != session.epoch {
        return Err(IdentityError::SessionInvalid);
    }
    // One write a minute is enough to keep the idle clock honest.
    if now - session.last_seen_at > TOUCH_EVERY {
        session_store::touch_session(&state.db, session.org_id, session.customer_session_id, now)
            .await?;
    }
    let session = CachedSession::from(&session);
    if let Some(fill) = fill {
        state
            .sessions
            .remember(&token_hash, session, now, fill)
            .await;
    }
    Ok(Authenticated {
        session,
        customer: with_customer.then_some(customer),
    })
}

/// A session the cache vouched for: touched when due, with its customer when asked for.
async fn cached(
    state: &AppState,
    session: CachedSession,
    touch: bool,
    with_customer: bool,
    now: DateTime<Utc>,
) -> Result<Authenticated, IdentityError> {
    {
        if touch {
            session_store::touch_session(&state.db, session.org_id, session.session_id, now)
                .await?;
            if let Err(err) = state.sessions.seen(session, now).await {
                tracing::debug!(error = %atrium_common::error::error_chain(&err), "session seen marker");
            }
        }
        let customer = if with_customer {
            let customer =
                customer_store::find_customer(&state.db, session.org_id, session.customer_id)
                    .await?
                    .filter(|c| c.status == CustomerStatus::Active && c.epoch == session.epoch)
                    .ok_or(IdentityError::SessionInvalid)?;
            Some(customer)
        } else {
            None
        };
        Ok(Authenticated { session, customer })
    }
}

/// Ends the session a cookie token names (a dead one is already ended: nothing to do).
pub async fn logout(state: &AppState, token: &str, ip: &str) -> Result<(), IdentityError> {
    let session = authenticate(state, token, false).await?.session;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    session_store::end_session_of(
        &mut tx,
        session.org_id,
        session.customer_id,
        session.session_id,
        now,
    )
    .await?;
    let ended = Revocation::Session {
        session_id: session.session_id,
        expires_at: session.expires_at,
    };
    let audit = Audit {
        org_id: session.org_id,
        actor: Actor::customer(session.customer_id),
        action: "customer.logout",
        subject: ("customer", session.customer_id.0),
        ip,
        at: now,
    };
    commit_ended(state, tx, ended, audit, now).await
}

/// Commits an ended session with its audit entry: the revocation is written before and
/// after the commit (see `session_cache`).
async fn commit_ended(
    state: &AppState,
    mut tx: atrium_common::db::Tx,
    ended: Revocation,
    audit: Audit<'_>,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    let revoking = state.sessions.revoke(&mut tx, ended, now).await?;
    audit.record(&mut tx).await?;
    tx.commit().await?;
    state.sessions.revoked(revoking, now).await;
    Ok(())
}

/// The customer's live sessions, newest first.
pub async fn list(
    state: &AppState,
    principal: &Principal,
) -> Result<Vec<CustomerSession>, IdentityError> {
    let customer =
        customer_store::find_customer(&state.db, principal.org_id, principal.customer_id())
            .await?
            .ok_or(IdentityError::SessionInvalid)?;
    let now = state.clock.now();
    let idle = TimeDelta::from_std(state.customer_session_idle).expect("in range");
    session_store::list_live_sessions(&state.db, &customer, now, now - idle).await
}

/// Ends one of the customer's own sessions; another's id (or a garbage one) is not found.
pub async fn end(
    state: &AppState,
    principal: &Principal,
    id: CustomerSessionId,
    ip: &str,
) -> Result<(), IdentityError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !session_store::end_session_of(&mut tx, principal.org_id, principal.customer_id(), id, now)
        .await?
    {
        return Err(IdentityError::SessionNotFound);
    }
    let absolute = TimeDelta::from_std(state.customer_session_absolute).expect("in range");
    let ended = Revocation::Session {
        session_id: id,
        expires_at: now + absolute,
    };
    let audit = Audit {
        org_id: principal.org_id,
        actor: Actor::of(principal),
        action: "customer.session_ended",
        subject: ("customer_session", id.0),
        ip,
        at: now,
    };
    commit_ended(state, tx, ended, audit, now).await
}

/// Changes the password after checking the current one; every session ends (the epoch
/// moves) and the caller gets a new one, in one transaction.
pub async fn change_password(
    state: &AppState,
    principal: &Principal,
    current_password: String,
    new_password: String,
    client: ClientInfo,
) -> Result<OpenedSession, IdentityError> {
    validate::new_password("new_password", &new_password)?;
    let customer =
        customer_store::find_customer(&state.db, principal.org_id, principal.customer_id())
            .await?
            .filter(|c| c.status == CustomerStatus::Active)
            .ok_or(IdentityError::SessionInvalid)?;
    credentials::check_current(&customer, current_password).await?;
    let new_hash = hash_password(new_password).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let customer = customer_store::reset_password(
        &mut tx,
        customer.org_id,
        customer.customer_id,
        &new_hash,
        now,
    )
    .await?
    .ok_or(IdentityError::SessionInvalid)?;
    let new_epoch = Revocation::Epoch {
        customer_id: customer.customer_id,
        epoch: customer.epoch,
    };
    let revoking = state.sessions.revoke(&mut tx, new_epoch, now).await?;
    let ip = client.ip.clone();
    let opened = open_session(state, &mut tx, customer, client, now).await?;
    opened
        .customer
        .audit("customer.password_changed", &ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    state.sessions.revoked(revoking, now).await;
    Ok(opened)
}
