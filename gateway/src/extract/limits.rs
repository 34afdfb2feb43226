//! Rate limits at the gateway: one event counted against a limit, and the throttle
//! of every password check (sign-ins, password changes, guest galleries): per client
//! address and per account as typed, before the password is checked, the account's
//! count cleared by a success.

use std::net::IpAddr;

use atrium_common::error::{ApiError, ErrorCode};
use atrium_common::limits::{Decision, RateLimit};

use crate::GatewayState;

/// Counts one event against `limit`; over it, 429 `RATE_LIMITED` with `Retry-After`.
/// While Redis is down the store counts in this process, so limits never answer 503.
pub async fn enforce_limit(
    state: &GatewayState,
    key: &str,
    limit: RateLimit,
) -> Result<(), ApiError> {
    match state.limits.hit(key, limit).await {
        Decision::Allowed { .. } => Ok(()),
        Decision::Limited { retry_after } => Err(rate_limited(retry_after.as_secs())),
    }
}

pub fn rate_limited(retry_after: u64) -> ApiError {
    let mut err = ApiError::new(
        ErrorCode::ResourceExhausted,
        "too many requests, try again later",
    );
    err.retry_after = Some(retry_after);
    err
}

/// Counts one request against the per-address limit of the public routes.
pub async fn enforce_public_limit(state: &GatewayState, ip: IpAddr) -> Result<(), ApiError> {
    let key = format!("gateway:public:addr:{ip}");
    enforce_limit(state, &key, state.settings.rate_limits.public_address).await
}

/// The limit key of an account as typed: org and folded email, hashed so the key stays
/// short whatever was typed.
pub fn account_key(scope: &str, org: &str, email: &str) -> String {
    let typed = format!("{org}\n{}", email.trim().to_lowercase());
    let digest = atrium_common::token::hash_token(&typed);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("gateway:{scope}:account:{hex}")
}

/// A password check under way: counted against the address's sign-in limit and the
/// account's failure limit before the password is checked (so parallel guesses count
/// too); a success clears the account's count.
pub struct Throttle {
    account_key: String,
}

impl Throttle {
    /// Counts an attempt in `scope` from `ip` on `account` (the key of what is being
    /// signed in to: an email as typed, a member, a gallery).
    pub async fn begin(
        state: &GatewayState,
        scope: &str,
        ip: IpAddr,
        account_key: String,
    ) -> Result<Throttle, ApiError> {
        let limits = &state.settings.rate_limits;
        let address_key = format!("gateway:{scope}:addr:{ip}");
        enforce_limit(state, &address_key, limits.login_address).await?;
        enforce_limit(state, &account_key, limits.login_account).await?;
        Ok(Throttle { account_key })
    }

    /// The password was right: the account's failures are forgotten.
    pub async fn succeeded(self, state: &GatewayState) {
        state.limits.delete(&self.account_key).await;
    }
}
