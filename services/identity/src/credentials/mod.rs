//! The credential core every tier of account shares: checking a password sign-in,
//! mailing a reset link, and redeeming a one-time token (a reset or an invitation) for a
//! new password. Staff and customers differ only in what [`Account`] says of them: where
//! they are stored, what their links open, and what a password change ends.

pub mod tokens;

use atrium_common::db::Tx;
use atrium_common::ids::OrgId;
use atrium_common::outbox;
use atrium_common::password::{dummy_hash, hash_password, verify_password};
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::AppState;
use crate::audit::{Actor, Audit};
use crate::error::IdentityError;
use crate::mail::{LinkMail, Recipient, link_mail};
use crate::organization::Organization;
use crate::organization::store as org_store;
use crate::session_cache::Revoking;
use crate::validate;
pub use tokens::{Action, Holder, Purpose};

/// How long a reset link lives.
pub const RESET_TTL: TimeDelta = TimeDelta::minutes(60);
/// How long an invitation link lives.
pub const INVITATION_TTL: TimeDelta = TimeDelta::days(7);

/// The part of an account its credentials concern.
pub struct Key<'a> {
    pub org_id: OrgId,
    pub id: Uuid,
    pub password_hash: Option<&'a str>,
    /// Only an active account signs in or asks for a reset.
    pub active: bool,
}

/// An account that signs in with a password.
pub trait Account: Sized + Send + Sync {
    /// Its tier: the audit actions, reset mail and token holder kind follow from it.
    const HOLDER: Holder;

    /// What the credential flows read of the account.
    fn key(&self) -> Key<'_>;
    fn recipient(&self) -> Recipient<'_>;

    /// The organization's account with this (normalised) email.
    async fn find_by_email(
        state: &AppState,
        org_id: OrgId,
        email: &str,
    ) -> Result<Option<Self>, IdentityError>;

