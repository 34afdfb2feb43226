//! The rate-limit and session-check store: Redis when `ATRIUM_REDIS_URL` is set, an
//! in-process map otherwise (one process per store: several identity replicas need
//! Redis), behind one type. Keys are `<prefix>:<service>:<purpose>:<id>`
//! and every key gets a TTL. All Redis access of Atrium lives in this module.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, TimeDelta, Utc};
use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use secrecy::{ExposeSecret, SecretString};

use crate::clock::Clock;

const REDIS_TIMEOUT: Duration = Duration::from_secs(1);

/// `COUNT` events per `WINDOW`, written `10/15m` (units s, m, h).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub count: u64,
    pub window: Duration,
}

impl RateLimit {
    pub fn parse(text: &str) -> anyhow::Result<RateLimit> {
        let (count, window) = text.split_once('/').context("expected COUNT/WINDOW")?;
        let count: u64 = count
            .trim()
            .parse()
            .context("COUNT must be a whole number")?;
        let window = window.trim();
        let (number, unit_seconds) = if let Some(n) = window.strip_suffix('s') {
            (n, 1)
        } else if let Some(n) = window.strip_suffix('m') {
            (n, 60)
        } else if let Some(n) = window.strip_suffix('h') {
            (n, 3600)
        } else {
            bail!("WINDOW unit must be s, m or h");
        };
        let number: u64 = if number.is_empty() {
            1
        } else {
            number.parse().context("WINDOW must look like 15m")?
        };
        let seconds = number
            .checked_mul(unit_seconds)
            .context("WINDOW is too long")?;
        if count == 0 || seconds == 0 {
            bail!("COUNT and WINDOW must be positive");
        }
        Ok(RateLimit {
            count,
            window: Duration::from_secs(seconds),
        })
    }
}

/// The answer to one counted event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed { remaining: u64 },
    Limited { retry_after: Duration },
}

