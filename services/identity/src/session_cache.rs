//! The customer session check's cache, in the Redis/in-process store, by DESIGN.md's
//! rules. The store holds only facts that never change (a session's account, epoch at
//! issue and absolute end) plus three markers identity writes itself:
//!
//! - `epoch:{customer}` — the account's current epoch. A revoking change (deactivation,
//!   password reset or change, forced re-login, erase) writes the new epoch *before* its
//!   transaction commits; if that write fails the change answers 503 and commits nothing.
//! - `ended:{session}` — one session ended (sign-out, ending it from the list), written
//!   before the commit the same way.
//! - `seen:{session}` — the session was used within the idle lifetime (the key's TTL); it
//!   is refreshed, with the database's `last_seen_at`, at most once a minute.
//!
//! The cache only ever says yes: the session is known, its epoch is the account's, it has
//! not ended and has been seen lately. Anything else — a miss, a mismatch, a store that
//! does not answer — is decided by the database, so an outage or a lost key never lets a
//! revoked session through. A database answer fills the cache, the epoch only where no
//! newer one was written (`SET NX`).

use std::time::Duration;

use atrium_common::limits::{LimitStore, StoreUnavailable};
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::customer_store::CustomerSessionRow;
use crate::error::IdentityError;

/// How long a cached epoch lives without being written again.
const EPOCH_TTL: Duration = Duration::from_secs(3600);
/// How often a session in use refreshes its `seen` marker and the database's last-seen.
pub const TOUCH_EVERY: TimeDelta = TimeDelta::seconds(60);

/// What the cache knows of a live session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachedSession {
    pub session_id: Uuid,
    pub org_id: Uuid,
    pub customer_id: Uuid,
    pub epoch: i64,
    pub expires_at: DateTime<Utc>,
}

impl CachedSession {
    fn encode(&self) -> String {
        format!(
            "{} {} {} {} {}",
            self.session_id,
            self.org_id,
            self.customer_id,
            self.epoch,
            self.expires_at.timestamp_micros()
        )
    }

    fn decode(text: &str) -> Option<CachedSession> {
        let mut parts = text.split(' ');
        let mut uuid = || parts.next().and_then(|p| Uuid::parse_str(p).ok());
        let (session_id, org_id, customer_id) = (uuid()?, uuid()?, uuid()?);
        let epoch = parts.next()?.parse().ok()?;
        let expires_at = DateTime::from_timestamp_micros(parts.next()?.parse().ok()?)?;
        Some(CachedSession {
            session_id,
            org_id,
            customer_id,
            epoch,
            expires_at,
        })
    }
}

impl From<&CustomerSessionRow> for CachedSession {
    fn from(row: &CustomerSessionRow) -> CachedSession {
        CachedSession {
            session_id: row.customer_session_id,
            org_id: row.org_id,
            customer_id: row.customer_id,
            epoch: row.epoch,
            expires_at: row.expires_at,
        }
    }
}

/// What a lookup found.
pub enum Lookup {
    /// Live: the session, and whether its `seen` marker (and the database) needs a touch.
    Live(CachedSession, bool),
    /// Ask the database.
    Unknown,
}

#[derive(Clone)]
pub struct SessionCache {
    store: LimitStore,
    idle: Duration,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn ttl_until(at: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (at - now)
        .to_std()
        .unwrap_or(Duration::ZERO)
        .max(Duration::from_secs(1))
}

impl SessionCache {
    pub fn new(store: LimitStore, idle: Duration) -> SessionCache {
        SessionCache { store, idle }
    }

