//! The rate-limit and session-check store: Redis when `ATRIUM_REDIS_URL` is set, an
//! in-process map otherwise (one process per store: several identity replicas need
//! Redis), behind one type. Keys are `<prefix>:<service>:<purpose>:<id>` and every key
//! gets a TTL. All Redis access of Atrium lives in this module.
//!
//! Redis sits behind a breaker (`redis_link`): while it is down, rate limits count in
//! the process and the session cache answers "unavailable" at once, so callers decide
//! from the database; nothing waits on a reconnect.

mod memory;
mod rate;
mod redis_link;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};

use crate::clock::Clock;
use memory::Memory;
use redis_link::RedisLink;

pub use rate::RateLimit;
pub use redis_link::PROBE_EVERY;

/// The answer to one counted event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed { remaining: u64 },
    Limited { retry_after: Duration },
}

#[derive(Debug, thiserror::Error)]
pub enum StoreUnavailable {
    /// The breaker is open: Redis failed lately and is being probed.
    #[error("redis is down (the breaker is open)")]
    Down,
    #[error("redis failed")]
    Failed(#[source] redis::RedisError),
}

/// Names one connection to the store. Redis gets a new one after every outage (what it
/// holds may have been lost or rolled back meanwhile); the in-process map has one for
/// the life of the process.
pub type ConnectionId = u64;

/// What `/readyz` reports of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreHealth {
    /// No Redis configured: everything is in this process.
    InProcess,
    Up,
    /// Redis is configured but down: per-process limits, database session checks.
    Degraded,
}

/// One write of a [`LimitStore::write`] batch; every one sets a TTL.
#[derive(Debug, Clone, Copy)]
pub enum Write<'a> {
    Set {
        key: &'a str,
        value: &'a str,
        ttl: Duration,
    },
    /// Only where the key holds nothing.
    SetIfAbsent {
        key: &'a str,
        value: &'a str,
        ttl: Duration,
    },
    /// Unless the key holds `unless` (a tombstone that must not be overwritten).
    SetUnless {
        key: &'a str,
        value: &'a str,
        ttl: Duration,
        unless: &'a str,
    },
}

/// Values read from the store and the connection that answered them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub values: Vec<Option<String>>,
    pub connection: ConnectionId,
}

/// Redis or in-process, chosen once at start.
#[derive(Clone)]
pub struct LimitStore {
    prefix: Arc<str>,
    redis: Option<Arc<RedisLink>>,
    /// The whole store without Redis; the fallback counters with it.
    memory: Arc<Memory>,
}

/// Sets `KEYS[1]` to `ARGV[1]` unless it holds `ARGV[3]`.
const SET_UNLESS_SCRIPT: &str = "if redis.call('GET', KEYS[1]) == ARGV[3] then return 0 end \
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) \
    return 1";

/// Reads the number under `KEYS[1]` and, if there is one, sets `ARGV[1] .. it .. ARGV[2]`
/// to `ARGV[3]`; answers the number (or nil: nothing was written).
const WRITE_UNDER_SCRIPT: &str = "local n = redis.call('GET', KEYS[1]) \
    if not n then return false end \
    redis.call('SET', ARGV[1] .. n .. ARGV[2], ARGV[3], 'PX', ARGV[4]) \
    return n";

/// Sets `key` to `ARGV[1]` unless it holds a larger number; answers the number it holds.
const RAISE_SCRIPT: &str = "local current = tonumber(redis.call('GET', KEYS[1]) or '0') \
    local wanted = tonumber(ARGV[1]) \
    if current > wanted then return current end \
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) \
    return wanted";

impl LimitStore {
    /// Connects to Redis, or returns the in-process store when `url` is `None`. A Redis
    /// that does not answer yet is not an error: the store starts degraded and probes it.
    pub async fn connect(url: Option<&SecretString>, clock: Clock) -> anyhow::Result<LimitStore> {
        match url {
            Some(url) => LimitStore::redis(url.expose_secret(), "atrium", clock).await,
            None => Ok(LimitStore::memory(clock)),
        }
    }

    pub fn memory(clock: Clock) -> LimitStore {
        LimitStore {
            prefix: "atrium".into(),
            redis: None,
            memory: Arc::new(Memory::new(clock)),
        }
    }