    /// Sets the password of the account a token of `purpose` named: an invited account
    /// becomes active, an active one stays so; anything else is `None`.
    async fn set_password(
        tx: &mut Tx,
        redeemed: tokens::Redeemed,
        purpose: Purpose,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Self>, IdentityError>;

    /// Ends every session of the account (its password was reset); answers what the
    /// session cache must publish once the transaction commits.
    async fn end_sessions(
        &self,
        state: &AppState,
        tx: &mut Tx,
        now: DateTime<Utc>,
    ) -> Result<Option<Revoking>, IdentityError>;

    /// An entry of the account acting on itself.
    fn audit<'a>(&self, action: &'static str, ip: &'a str, at: DateTime<Utc>) -> Audit<'a> {
        let Key { org_id, id, .. } = self.key();
        let actor = match Self::HOLDER {
            Holder::Staff => Actor::staff(id.into()),
            Holder::Customer => Actor::customer(id.into()),
        };
        Audit {
            org_id,
            actor,
            action,
            subject: (Self::HOLDER.as_str(), id),
            ip,
            at,
        }
    }

    /// Who holds a token of this account.
    fn holder(&self) -> (Holder, Uuid) {
        (Self::HOLDER, self.key().id)
    }
}

/// Checks a password sign-in. Unknown organization, unknown email, wrong password and an
/// inactive account are one answer in one time (a dummy hash is verified when there is no
/// hash to check); a failure is audited on its own (an unknown account by the typed
/// email's hash). The caller opens the session and records the success with it.
pub async fn sign_in<A: Account>(
    state: &AppState,
    org: &str,
    email: &str,
    password: String,
    ip: &str,
) -> Result<A, IdentityError> {
    let org = org_store::find_organization_by_slug(&state.db, org).await?;
    let email = validate::normalize_email(email);
    let account = match &org {
        Some(org) => A::find_by_email(state, org.organization_id, &email).await?,
        None => None,
    };
    let hash = match account.as_ref().and_then(|a| a.key().password_hash) {
        Some(hash) => hash.to_owned(),
        None => dummy_hash().await.to_owned(),
    };
    let password_ok = verify_password(password, hash).await?;
    match account {
        Some(account) if password_ok && account.key().active => Ok(account),
        account => {
            if let Some(org) = org {
                let now = state.clock.now();
                let entry = match &account {
                    Some(account) => account.audit(A::HOLDER.action(Action::LoginFailed), ip, now),
                    None => Audit {
                        org_id: org.organization_id,
                        actor: Actor::typed_email(&email),
                        action: A::HOLDER.action(Action::LoginFailed),
                        subject: (A::HOLDER.as_str(), Uuid::nil()),
                        ip,
                        at: now,
                    },
                };
                entry.record_alone(&state.db).await?;
            }
            Err(IdentityError::InvalidCredentials)
        }
    }
}

/// Mails a reset link to the active account of `org` with `email`; anything else quietly
/// does nothing. The caller answers 202 either way.
pub async fn forgot<A: Account>(
    state: &AppState,
    org: &str,
    email: &str,
) -> Result<(), IdentityError> {
    let Some(org) = org_store::find_organization_by_slug(&state.db, org).await? else {
        return Ok(());
    };
    let email = validate::normalize_email(email);
    let account = A::find_by_email(state, org.organization_id, &email).await?;
    let Some(account) = account.filter(|a| a.key().active) else {
        return Ok(());
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    write_reset_mail(state, &mut tx, &account, &org, now).await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(())
}

/// Issues a reset token and writes its mail inside `tx` (forgot, and a forced re-login).
pub async fn write_reset_mail<A: Account>(
    state: &AppState,
    tx: &mut Tx,
    account: &A,
    org: &Organization,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    let link = Link {
        template: A::HOLDER.reset_mail().0,
        page: A::HOLDER.reset_mail().1,
        sender_name: "",
        extra: &[],
    };
    issue_link(state, tx, account, Purpose::Reset, link, org, now).await?;
    Ok(())
}

/// The mail a one-time link goes out in.
pub struct Link<'a> {
    pub template: &'static str,
    pub page: &'static str,
    pub sender_name: &'a str,
    /// Variables of the template besides `link` and `expires_at`.
    pub extra: &'a [(&'static str, &'a str)],
}

/// Issues a token of `purpose` for `account` and queues its mail, inside `tx`; answers
/// when the link runs out.
pub async fn issue_link<A: Account>(
    state: &AppState,
    tx: &mut Tx,
    account: &A,
    purpose: Purpose,
    link: Link<'_>,
    org: &Organization,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, IdentityError> {
    let ttl = match purpose {
        Purpose::Invitation => INVITATION_TTL,
        Purpose::Reset => RESET_TTL,
    };
    let issued =
        tokens::issue(tx, org.organization_id, account.holder(), purpose, ttl, now).await?;
    let mail = link_mail(
        state,
        account.recipient(),
        LinkMail {
            template: link.template,
            page: link.page,
            token: &issued.token,
            token_hash: &issued.hash,
            expires_at: issued.expires_at,
            org_name: &org.name,
            sender_name: link.sender_name,
            extra: link.extra,
        },
    );
    outbox::enqueue_email(tx, &mail, now).await?;
    Ok(issued.expires_at)
}

/// Sets a new password with a reset token (of racing uses exactly one wins) and ends
/// every session of the account. Signs nobody in.
pub async fn reset<A: Account>(
    state: &AppState,
    token: &str,
    password: String,
    ip: &str,
) -> Result<(), IdentityError> {
    let Redemption {
        mut tx,
        account,
        now,
    } = redeem::<A>(state, token, Purpose::Reset, password).await?;
    let revoking = account.end_sessions(state, &mut tx, now).await?;
    account
        .audit(A::HOLDER.action(Action::PasswordReset), ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    if let Some(revoking) = revoking {
        state.sessions.revoked(revoking, now).await;
    }
    tracing::info!(holder = ?A::HOLDER, id = %account.key().id, "password reset");
    Ok(())
}

/// A token redeemed for a new password, in a transaction the caller finishes.
pub struct Redemption<A> {
    pub tx: Tx,
    pub account: A,
    pub now: DateTime<Utc>,
}

/// Uses a token of `purpose` to set `password`: the new password is checked, a dead link
/// answers at once (before the slow hash), the token is consumed (of racing uses exactly
/// one wins) and the password set, all in the transaction handed back.
pub async fn redeem<A: Account>(
    state: &AppState,
    token: &str,
    purpose: Purpose,
    password: String,
) -> Result<Redemption<A>, IdentityError> {
    validate::new_password("password", &password)?;
    tokens::find_live(&state.db, token, A::HOLDER, purpose, state.clock.now()).await?;
    let password_hash = hash_password(password).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let redeemed = tokens::consume(&mut tx, token, A::HOLDER, purpose, now).await?;
    let account = A::set_password(&mut tx, redeemed, purpose, &password_hash, now)
        .await?
        .ok_or(IdentityError::TokenInvalid)?;
    Ok(Redemption { tx, account, now })
}

/// Checks the password an account holder typed as their current one.
pub async fn check_current<A: Account>(account: &A, password: String) -> Result<(), IdentityError> {
    let hash = account.key().password_hash.unwrap_or_default().to_owned();
    if hash.is_empty() || !verify_password(password, hash).await? {
        return Err(IdentityError::InvalidCredentials);
    }
    Ok(())
}
