//! The customer session check's cache, in the Redis/in-process store, by DESIGN.md's
//! rules ("Redis can vouch for nothing it could lose"). The truth is identity's database;
//! the store may only say yes, and only under a generation the database keeps:
//!
//! - `session:{token hash}`: a session's immutable facts (id, org, account, epoch at
//!   issue, absolute end). Nothing about them can be revoked, so no generation.
//! - `generation`: the generation published to the store ([`keeper`]). The database's
//!   generation moves at every start, after any Redis outage (every new connection) and
//!   whenever a revocation could not be written; a new one is published before the store
//!   is trusted again. Everything below lives under one generation's keys, so what an
//!   older generation wrote, or a snapshot restored, is never read.
//! - `g{N}:epoch:{customer}`: the account's current epoch. Revoking changes (deactivation,
//!   password reset or change, forced re-login, erase) write the new one before their
//!   commit and again after it; a database read fills it only where nothing is (`NX`).
//! - `g{N}:seen:{session}`: when the session was last used, within the idle lifetime
//!   (refreshed, with the database's `last_seen_at`, at most once a minute), or `ended`:
//!   a sign-out or an end from the session list writes that tombstone the same way, and
//!   nothing overwrites it. An evicted tombstone takes the session's only live fact
//!   with it, so losing it revives nothing.
//!
//! Revocations are written under whatever generation the store publishes at that
//! moment (one script: read the generation, write under it), so every replica that
//! trusts the store sees them, whatever generation the writer last knew.
//!
//! A lookup trusts the store only when the store answered on the connection the current
//! generation was published on, the store's generation is that one, the epoch matches,
//! the session was seen lately and not ended. Anything else (a miss, a mismatch, a store
//! that is down) is decided by the database. A revocation that cannot be written still
//! commits: it moves the generation in its own transaction instead.

mod keeper;
mod revocation;
mod store;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use atrium_common::db::{Db, Tx};
use atrium_common::limits::{ConnectionId, LimitStore, StoreUnavailable, Write};
use atrium_common::shutdown::Shutdown;
use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::customer::CustomerSession;
use crate::error::IdentityError;
use atrium_common::ids::{CustomerId, CustomerSessionId, OrgId};

/// How long a cached epoch lives without being written again.
const EPOCH_TTL: Duration = Duration::from_secs(3600);
/// How often a session in use refreshes its `seen` marker and the database's last-seen.
pub const TOUCH_EVERY: TimeDelta = TimeDelta::seconds(60);
/// The store's key that holds the published generation.
const GENERATION_KEY: &str = "identity:generation";

/// What the cache knows of a live session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachedSession {
    pub session_id: CustomerSessionId,
    pub org_id: OrgId,
    pub customer_id: CustomerId,
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
        let (session_id, org_id, customer_id) = (uuid()?.into(), uuid()?.into(), uuid()?.into());
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

impl From<&CustomerSession> for CachedSession {
    fn from(row: &CustomerSession) -> CachedSession {
        CachedSession {
            session_id: row.customer_session_id,
            org_id: row.org_id,
            customer_id: row.customer_id,
            epoch: row.epoch,
            expires_at: row.expires_at,
        }
    }
}

/// The generation this process trusts the store under, and since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Trust {
    generation: i64,
    /// The store connection the generation was published on: any other one (Redis came
    /// back after an outage) is not trusted until the generation has moved.
    connection: ConnectionId,
    /// When the keeper last found the database's generation to be this one.
    checked_at: Instant,
}

/// How long a trust stays good without the keeper confirming it against the database.
const TRUST_FOR: Duration = Duration::from_secs(1);
/// The tombstone of an ended session, in its `seen` key.
const ENDED: &str = "ended";

/// A lookup's permission to fill the cache from the database's answer: the generation was
/// found published before the database was read.
#[derive(Debug, Clone, Copy)]
pub struct Fill {
    generation: i64,
}