    /// Looks a session up by its token hash; any doubt is `Unknown`.
    pub async fn lookup(&self, token_hash: &[u8], now: DateTime<Utc>) -> Lookup {
        let session_key = format!("identity:session:{}", hex(token_hash));
        let Ok(Some(text)) = self.store.get(&session_key).await else {
            return Lookup::Unknown;
        };
        let Some(session) = CachedSession::decode(&text) else {
            return Lookup::Unknown;
        };
        if session.expires_at <= now {
            return Lookup::Unknown;
        }
        let keys = [
            format!("identity:epoch:{}", session.customer_id),
            format!("identity:ended:{}", session.session_id),
            format!("identity:seen:{}", session.session_id),
        ];
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let Ok(values) = self.store.get_many(&keys).await else {
            return Lookup::Unknown;
        };
        let [epoch, ended, seen] = values.as_slice() else {
            return Lookup::Unknown;
        };
        let epoch_matches = epoch
            .as_deref()
            .and_then(|e| e.parse::<i64>().ok())
            .is_some_and(|e| e == session.epoch);
        let seen_at = seen
            .as_deref()
            .and_then(|s| s.parse::<i64>().ok())
            .and_then(DateTime::from_timestamp_micros);
        let idle = TimeDelta::from_std(self.idle).unwrap_or(TimeDelta::MAX);
        match (epoch_matches, ended, seen_at) {
            // The marker's TTL runs on the store's clock; the time in it on ours.
            (true, None, Some(seen_at)) if now - seen_at < idle => {
                Lookup::Live(session, now - seen_at >= TOUCH_EVERY)
            }
            _ => Lookup::Unknown,
        }
    }

    /// Records what the database just found live: the session, the account's epoch
    /// (unless a newer one was written), and that it was seen at `now`. Best effort.
    pub async fn remember(&self, token_hash: &[u8], session: CachedSession, now: DateTime<Utc>) {
        let session_key = format!("identity:session:{}", hex(token_hash));
        let ttl = ttl_until(session.expires_at, now);
        let epoch_key = format!("identity:epoch:{}", session.customer_id);
        let written = async {
            self.store.set(&session_key, &session.encode(), ttl).await?;
            self.store
                .set_if_absent(&epoch_key, &session.epoch.to_string(), EPOCH_TTL)
                .await?;
            self.seen(session, now).await
        };
        if let Err(err) = written.await {
            tracing::debug!(error = %atrium_common::error::error_chain(&err), "session cache not filled");
        }
    }

    /// Marks a session as seen at `now`, for the idle lifetime.
    pub async fn seen(
        &self,
        session: CachedSession,
        now: DateTime<Utc>,
    ) -> Result<(), StoreUnavailable> {
        let key = format!("identity:seen:{}", session.session_id);
        let ttl = self.idle.min(ttl_until(session.expires_at, now));
        self.store
            .set(&key, &now.timestamp_micros().to_string(), ttl)
            .await
    }

    /// Writes an account's new epoch; call before the revoking change commits.
    pub async fn revoke_epoch(&self, customer_id: Uuid, epoch: i64) -> Result<(), IdentityError> {
        let key = format!("identity:epoch:{customer_id}");
        self.store
            .set(&key, &epoch.to_string(), EPOCH_TTL)
            .await
            .map_err(unavailable)
    }

    /// Marks one session ended; call before the change commits.
    pub async fn end_session(
        &self,
        session_id: Uuid,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), IdentityError> {
        let key = format!("identity:ended:{session_id}");
        self.store
            .set(&key, "1", ttl_until(expires_at, now))
            .await
            .map_err(unavailable)
    }
}

fn unavailable(err: StoreUnavailable) -> IdentityError {
    tracing::warn!(error = %atrium_common::error::error_chain(&err), "session store unavailable: the revocation is refused");
    IdentityError::Unavailable
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_session_round_trips() {
        let session = CachedSession {
            session_id: Uuid::new_v4(),
            org_id: Uuid::new_v4(),
            customer_id: Uuid::new_v4(),
            epoch: 7,
            expires_at: DateTime::from_timestamp_micros(1_900_000_000_123_456).unwrap(),
        };
        assert_eq!(CachedSession::decode(&session.encode()), Some(session));
        assert_eq!(CachedSession::decode("garbage"), None);
    }
}
