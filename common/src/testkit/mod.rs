//! The test harness every crate shares: a fresh database per test (SQLite always,
//! PostgreSQL when `ATRIUM_TEST_DATABASE_URL` is set), the limit store on Redis when
//! `ATRIUM_TEST_REDIS_URL` is set, a manual clock, quiet tracing, and an SMTP sink.

pub mod faults;
pub mod smtp;

use std::str::FromStr;
use std::sync::Once;

use anyhow::Context;
use chrono::{TimeZone, Utc};
use secrecy::SecretString;
use sqlx::Connection;
use sqlx::postgres::PgConnectOptions;

use crate::clock::Clock;
use crate::config::DatabaseTarget;
use crate::limits::LimitStore;

pub const TEST_DATABASE_URL: &str = "ATRIUM_TEST_DATABASE_URL";
pub const TEST_REDIS_URL: &str = "ATRIUM_TEST_REDIS_URL";

/// Turns on test log output once per binary when `TEST_LOG` is set.
pub fn init_test_tracing() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        opentelemetry::global::set_text_map_propagator(
            opentelemetry_sdk::propagation::TraceContextPropagator::new(),
        );
        if std::env::var_os("TEST_LOG").is_some() {
            let filter =
                tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                    tracing_subscriber::EnvFilter::new(
                        "debug,sqlx=warn,h2=warn,hyper=warn,tower=warn",
                    )
                });
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_test_writer()
                .try_init();
        }
    });
}

/// A key prefix no other test uses, for Redis.
pub fn random_prefix() -> String {
    format!("atrium-test-{}", uuid::Uuid::new_v4().simple())
}

/// A clock fixed at a round time that only the test moves.
pub fn manual_clock() -> Clock {
    Clock::manual(
        Utc.with_ymd_and_hms(2030, 1, 15, 9, 0, 0)
            .single()
            .expect("valid time"),
    )
}

/// PostgreSQL connections per service of a test stack: test binaries run stacks side by
/// side on one server (100 connections by default), and a stack has five services.
pub const TEST_POOL_SIZE: u32 = 4;

/// A database nobody else uses; a SQLite directory is deleted when this drops.
pub struct TestDatabase {
    pub target: DatabaseTarget,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// A placeholder that points nowhere, for moving a real one out of a struct.
    pub fn none() -> TestDatabase {
        TestDatabase {
            target: DatabaseTarget::Sqlite {
                dir: std::path::PathBuf::new(),
            },
            _dir: None,
        }
    }

    /// Another handle on this database (as a second process would open it); the
    /// original keeps owning it.
    pub fn shared(&self) -> TestDatabase {
        TestDatabase {
            target: self.target.clone(),
            _dir: None,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.target, DatabaseTarget::Postgres { .. })
    }
}

/// The environment of one service on `database` with nothing else set: its SQLite files
/// in the database's directory, or PostgreSQL with `data_dir` for the rest.
pub fn service_env(database: &TestDatabase, data_dir: &std::path::Path) -> crate::config::Env {
    let (data_dir, database_url) = match &database.target {
        DatabaseTarget::Sqlite { dir } => (dir.clone(), None),
        DatabaseTarget::Postgres { url } => (data_dir.to_owned(), Some(url.clone())),
    };
    crate::config::Env {
        data_dir: Some(data_dir),
        database_pool_size: database.is_postgres().then_some(TEST_POOL_SIZE),
        database_url,
        ..crate::config::Env::default()
    }
}

/// Creates a fresh database: a new PostgreSQL database on `ATRIUM_TEST_DATABASE_URL`'s
/// server when it is set, else a new SQLite directory.
pub async fn fresh_database() -> anyhow::Result<TestDatabase> {
    fresh_database_on(std::env::var(TEST_DATABASE_URL).ok().as_deref()).await
}

/// A service's fresh, migrated database for its store contract, with the database that
/// holds it (dropping that removes a SQLite directory).
pub async fn store_db(
    service: crate::config::ServiceName,
    migrations: &crate::db::Migrations,
) -> (crate::db::Db, TestDatabase) {
    let database = fresh_database().await.expect("database");
    let db = crate::db::Db::open(&database.target, service, migrations)
        .await
        .expect("the service's database opens");
    (db, database)
}

/// A fixed instant plus `seconds`: the store contracts' clock.
pub fn at(seconds: i64) -> chrono::DateTime<chrono::Utc> {
    let start = chrono::DateTime::from_timestamp(1_772_355_600, 0).expect("2026-03-01 09:00 UTC");
    start + chrono::TimeDelta::seconds(seconds)
}

/// Creates a fresh database on the PostgreSQL server of `url`, or a new SQLite directory.
pub async fn fresh_database_on(url: Option<&str>) -> anyhow::Result<TestDatabase> {
    let Some(url) = url else {
        let dir = tempfile::tempdir()?;
        return Ok(TestDatabase {
            target: DatabaseTarget::Sqlite {
                dir: dir.path().to_owned(),
            },
            _dir: Some(dir),
        });
    };
    let name = format!("atrium_test_{}", uuid::Uuid::new_v4().simple());
    let options = PgConnectOptions::from_str(url)
        .with_context(|| format!("{TEST_DATABASE_URL} is not a postgres URL"))?;
    let mut admin = sqlx::PgConnection::connect_with(&options)
        .await
        .with_context(|| format!("connecting to {TEST_DATABASE_URL}"))?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("create database {name}")))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    Ok(TestDatabase {
        target: DatabaseTarget::Postgres {
            url: SecretString::from(with_database(url, &name)),
        },
        _dir: None,
    })
}

/// Replaces the database name of a `postgres://` URL.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// The `host:port` a `postgres://user@host:port/db` URL dials.
pub fn address_of(url: &str) -> Option<String> {
    let rest = &url[url.find("://")? + 3..];
    let authority = rest.split(['/', '?']).next()?;
    let host = authority.rsplit('@').next()?;
    Some(if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    })
}

/// Points a `postgres://user@host:port/db` URL at `addr` instead (a [`faults::TcpProxy`]).
pub fn with_address(url: &str, addr: std::net::SocketAddr) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[authority_start..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let user = authority
        .rsplit_once('@')
        .map_or(String::new(), |(user, _)| format!("{user}@"));
    format!(
        "{}{user}{addr}{}",
        &url[..authority_start],
        &rest[authority_end..]
    )
}

/// The Redis URL tests should use, if any.
pub fn test_redis_url() -> Option<String> {
    std::env::var(TEST_REDIS_URL)
        .ok()
        .filter(|url| !url.is_empty())
}

/// A limit store on Redis (with a random prefix) when `ATRIUM_TEST_REDIS_URL` is set,
/// else in-process on `clock`.
pub async fn limit_store(clock: Clock) -> anyhow::Result<LimitStore> {
    match test_redis_url() {
        Some(url) => LimitStore::redis(&url, &random_prefix(), clock).await,
        None => Ok(LimitStore::memory(clock)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced_whatever_the_url_holds() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres", "t1"),
            "postgres://u@h:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u@h:5432", "t1"),
            "postgres://u@h:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "t1"),
            "postgres://u@h/t1?sslmode=disable"
        );
        let proxy: std::net::SocketAddr = "127.0.0.1:6000".parse().unwrap();
        assert_eq!(
            with_address("postgres://u@h:5432/db?sslmode=disable", proxy),
            "postgres://u@127.0.0.1:6000/db?sslmode=disable"
        );
        assert_eq!(
            with_address("postgres://h/db", proxy),
            "postgres://127.0.0.1:6000/db"
        );
    }
}