    /// Connects to Redis; `prefix` starts every key (tests pass a random one) and `clock`
    /// runs the fallback counters.
    pub async fn redis(url: &str, prefix: &str, clock: Clock) -> anyhow::Result<LimitStore> {
        let client =
            redis::Client::open(url).context("ATRIUM_REDIS_URL is not a valid redis:// URL")?;
        Ok(LimitStore {
            prefix: prefix.into(),
            redis: Some(RedisLink::open(client).await),
            memory: Arc::new(Memory::new(clock)),
        })
    }

    pub fn is_redis(&self) -> bool {
        self.redis.is_some()
    }

    pub fn health(&self) -> StoreHealth {
        match &self.redis {
            None => StoreHealth::InProcess,
            Some(link) if link.connection_id().is_some() => StoreHealth::Up,
            Some(_) => StoreHealth::Degraded,
        }
    }

    /// The connection the next call would use, or `None` while Redis is down.
    pub fn connection(&self) -> Option<ConnectionId> {
        match &self.redis {
            None => Some(0),
            Some(link) => link.connection_id(),
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.prefix)
    }

    /// Counts one event against `limit` under `key`; the window starts at the first
    /// event. Counts in this process while Redis is down.
    pub async fn hit(&self, key: &str, limit: RateLimit) -> Decision {
        let (count, ttl) = self.increment(key, limit.window).await;
        if count > limit.count {
            return Decision::Limited {
                retry_after: round_up_to_second(ttl),
            };
        }
        Decision::Allowed {
            remaining: limit.count - count,
        }
    }

    /// Tells whether `key` is already over `limit`, without counting an event.
    pub async fn check(&self, key: &str, limit: RateLimit) -> Decision {
        let (count, ttl) = self.peek(key).await;
        if count >= limit.count {
            return Decision::Limited {
                retry_after: round_up_to_second(ttl),
            };
        }
        Decision::Allowed {
            remaining: limit.count - count,
        }
    }

    async fn increment(&self, key: &str, window: Duration) -> (u64, Duration) {
        let key = self.key(key);
        if let Some(link) = &self.redis {
            let window_ms = window.as_millis() as u64;
            let mut pipeline = redis::pipe();
            pipeline
                .atomic()
                .incr(&key, 1)
                .cmd("pexpire")
                .arg(&key)
                .arg(window_ms)
                .arg("NX")
                .pttl(&key);
            if let Ok(((count, _, ttl), _)) = link.pipeline::<(u64, i64, i64)>(&pipeline).await {
                return (count, Duration::from_millis(ttl.max(0) as u64));
            }
        }
        self.memory.increment(&key, window)
    }

    async fn peek(&self, key: &str) -> (u64, Duration) {
        let key = self.key(key);
        if let Some(link) = &self.redis {
            let mut pipeline = redis::pipe();
            pipeline.get(&key).pttl(&key);
            if let Ok(((count, ttl), _)) = link.pipeline::<(Option<u64>, i64)>(&pipeline).await {
                return (count.unwrap_or(0), Duration::from_millis(ttl.max(0) as u64));
            }
        }
        self.memory.peek(&key)
    }

    /// Forgets `key` (a rate-limit window), wherever it is counted now.
    pub async fn delete(&self, key: &str) {
        let key = self.key(key);
        if let Some(link) = &self.redis {
            let _ = link.command::<()>(redis::cmd("DEL").arg(&key)).await;
        }
        self.memory.delete(&key);
    }

    /// Reads `keys` in one round trip, with the connection that answered.
    pub async fn read(&self, keys: &[&str]) -> Result<Read, StoreUnavailable> {
        let keys: Vec<String> = keys.iter().map(|key| self.key(key)).collect();
        let Some(link) = &self.redis else {
            return Ok(Read {
                values: self.memory.get_many(&keys),
                connection: 0,
            });
        };
        let (values, connection) = link.command(redis::cmd("MGET").arg(&keys)).await?;
        Ok(Read { values, connection })
    }