#[derive(Debug, thiserror::Error)]
#[error("limit store unavailable")]
pub struct StoreUnavailable(#[source] pub redis::RedisError);

/// Redis or in-process, chosen once at start.
#[derive(Clone)]
pub struct LimitStore {
    prefix: Arc<str>,
    backend: StoreBackend,
}

#[derive(Clone)]
enum StoreBackend {
    Redis(ConnectionManager),
    Memory(Arc<Mutex<MemoryMap>>, Clock),
}

#[derive(Default)]
struct MemoryMap {
    entries: HashMap<String, MemoryEntry>,
}

struct MemoryEntry {
    value: MemoryValue,
    expires_at: DateTime<Utc>,
}

enum MemoryValue {
    Counter(u64),
    Text(String),
}

impl MemoryMap {
    fn live(&mut self, key: &str, now: DateTime<Utc>) -> Option<&mut MemoryEntry> {
        if self.entries.get(key).is_some_and(|e| e.expires_at <= now) {
            self.entries.remove(key);
        }
        // Keep the map bounded by dropping expired entries now and then.
        if self.entries.len() > 100_000 {
            self.entries.retain(|_, e| e.expires_at > now);
        }
        self.entries.get_mut(key)
    }
}

impl LimitStore {
    /// Connects to Redis, or returns the in-process store when `url` is `None`.
    pub async fn connect(url: Option<&SecretString>, clock: Clock) -> anyhow::Result<LimitStore> {
        match url {
            Some(url) => LimitStore::redis(url.expose_secret(), "atrium").await,
            None => Ok(LimitStore::memory(clock)),
        }
    }

    pub fn memory(clock: Clock) -> LimitStore {
        LimitStore {
            prefix: "atrium".into(),
            backend: StoreBackend::Memory(Arc::default(), clock),
        }
    }

    /// Connects to Redis; `prefix` starts every key (tests pass a random one).
    pub async fn redis(url: &str, prefix: &str) -> anyhow::Result<LimitStore> {
        let client =
            redis::Client::open(url).context("ATRIUM_REDIS_URL is not a valid redis:// URL")?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(1);
        let manager = ConnectionManager::new_with_config(client, config)
            .await
            .context("connecting to Redis")?;
        Ok(LimitStore {
            prefix: prefix.into(),
            backend: StoreBackend::Redis(manager),
        })
    }

    pub fn is_redis(&self) -> bool {
        matches!(self.backend, StoreBackend::Redis(_))
    }

    fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.prefix)
    }

    /// Counts one event against `limit` under `key`; the window starts at the first event.
    pub async fn hit(&self, key: &str, limit: RateLimit) -> Result<Decision, StoreUnavailable> {
        let (count, ttl) = self.increment(key, limit.window).await?;
        if count > limit.count {
            return Ok(Decision::Limited {
                retry_after: round_up_to_second(ttl),
            });
        }
        Ok(Decision::Allowed {
            remaining: limit.count - count,
        })
    }

    /// Tells whether `key` is already over `limit`, without counting an event.
    pub async fn check(&self, key: &str, limit: RateLimit) -> Result<Decision, StoreUnavailable> {
        let (count, ttl) = self.peek(key).await?;
        if count >= limit.count {
            return Ok(Decision::Limited {
                retry_after: round_up_to_second(ttl),
            });
        }
        Ok(Decision::Allowed {
            remaining: limit.count - count,
        })
    }

    async fn increment(
        &self,
        key: &str,
        window: Duration,
    ) -> Result<(u64, Duration), StoreUnavailable> {
        let key = self.key(key);
        match &self.backend {
            StoreBackend::Redis(manager) => {
                let mut connection = manager.clone();
                let window_ms = window.as_millis() as u64;
                let (count, _, ttl): (u64, i64, i64) = redis::pipe()
                    .atomic()
                    .incr(&key, 1)
                    .cmd("pexpire")
                    .arg(&key)
                    .arg(window_ms)
                    .arg("NX")
                    .pttl(&key)
                    .query_async(&mut connection)
                    .await
                    .map_err(StoreUnavailable)?;
                Ok((count, Duration::from_millis(ttl.max(0) as u64)))
            }
            StoreBackend::Memory(map, clock) => {
                let now = clock.now();
                let mut map = map.lock().expect("limit map lock");
                let entry = match map.live(&key, now) {
                    Some(entry) => entry,
                    None => map.entries.entry(key).or_insert(MemoryEntry {
                        value: MemoryValue::Counter(0),
                        expires_at: now + TimeDelta::from_std(window).unwrap_or(TimeDelta::MAX),
                    }),
                };
                if let MemoryValue::Counter(count) = &mut entry.value {
                    *count += 1;
                    return Ok((*count, remaining(entry.expires_at, now)));
                }
                entry.value = MemoryValue::Counter(1);
                Ok((1, remaining(entry.expires_at, now)))
            }
        }
    }

    async fn peek(&self, key: &str) -> Result<(u64, Duration), StoreUnavailable> {
        let key = self.key(key);
        match &self.backend {
            StoreBackend::Redis(manager) => {
                let mut connection = manager.clone();
                let (count, ttl): (Option<u64>, i64) = redis::pipe()
                    .get(&key)
                    .pttl(&key)
                    .query_async(&mut connection)
                    .await
                    .map_err(StoreUnavailable)?;
                Ok((count.unwrap_or(0), Duration::from_millis(ttl.max(0) as u64)))
            }
            StoreBackend::Memory(map, clock) => {
                let now = clock.now();
                let mut map = map.lock().expect("limit map lock");
                Ok(match map.live(&key, now) {
                    Some(MemoryEntry {
                        value: MemoryValue::Counter(count),
                        expires_at,
                    }) => (*count, remaining(*expires_at, now)),
                    _ => (0, Duration::ZERO),
                })
            }
        }
    }

    /// Stores `value` under `key` for `ttl`.
    pub async fn set(&self, key: &str, value: &str, ttl: Duration) -> Result<(), StoreUnavailable> {
        let key = self.key(key);
        match &self.backend {
            StoreBackend::Redis(manager) => {
                let mut connection = manager.clone();
                let ttl_ms = (ttl.as_millis() as u64).max(1);
                connection
                    .pset_ex::<_, _, ()>(&key, value, ttl_ms)
                    .await
                    .map_err(StoreUnavailable)
            }
            StoreBackend::Memory(map, clock) => {
                let now = clock.now();
                let expires_at = now + TimeDelta::from_std(ttl).unwrap_or(TimeDelta::MAX);
                let entry = MemoryEntry {
                    value: MemoryValue::Text(value.to_owned()),
                    expires_at,
                };
                map.lock()
                    .expect("limit map lock")
                    .entries
                    .insert(key, entry);
                Ok(())
            }
        }
    }

    /// Returns the text stored under `key`, if any and not expired.
    pub async fn get(&self, key: &str) -> Result<Option<String>, StoreUnavailable> {
        let key = self.key(key);
        match &self.backend {
            StoreBackend::Redis(manager) => {
                let mut connection = manager.clone();
                connection.get(&key).await.map_err(StoreUnavailable)
            }
            StoreBackend::Memory(map, clock) => {
                let now = clock.now();
                let mut map = map.lock().expect("limit map lock");
                Ok(match map.live(&key, now) {
                    Some(MemoryEntry {
                        value: MemoryValue::Text(text),
                        ..
                    }) => Some(text.clone()),
                    _ => None,
                })
            }
        }
    }

    /// Returns the texts stored under `keys`, in order, in one round trip.
    pub async fn get_many(&self, keys: &[&str]) -> Result<Vec<Option<String>>, StoreUnavailable> {
        let keys: Vec<String> = keys.iter().map(|key| self.key(key)).collect();
        match &self.backend {
            StoreBackend::Redis(manager) => {
                let mut connection = manager.clone();
                redis::cmd("MGET")
                    .arg(&keys)
                    .query_async(&mut connection)
                    .await
                    .map_err(StoreUnavailable)
            }
            StoreBackend::Memory(map, clock) => {
                let now = clock.now();
                let mut map = map.lock().expect("limit map lock");
                Ok(keys
                    .iter()
                    .map(|key| match map.live(key, now) {
                        Some(MemoryEntry {
                            value: MemoryValue::Text(text),
                            ..
                        }) => Some(text.clone()),
                        _ => None,
                    })
                    .collect())
            }
        }
    }

    /// Stores `value` under `key` for `ttl` unless the key holds a value already.
    pub async fn set_if_absent(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<(), StoreUnavailable> {
        let key = self.key(key);
        match &self.backend {
            StoreBackend::Redis(manager) => {
                let mut connection = manager.clone();
                let ttl_ms = (ttl.as_millis() as u64).max(1);
                redis::cmd("SET")
                    .arg(&key)
                    .arg(value)
                    .arg("PX")
                    .arg(ttl_ms)
                    .arg("NX")
                    .query_async::<Option<String>>(&mut connection)
                    .await
                    .map(drop)
                    .map_err(StoreUnavailable)
            }
            StoreBackend::Memory(map, clock) => {
                let now = clock.now();
                let mut map = map.lock().expect("limit map lock");
                if map.live(&key, now).is_none() {
                    let expires_at = now + TimeDelta::from_std(ttl).unwrap_or(TimeDelta::MAX);
                    let entry = MemoryEntry {
                        value: MemoryValue::Text(value.to_owned()),
                        expires_at,
                    };
                    map.entries.insert(key, entry);
                }
                Ok(())
            }
        }
    }

    pub async fn delete(&self, key: &str) -> Result<(), StoreUnavailable> {
        let key = self.key(key);
        match &self.backend {
            StoreBackend::Redis(manager) => {
                let mut connection = manager.clone();
                connection
                    .del::<_, ()>(&key)
                    .await
                    .map_err(StoreUnavailable)
            }
            StoreBackend::Memory(map, _) => {
                map.lock().expect("limit map lock").entries.remove(&key);
                Ok(())
            }
        }
    }

    /// Checks that the store answers (always true in-process).
    pub async fn ping(&self) -> Result<(), StoreUnavailable> {
        match &self.backend {
            StoreBackend::Redis(manager) => {
                let mut connection = manager.clone();
                redis::cmd("PING")
                    .query_async::<String>(&mut connection)
                    .await
                    .map(drop)
                    .map_err(StoreUnavailable)
            }
            StoreBackend::Memory(..) => Ok(()),
        }
    }
}

fn remaining(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (expires_at - now).to_std().unwrap_or(Duration::ZERO)
}

fn round_up_to_second(duration: Duration) -> Duration {
    Duration::from_secs(duration.as_millis().div_ceil(1000).max(1) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse_from_design_notation() {
        assert_eq!(
            RateLimit::parse("10/15m").unwrap(),
            RateLimit {
                count: 10,
                window: Duration::from_secs(900)
            }
        );
        assert_eq!(
            RateLimit::parse("3/1h").unwrap().window,
            Duration::from_secs(3600)
        );
        assert_eq!(
            RateLimit::parse("60/30s").unwrap().window,
            Duration::from_secs(30)
        );
        assert!(RateLimit::parse("10").is_err());
        assert!(RateLimit::parse("0/1m").is_err());
        assert!(RateLimit::parse("5/1d").is_err());
        assert!(RateLimit::parse("10/15м").is_err());
    }
}