/// What a lookup found.
pub enum Lookup {
    /// Live: the session, and whether its `seen` marker (and the database) needs a touch.
    Live(CachedSession, bool),
    /// Ask the database; fill the cache with its answer if allowed.
    Unknown(Option<Fill>),
}

/// One revocation, as the cache records it.
#[derive(Debug, Clone, Copy)]
pub enum Revocation {
    /// The account's epoch moved: every session of an older one is dead.
    Epoch { customer_id: CustomerId, epoch: i64 },
    /// One session ended.
    Session {
        session_id: CustomerSessionId,
        expires_at: DateTime<Utc>,
    },
}

/// A revocation recorded before its commit; hand it to [`SessionCache::revoked`] after.
#[must_use = "call SessionCache::revoked once the transaction has committed"]
pub struct Revoking {
    revocation: Revocation,
    /// The store could not take it: the transaction moved the generation to this one.
    moved_to: Option<i64>,
}

#[derive(Clone)]
pub struct SessionCache(Arc<Inner>);

struct Inner {
    store: LimitStore,
    db: Db,
    idle: Duration,
    trust: RwLock<Option<Trust>>,
    /// Counts distrusts, so the keeper never installs a trust it checked before one.
    distrusts: AtomicU64,
    /// A revocation could not be written nor the generation moved: the keeper moves it
    /// before the store is trusted again.
    must_move: AtomicBool,
    /// Wakes the keeper early: the store's generation was not ours, or we moved it.
    wake: Notify,
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

fn session_key(token_hash: &[u8]) -> String {
    format!("identity:session:{}", hex(token_hash))
}

fn epoch_key(generation: i64, customer_id: CustomerId) -> String {
    format!("identity:g{generation}:epoch:{customer_id}")
}

fn seen_key(generation: i64, session_id: CustomerSessionId) -> String {
    format!("identity:g{generation}:seen:{session_id}")
}

impl SessionCache {
    pub fn new(store: LimitStore, db: Db, idle: Duration) -> SessionCache {
        SessionCache(Arc::new(Inner {
            store,
            db,
            idle,
            trust: RwLock::new(None),
            distrusts: AtomicU64::new(0),
            must_move: AtomicBool::new(false),
            wake: Notify::new(),
        }))
    }

    /// Starts the keeper: it moves the generation now (at start) and after every outage,
    /// and confirms it against the database every second, until `shutdown` trips.
    pub fn spawn_keeper(&self, clock: atrium_common::clock::Clock, shutdown: Shutdown) {
        tokio::spawn(keeper::run(self.clone(), clock, shutdown));
    }

    /// The generation the store may be trusted under right now, if any.
    fn trusted(&self) -> Option<Trust> {
        let trust = (*self.0.trust.read().expect("trust lock"))?;
        (trust.checked_at.elapsed() < TRUST_FOR).then_some(trust)
    }

    /// Stops trusting the store until the keeper has published the database's generation.
    fn distrust(&self) {
        let mut trust = self.0.trust.write().expect("trust lock");
        self.0.distrusts.fetch_add(1, Ordering::SeqCst);
        *trust = None;
        drop(trust);
        self.0.wake.notify_one();
    }

    /// Whether `answered`, read on `connection`, is the trusted generation itself.
    fn confirms(&self, trust: Trust, answered: Option<&str>, connection: ConnectionId) -> bool {
        let published = answered.and_then(|g| g.parse::<i64>().ok());
        let same = connection == trust.connection && published == Some(trust.generation);
        if !same {
            // Another replica moved it, or the store lost it: let the keeper look now.
            self.0.wake.notify_one();
        }
        same
    }