    /// Applies `writes` and then reads `then_read`, all at once (MULTI/EXEC on Redis):
    /// nothing else happens in between.
    pub async fn write(
        &self,
        writes: &[Write<'_>],
        then_read: &[&str],
    ) -> Result<Read, StoreUnavailable> {
        let reads: Vec<String> = then_read.iter().map(|key| self.key(key)).collect();
        let Some(link) = &self.redis else {
            for write in writes {
                match *write {
                    Write::Set { key, value, ttl } => {
                        self.memory.set(&self.key(key), value, ttl, None)
                    }
                    Write::SetIfAbsent { key, value, ttl } => {
                        self.memory.set(&self.key(key), value, ttl, Some(None))
                    }
                    Write::SetUnless {
                        key,
                        value,
                        ttl,
                        unless,
                    } => self
                        .memory
                        .set(&self.key(key), value, ttl, Some(Some(unless))),
                }
            }
            return Ok(Read {
                values: self.memory.get_many(&reads),
                connection: 0,
            });
        };
        let mut pipeline = redis::pipe();
        pipeline.atomic();
        for write in writes {
            match *write {
                Write::Set { key, value, ttl } => pipeline
                    .cmd("SET")
                    .arg(self.key(key))
                    .arg(value)
                    .arg("PX")
                    .arg(millis(ttl))
                    .ignore(),
                Write::SetIfAbsent { key, value, ttl } => pipeline
                    .cmd("SET")
                    .arg(self.key(key))
                    .arg(value)
                    .arg("PX")
                    .arg(millis(ttl))
                    .arg("NX")
                    .ignore(),
                Write::SetUnless {
                    key,
                    value,
                    ttl,
                    unless,
                } => pipeline
                    .cmd("EVAL")
                    .arg(SET_UNLESS_SCRIPT)
                    .arg(1)
                    .arg(self.key(key))
                    .arg(value)
                    .arg(millis(ttl))
                    .arg(unless)
                    .ignore(),
            };
        }
        if !reads.is_empty() {
            pipeline.cmd("MGET").arg(&reads);
        }
        let (answer, connection) = link.pipeline::<Vec<redis::Value>>(&pipeline).await?;
        let values = match answer.into_iter().next() {
            Some(value) => redis::from_redis_value(value)
                .map_err(|err| StoreUnavailable::Failed(redis::RedisError::from(err)))?,
            None => Vec::new(),
        };
        Ok(Read { values, connection })
    }

    /// Writes `value` (for `ttl`) under the key `head{n}tail`, where `n` is the number
    /// `number_key` holds at that very moment (nothing is written if it holds none);
    /// answers `n`. Whoever trusts only the keys of the number stored there now sees the
    /// write, whatever number it last knew.
    pub async fn write_under(
        &self,
        number_key: &str,
        head: &str,
        tail: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<Option<i64>, StoreUnavailable> {
        let (number_key, head) = (self.key(number_key), self.key(head));
        let Some(link) = &self.redis else {
            return Ok(self
                .memory
                .write_under(&number_key, &head, tail, value, ttl));
        };
        let (number, _): (Option<String>, _) = link
            .command(
                redis::cmd("EVAL")
                    .arg(WRITE_UNDER_SCRIPT)
                    .arg(1)
                    .arg(&number_key)
                    .arg(&head)
                    .arg(tail)
                    .arg(value)
                    .arg(millis(ttl)),
            )
            .await?;
        Ok(number.and_then(|n| n.parse().ok()))
    }

    /// Stores the number `value` under `key` for `ttl` unless a larger one is stored
    /// there; answers the number stored and the connection that answered.
    pub async fn raise(
        &self,
        key: &str,
        value: i64,
        ttl: Duration,
    ) -> Result<(i64, ConnectionId), StoreUnavailable> {
        let key = self.key(key);
        let Some(link) = &self.redis else {
            return Ok((self.memory.raise(&key, value, ttl), 0));
        };
        link.command(
            redis::cmd("EVAL")
                .arg(RAISE_SCRIPT)
                .arg(1)
                .arg(&key)
                .arg(value)
                .arg(millis(ttl)),
        )
        .await
    }
}

/// A TTL in whole milliseconds, at least one (Redis refuses zero).
fn millis(ttl: Duration) -> u64 {
    (ttl.as_millis() as u64).max(1)
}

fn round_up_to_second(duration: Duration) -> Duration {
    Duration::from_secs(duration.as_millis().div_ceil(1000).max(1) as u64)
}

#[cfg(test)]
mod tests;
