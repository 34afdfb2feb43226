//! One-time tokens, for staff and customers alike: a random token is mailed and only its
//! SHA-256 is stored; issuing one kills the holder's earlier unused ones of the same
//! purpose; it is used by one conditional statement, so of racing uses exactly one wins.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::OrgId;
use atrium_common::token::{hash_token, random_token};
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::error::IdentityError;
use atrium_common::sql;

/// Whose account a token opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Staff,
    Customer,
}

impl Holder {
    /// As stored, and as the audit trail names the kind of account.
    pub fn as_str(self) -> &'static str {
        match self {
            Holder::Staff => "staff",
            Holder::Customer => "customer",
        }
    }

    /// The audit actions of the tier's sign-ins and resets: `<tier>.login`,
    /// `<tier>.login_failed`, `<tier>.password_reset`.
    pub fn action(self, what: Action) -> &'static str {
        match (self, what) {
            (Holder::Staff, Action::Login) => "staff.login",
            (Holder::Staff, Action::LoginFailed) => "staff.login_failed",
            (Holder::Staff, Action::PasswordReset) => "staff.password_reset",
            (Holder::Customer, Action::Login) => "customer.login",
            (Holder::Customer, Action::LoginFailed) => "customer.login_failed",
            (Holder::Customer, Action::PasswordReset) => "customer.password_reset",
        }
    }

    /// The reset mail's template and the page its link opens.
    pub fn reset_mail(self) -> (&'static str, &'static str) {
        match self {
            Holder::Staff => ("staff_password_reset", "/admin/reset-password"),
            Holder::Customer => ("customer_password_reset", "/customer/reset-password"),
        }
    }
}

/// What an account did, as its tier's audit trail names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Login,
    LoginFailed,
    PasswordReset,
}

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Sets the first password of an invited account.
    Invitation,
    /// Sets a new password of an active account.
    Reset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::Reset => "reset",
        }
    }
}

/// A token just issued: the text the mail carries (shown once) and its stored hash.
pub struct Issued {
    pub token: String,
    pub hash: Vec<u8>,
    pub expires_at: DateTime<Utc>,
}

/// The account a live token names.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Redeemed {
    pub org_id: OrgId,
    pub holder_id: Uuid,
    pub expires_at: DateTime<Utc>,
}

/// The hash a presented token is looked up by; `None` for text no token of ours can be.
fn presented(token: &str) -> Result<Vec<u8>, IdentityError> {
    if token.is_empty() || token.len() > 100 {
        return Err(IdentityError::TokenInvalid);
    }
    Ok(hash_token(token))
}

/// Issues a token of `purpose` for `holder_id`, valid for `ttl`.
pub async fn issue(
    tx: &mut Tx,
    org_id: OrgId,
    (holder, holder_id): (Holder, Uuid),
    purpose: Purpose,
    ttl: TimeDelta,
    now: DateTime<Utc>,
) -> Result<Issued, IdentityError> {
    revoke(tx, (holder, holder_id), purpose, now).await?;
    let token = random_token();
    let issued = Issued {
        hash: hash_token(&token),
        token,
        expires_at: now + ttl,
    };
    sql!(tx tx, query(
        "insert into one_time_token (token_hash, org_id, holder, holder_id, purpose, \
         expires_at, used_at, created_at) values ($1, $2, $3, $4, $5, $6, null, $7)"
    ) [
        &issued.hash, org_id, holder.as_str(), holder_id, purpose.as_str(), issued.expires_at,
        now,
    ] execute)
    .map(drop)?;
    Ok(issued)
}

/// Kills the holder's unused tokens of `purpose` (a cancelled invitation's link).
pub async fn revoke(
    tx: &mut Tx,
    (holder, holder_id): (Holder, Uuid),
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    sql!(tx tx, query(
        "update one_time_token set used_at = $4 where holder = $1 and holder_id = $2 \
         and purpose = $3 and used_at is null"
    ) [holder.as_str(), holder_id, purpose.as_str(), now] execute)
    .map(drop)?;
    Ok(())
}

/// The account a live token names; reading it uses nothing up.
pub async fn find_live(
    db: &Db,
    token: &str,
    holder: Holder,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Redeemed, IdentityError> {
    let hash = presented(token)?;
    let found: Option<Redeemed> = sql!(db db, query_as(
        "select org_id, holder_id, expires_at from one_time_token where token_hash = $1 \
         and holder = $2 and purpose = $3 and used_at is null and expires_at > $4"
    ) [&hash, holder.as_str(), purpose.as_str(), now] fetch_optional)?;
    found.ok_or(IdentityError::TokenInvalid)
}

/// Uses a live token: of racing uses exactly one gets the account, the others
/// TOKEN_INVALID, as does a used, expired or unknown token.
pub async fn consume(
    tx: &mut Tx,
    token: &str,
    holder: Holder,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Redeemed, IdentityError> {
    let hash = presented(token)?;
    let used: Option<Redeemed> = sql!(tx tx, query_as(
        "update one_time_token set used_at = $4 where token_hash = $1 and holder = $2 \
         and purpose = $3 and used_at is null and expires_at > $4 \
         returning org_id, holder_id, expires_at"
    ) [&hash, holder.as_str(), purpose.as_str(), now] fetch_optional)?;
    used.ok_or(IdentityError::TokenInvalid)
}

/// Whether the holder has a live token of `purpose`.
pub async fn has_live(
    db: &Db,
    (holder, holder_id): (Holder, Uuid),
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<bool, IdentityError> {
    let found: Option<i32> = sql!(db db, query_scalar(
        "select 1 from one_time_token where holder = $1 and holder_id = $2 and purpose = $3 \
         and used_at is null and expires_at > $4 limit 1"
    ) [holder.as_str(), holder_id, purpose.as_str(), now] fetch_optional)?;
    Ok(found.is_some())
}

/// Deletes every token of the holder (the account is removed or erased).
pub async fn delete_all(
    tx: &mut Tx,
    (holder, holder_id): (Holder, Uuid),
) -> Result<(), IdentityError> {
    sql!(tx tx, query(
        "delete from one_time_token where holder = $1 and holder_id = $2"
    ) [holder.as_str(), holder_id] execute)
    .map(drop)?;
    Ok(())
}