    /// Looks a session up by its token hash; any doubt is `Unknown`.
    pub async fn lookup(&self, token_hash: &[u8], now: DateTime<Utc>) -> Lookup {
        let Some(trust) = self.trusted() else {
            return Lookup::Unknown(None);
        };
        let Ok(first) = self
            .0
            .store
            .read(&[&session_key(token_hash), GENERATION_KEY])
            .await
        else {
            return Lookup::Unknown(None);
        };
        let [session, generation] = first.values.as_slice() else {
            return Lookup::Unknown(None);
        };
        if !self.confirms(trust, generation.as_deref(), first.connection) {
            return Lookup::Unknown(None);
        }
        let fill = Some(Fill {
            generation: trust.generation,
        });
        let Some(session) = session.as_deref().and_then(CachedSession::decode) else {
            return Lookup::Unknown(fill);
        };
        if session.expires_at <= now {
            return Lookup::Unknown(fill);
        }
        let g = trust.generation;
        let keys = [
            epoch_key(g, session.customer_id),
            seen_key(g, session.session_id),
        ];
        let Ok(second) = self
            .0
            .store
            .read(&[GENERATION_KEY, &keys[0], &keys[1]])
            .await
        else {
            return Lookup::Unknown(None);
        };
        let [generation, epoch, seen] = second.values.as_slice() else {
            return Lookup::Unknown(None);
        };
        if !self.confirms(trust, generation.as_deref(), second.connection) {
            return Lookup::Unknown(None);
        }
        let epoch_matches = epoch
            .as_deref()
            .and_then(|e| e.parse::<i64>().ok())
            .is_some_and(|e| e == session.epoch);
        // `ended`, like nothing at all, parses as no time: not live.
        let seen_at = seen
            .as_deref()
            .and_then(|s| s.parse::<i64>().ok())
            .and_then(DateTime::from_timestamp_micros);
        let idle = TimeDelta::from_std(self.0.idle).unwrap_or(TimeDelta::MAX);
        match (epoch_matches, seen_at) {
            // The marker's TTL runs on the store's clock; the time in it on ours.
            (true, Some(seen_at)) if now - seen_at < idle => {
                Lookup::Live(session, now - seen_at >= TOUCH_EVERY)
            }
            _ => Lookup::Unknown(fill),
        }
    }

    /// Records what the database just found live, under the generation the lookup found
    /// published before the database was read: the session, the account's epoch (unless
    /// a newer one was written) and that it was seen at `now`. Best effort.
    pub async fn remember(
        &self,
        token_hash: &[u8],
        session: CachedSession,
        now: DateTime<Utc>,
        fill: Fill,
    ) {
        let g = fill.generation;
        let (session_key, epoch_key, seen_key) = (
            session_key(token_hash),
            epoch_key(g, session.customer_id),
            seen_key(g, session.session_id),
        );
        let (encoded, epoch, seen_at) = (
            session.encode(),
            session.epoch.to_string(),
            now.timestamp_micros().to_string(),
        );
        let writes = [
            Write::Set {
                key: &session_key,
                value: &encoded,
                ttl: ttl_until(session.expires_at, now),
            },
            Write::SetIfAbsent {
                key: &epoch_key,
                value: &epoch,
                ttl: EPOCH_TTL,
            },
            Write::SetUnless {
                key: &seen_key,
                value: &seen_at,
                ttl: self.seen_ttl(session, now),
                unless: ENDED,
            },
        ];
        if let Err(err) = self.0.store.write(&writes, &[]).await {
            tracing::debug!(error = %atrium_common::error::error_chain(&err), "session cache not filled");
        }
    }

    fn seen_ttl(&self, session: CachedSession, now: DateTime<Utc>) -> Duration {
        self.0.idle.min(ttl_until(session.expires_at, now))
    }

    /// Marks a session as seen at `now`, for the idle lifetime, in the generation the
    /// lookup that found it live trusted.
    pub async fn seen(
        &self,
        session: CachedSession,
        now: DateTime<Utc>,
    ) -> Result<(), StoreUnavailable> {
        let Some(trust) = self.trusted() else {
            return Ok(());
        };
        let key = seen_key(trust.generation, session.session_id);
        let value = now.timestamp_micros().to_string();
        let write = Write::SetUnless {
            key: &key,
            value: &value,
            ttl: self.seen_ttl(session, now),
            unless: ENDED,
        };
        self.0.store.write(&[write], &[]).await.map(drop)
    }
}

#[cfg(test)]
mod tests;
