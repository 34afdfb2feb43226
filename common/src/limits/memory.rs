//! The in-process map behind the store: the whole store when no Redis is configured,
//! and the per-process counters rate limits fall back to while Redis is down. Expiry
//! runs on the process's clock, so tests move it instead of sleeping.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::clock::Clock;

pub(super) struct Memory {
    map: Mutex<HashMap<String, Entry>>,
    clock: Clock,
}

struct Entry {
    value: Value,
    expires_at: DateTime<Utc>,
}

enum Value {
    Counter(u64),
    Text(String),
}

/// Keep the map bounded: past this many keys, expired ones are dropped.
const SWEEP_ABOVE: usize = 100_000;

impl Memory {
    pub(super) fn new(clock: Clock) -> Memory {
        Memory {
            map: Mutex::default(),
            clock,
        }
    }

    fn with_map<T>(&self, f: impl FnOnce(&mut HashMap<String, Entry>, DateTime<Utc>) -> T) -> T {
        let now = self.clock.now();
        let mut map = self.map.lock().expect("limit map lock");
        if map.len() > SWEEP_ABOVE {
            map.retain(|_, e| e.expires_at > now);
        }
        f(&mut map, now)
    }

    /// Counts one event under `key`; answers the count and the window's time left.
    pub(super) fn increment(&self, key: &str, window: Duration) -> (u64, Duration) {
        self.with_map(|map, now| {
            let entry = live(map, key, now).map(|e| (e.expires_at, &mut e.value));
            match entry {
                Some((expires_at, Value::Counter(count))) => {
                    *count += 1;
                    (*count, remaining(expires_at, now))
                }
                _ => {
                    let expires_at = now + delta(window);
                    map.insert(
                        key.to_owned(),
                        Entry {
                            value: Value::Counter(1),
                            expires_at,
                        },
                    );
                    (1, remaining(expires_at, now))
                }
            }
        })
    }

    /// The count under `key` and the window's time left, without counting.
    pub(super) fn peek(&self, key: &str) -> (u64, Duration) {
        self.with_map(|map, now| match live(map, key, now) {
            Some(Entry {
                value: Value::Counter(count),
                expires_at,
            }) => (*count, remaining(*expires_at, now)),
            _ => (0, Duration::ZERO),
        })
    }

    pub(super) fn get_many(&self, keys: &[String]) -> Vec<Option<String>> {
        self.with_map(|map, now| keys.iter().map(|key| text(map, key, now)).collect())
    }

    /// Stores `value` for `ttl`. With `Some(None)`, only where no live value is; with
    /// `Some(Some(unless))`, unless the live value is `unless`.
    pub(super) fn set(&self, key: &str, value: &str, ttl: Duration, only: Option<Option<&str>>) {
        self.with_map(|map, now| {
            let current = text(map, key, now);
            match only {
                Some(None) if current.is_some() => return,
                Some(Some(unless)) if current.as_deref() == Some(unless) => return,
                _ => {}
            }
            let entry = Entry {
                value: Value::Text(value.to_owned()),
                expires_at: now + delta(ttl),
            };
            map.insert(key.to_owned(), entry);
        });
    }

    /// Writes `value` under `head{n}tail`, `n` being the number under `number_key`.
    pub(super) fn write_under(
        &self,
        number_key: &str,
        head: &str,
        tail: &str,
        value: &str,
        ttl: Duration,
    ) -> Option<i64> {
        self.with_map(|map, now| {
            let number: i64 = text(map, number_key, now)?.parse().ok()?;
            let entry = Entry {
                value: Value::Text(value.to_owned()),
                expires_at: now + delta(ttl),
            };
            map.insert(format!("{head}{number}{tail}"), entry);
            Some(number)
        })
    }

    /// Stores `value` unless a larger number is stored; answers the number stored.
    pub(super) fn raise(&self, key: &str, value: i64, ttl: Duration) -> i64 {
        self.with_map(|map, now| {
            let current = match live(map, key, now) {
                Some(Entry {
                    value: Value::Text(text),
                    ..
                }) => text.parse::<i64>().unwrap_or(0),
                _ => 0,
            };
            if current > value {
                return current;
            }
            map.insert(
                key.to_owned(),
                Entry {
                    value: Value::Text(value.to_string()),
                    expires_at: now + delta(ttl),
                },
            );
            value
        })
    }

    pub(super) fn delete(&self, key: &str) {
        self.map.lock().expect("limit map lock").remove(key);
    }
}

fn text(map: &mut HashMap<String, Entry>, key: &str, now: DateTime<Utc>) -> Option<String> {
    match live(map, key, now) {
        Some(Entry {
            value: Value::Text(text),
            ..
        }) => Some(text.clone()),
        _ => None,
    }
}

fn live<'a>(
    map: &'a mut HashMap<String, Entry>,
    key: &str,
    now: DateTime<Utc>,
) -> Option<&'a mut Entry> {
    if map.get(key).is_some_and(|e| e.expires_at <= now) {
        map.remove(key);
    }
    map.get_mut(key)
}

fn delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}

pub(super) fn remaining(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (expires_at - now).to_std().unwrap_or(Duration::ZERO)
}
