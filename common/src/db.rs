//! The one database handle: the same SQL text runs on PostgreSQL (one schema per service)
//! or SQLite (one WAL file per service), chosen by URL, with per-backend migrations run
//! at start. Queries go through [`on_db!`](crate::on_db) and [`on_tx!`](crate::on_tx),
//! which expand one body once per backend so each is type-checked against its driver.
//!
//! Times are `DateTime<Utc>` from the [`Clock`](crate::clock::Clock): `timestamptz` on
//! PostgreSQL, RFC 3339 text on SQLite (one encoder, so text order is time order).

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgPool, Postgres, Sqlite, SqlitePool};

use crate::config::{DatabaseTarget, ServiceName};

/// How long a PostgreSQL connection may sit idle before it is pinged on its next use.
const PING_WHEN_IDLE: Duration = Duration::from_secs(30);

/// A service's pair of migration folders, same numbering in both.
pub struct Migrations {
    pub postgres: &'static Migrator,
    pub sqlite: &'static Migrator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// A pool on one of the two backends.
#[derive(Clone, Debug)]
pub enum Db {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// An open transaction on one of the two backends; dropped without commit, it rolls back.
#[derive(Debug)]
pub enum Tx {
    Postgres(sqlx::Transaction<'static, Postgres>),
    Sqlite(sqlx::Transaction<'static, Sqlite>),
}

/// Runs `$body` with `$conn` bound to the pool of whichever backend `$db` is.
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$conn:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Postgres($conn) => $body,
            $crate::db::Db::Sqlite($conn) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the connection of the transaction `$tx` (a `&mut Tx`).
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::db::Tx::Postgres(transaction) => {
                let $conn = &mut **transaction;
                $body
            }
            $crate::db::Tx::Sqlite(transaction) => {
                let $conn = &mut **transaction;
                $body
            }
        }
    };
}

impl Db {
    /// Opens the service's database on `target` and applies its migrations.
    pub async fn open(
        target: &DatabaseTarget,
        service: ServiceName,
        migrations: &Migrations,
    ) -> anyhow::Result<Db> {
        let db = match target {
            DatabaseTarget::Sqlite { dir } => {
                let path = dir.join(format!("{service}.db"));
                Db::open_sqlite(&path)
                    .await
                    .with_context(|| format!("opening {}", path.display()))?
            }
            DatabaseTarget::Postgres { url } => {
                Db::open_postgres(url.expose_secret(), service.as_str())
                    .await
                    .with_context(|| format!("opening PostgreSQL schema {service}"))?
            }
        };
        db.migrate(migrations)
            .await
            .with_context(|| format!("migrating the {service} database"))?;
        Ok(db)
    }

    async fn open_sqlite(path: &std::path::Path) -> Result<Db, sqlx::Error> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        // A file cannot hang up: no ping (a round trip to the connection's thread) before
        // every query.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        Ok(Db::Sqlite(pool))
    }

    /// Connects with `search_path` set to the service's own schema, creating it first.
    async fn open_postgres(url: &str, schema: &str) -> Result<Db, sqlx::Error> {
        let options = PgConnectOptions::from_str(url)?;
        let mut connection = sqlx::PgConnection::connect_with(&options).await?;
        // The schema name is one of the five fixed service names, never user input.
        let create = format!("create schema if not exists \"{schema}\"");
        sqlx::raw_sql(sqlx::AssertSqlSafe(create))
            .execute(&mut connection)
            .await?;
        connection.close().await?;
        // A connection idle long enough for a server or proxy to have dropped it is pinged
        // before use; a busy one is not (that ping was one extra round trip per query).
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .test_before_acquire(false)
            .before_acquire(|connection, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_WHEN_IDLE {
                        connection.ping().await?;
                    }
                    Ok(true)
                })
            })
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options.options([("search_path", schema)]))
            .await?;
        Ok(Db::Postgres(pool))
    }

    /// Applies the pending migrations of this backend; applying them again is a no-op.
    pub async fn migrate(
        &self,
        migrations: &Migrations,
    ) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Db::Postgres(pool) => migrations.postgres.run(pool).await,
            Db::Sqlite(pool) => migrations.sqlite.run(pool).await,
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Postgres(_) => Backend::Postgres,
            Db::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Checks that the database answers a query.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_db!(self, |pool| sqlx::query("select 1")
            .execute(pool)
            .await
            .map(drop))
    }

    /// Begins a write transaction; on SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue instead of failing on upgrade.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("begin immediate").await?),
        })
    }

    pub async fn close(&self) {
        on_db!(self, |pool| pool.close().await)
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Postgres(tx) => tx.commit().await,
            Tx::Sqlite(tx) => tx.commit().await,
        }
    }
}

/// True when the error is a unique-constraint violation, on either backend.
/// `%q%` for a case-insensitive substring match (`lower(col) like $n escape '\'`), with
/// LIKE's wildcards in `q` escaped.
pub fn like_pattern(q: &str) -> String {
    let escaped = q
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

/// `ids` as a JSON array of strings, for SQLite's `json_each` where PostgreSQL binds an
/// array: `… in (select unhex(replace(value, '-', '')) from json_each($n))` matches the
/// 16-byte blobs the ids are stored as.
pub fn ids_json(ids: &[uuid::Uuid]) -> String {
    let quoted: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
    format!("[{}]", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use sqlx::Connection;

    /// `.cargo/config.toml` compiles SQLite without its memory statistics, whose one
    /// process-wide mutex the connection threads queued on under concurrent reads.
    #[tokio::test]
    async fn sqlite_is_built_without_the_memory_statistics_mutex() {
        let mut connection = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        let options: Vec<String> = sqlx::query_scalar("pragma compile_options")
            .fetch_all(&mut connection)
            .await
            .unwrap();
        assert!(
            options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "{options:?}"
        );
    }
}
