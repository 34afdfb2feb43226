//! Customer password recovery. Forgot answers the same whether or not the account exists
//! (the mail is only queued, through identity's outbox); the reset token lives 60 minutes,
//! is consumed by one conditional statement, and the reset ends every session.

use atrium_common::outbox;
use atrium_common::password::hash_password;
use atrium_common::token::{hash_token, random_token};
use chrono::{DateTime, TimeDelta, Utc};

use crate::AppState;
use crate::customer_sessions;
use crate::customer_store::{self, CustomerRow};
use crate::error::IdentityError;
use crate::mail::{LinkMail, link_mail};
use crate::session_cache::Revocation;
use crate::store;
use crate::validate;

/// How long a reset link lives.
pub const RESET_TTL: TimeDelta = TimeDelta::minutes(60);

/// Queues a reset mail for an active customer of `org` with `email`; anything else quietly
/// does nothing. The caller answers 202 either way.
pub async fn forgot(state: &AppState, org: &str, email: &str) -> Result<(), IdentityError> {
    let Some(org) = store::find_organization_by_slug(&state.db, org).await? else {
        return Ok(());
    };
    let customer = customer_store::find_customer_by_email(
        &state.db,
        org.organization_id,
        &validate::normalize_email(email),
    )
    .await?;
    let Some(customer) = customer.filter(|c| c.status == "active") else {
        return Ok(());
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    write_reset_mail(state, &mut tx, &customer, &org.name, now).await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(())
}

/// Writes a reset token and its mail inside `tx` (forgot, and a forced re-login).
pub async fn write_reset_mail(
    state: &AppState,
    tx: &mut atrium_common::db::Tx,
    customer: &CustomerRow,
    org_name: &str,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    let token = random_token();
    let token_hash = hash_token(&token);
    let expires_at = now + RESET_TTL;
    customer_store::insert_reset_token(tx, &token_hash, customer, expires_at, now).await?;
    let mail = link_mail(
        state,
        customer.into(),
        LinkMail {
            template: "customer_password_reset",
            page: "/customer/reset-password",
            token: &token,
            token_hash: &token_hash,
            expires_at,
            org_name,
            sender_name: "",
            extra: &[],
        },
    );
    outbox::enqueue_email(tx, &mail, now).await?;
    Ok(())
}

/// Sets a new password with a reset token; ends every session of the account.
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
    let (org_id, customer_id) =
        customer_store::consume_reset_token(&mut tx, &hash_token(token), now)
            .await?
            .ok_or(IdentityError::TokenInvalid)?;
    let customer =
        customer_store::reset_password(&mut tx, org_id, customer_id, &password_hash, now)
            .await?
            .ok_or(IdentityError::TokenInvalid)?;
    let new_epoch = Revocation::Epoch {
        customer_id: customer.customer_id,
        epoch: customer.epoch,
    };
    let revoking = state.sessions.revoke(&mut tx, new_epoch, now).await?;
    customer_sessions::customer_audit(&customer, "customer.password_reset", ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    state.sessions.revoked(revoking, now).await;
    tracing::info!(%customer_id, "customer password reset");
    Ok(())
}
