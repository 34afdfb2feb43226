//! The one database handle: the same SQL text runs on PostgreSQL (one schema per service)
//! or SQLite (one WAL file per service), chosen by URL, with per-backend migrations run
//! at start. Queries go through [`on_db!`](crate::on_db) and [`on_tx!`](crate::on_tx),
//! which expand one body once per backend so each is type-checked against its driver.
//!
//! A database that stops answering fails fast: a connection is waited for at most
//! [`POSTGRES_ACQUIRE`], the service's health watcher ([`Db::check`], on a connection of
//! its own) marks the database down as soon as a check fails, and while it is down every
//! query is handed a closed pool, so it answers `PoolClosed` at once ([`is_unavailable`]
//! maps it to `UNAVAILABLE`) instead of queueing. The watcher checks again every
//! [`DOWN_PROBE`]; connections opened before the outage are dropped on their next use.
//!
//! Times are `DateTime<Utc>` from the [`Clock`](crate::clock::Clock): `timestamptz` on
//! PostgreSQL, RFC 3339 text on SQLite (one encoder, so text order is time order).

use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Context;
use secrecy::ExposeSecret;
use sqlx::pool::PoolConnectionMetadata;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgPool, Postgres, Sqlite, SqlitePool};

use crate::config::{DatabaseTarget, ServiceName};

pub mod migrations;
mod text;

pub use migrations::{MigrationFile, Migrations};
pub use text::{
    fold, ids_json, is_conflict, is_unavailable, is_unique_violation, like_pattern, report_filled,
};

/// How long a PostgreSQL connection may sit idle before it is pinged on its next use.
const PING_WHEN_IDLE: Duration = Duration::from_secs(30);
/// PostgreSQL connections a service holds at most, unless `ATRIUM_DATABASE_POOL_SIZE`
/// says otherwise.
pub const POOL_SIZE: u32 = 10;
/// The longest a query waits for a PostgreSQL connection: a down database answers 503
/// within a second, never after the pool's usual 30 s (or sqlx's default 5 s).
pub const POSTGRES_ACQUIRE: Duration = Duration::from_millis(500);
/// The longest the health check waits to connect, and for its `select 1`.
const PROBE_TIMEOUT: Duration = Duration::from_millis(500);
/// SQLite is a file: a wait means the pool is busy, not that the database went away.
const SQLITE_ACQUIRE: Duration = Duration::from_secs(5);
/// How much of a SQLite file is read through a memory map (address space, not memory:
/// the pages are the OS page cache's).
const SQLITE_MMAP_BYTES: u64 = 256 * 1024 * 1024;
/// How often the health watcher pings a database that is up, and one that is down.
pub const UP_PROBE: Duration = Duration::from_millis(500);
pub const DOWN_PROBE: Duration = Duration::from_millis(200);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// A service's database: its pool, and whether the health watcher found it down.
#[derive(Clone, Debug)]
pub struct Db {
    live: Pools,
    /// Handed to queries while the database is down: closed, so they fail at once.
    closed: Pools,
    health: Arc<Health>,
}

/// A pool on one of the two backends.
#[derive(Clone, Debug)]
pub enum Pools {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// Whether a database answers, as its last check found.
#[derive(Debug, Default)]
struct Health {
    down: AtomicBool,
    /// When the last outage began, in nanoseconds after [`epoch`]; 0 for never.
    outage_began: AtomicU64,
    /// PostgreSQL is checked on a connection of its own, outside the pool: a pool busy
    /// with slow queries is not a database that went away, and a database that stopped
    /// answering without closing its connections is found by the probe's timeout.
    postgres: Option<PgConnectOptions>,
    probe: tokio::sync::Mutex<Option<sqlx::PgConnection>>,
}

/// The instant outage times are counted from.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

impl Health {
    /// A connection opened before the last outage began may be dead: it is not handed out.
    fn predates_outage(&self, meta: &PoolConnectionMetadata) -> bool {
        let began = self.outage_began.load(Ordering::Relaxed);
        if began == 0 {
            return false;
        }
        let opened = Instant::now().checked_sub(meta.age).unwrap_or_else(epoch);
        let opened = opened.saturating_duration_since(epoch()).as_nanos() as u64;
        opened < began
    }
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
        match $db.pool() {
            $crate::db::Pools::Postgres($conn) => $body,
            $crate::db::Pools::Sqlite($conn) => $body,
        }
    };
}

/// Runs one statement on either backend: `sql!(db <&Db>, …)` on the pool, `sql!(tx <&mut
/// Tx>, …)` in the transaction, then the query function with its SQL, the binds in order
/// and what to do with it. `execute` answers the rows it touched; `fetch_optional`,
/// `fetch_one` and `fetch_all` answer rows (or scalars with `query_scalar`).
///
/// ```ignore
/// let gone = sql!(tx tx, query("delete from project where project_id = $1") [id] execute)? == 1;
/// let row: Option<Row> = sql!(db db, query_as("select … where id = $1") [id] fetch_optional)?;
/// ```
#[macro_export]
macro_rules! sql {
    (db $db:expr, $query:ident $(::<$($t:ty),+>)? ($sql:expr) [$($bind:expr),* $(,)?] execute) => {
        $crate::on_db!($db, |pool| sqlx::$query$(::<$($t),+>)?($sql)$(.bind($bind))*
            .execute(pool).await.map(|done| done.rows_affected()))
    };
    (db $db:expr, $query:ident $(::<$($t:ty),+>)? ($sql:expr) [$($bind:expr),* $(,)?] $run:ident) => {
        $crate::on_db!($db, |pool| sqlx::$query$(::<$($t),+>)?($sql)$(.bind($bind))*.$run(pool).await)
    };
    (tx $tx:expr, $query:ident $(::<$($t:ty),+>)? ($sql:expr) [$($bind:expr),* $(,)?] execute) => {
        $crate::on_tx!($tx, |conn| sqlx::$query$(::<$($t),+>)?($sql)$(.bind($bind))*
            .execute(conn).await.map(|done| done.rows_affected()))
    };
    (tx $tx:expr, $query:ident $(::<$($t:ty),+>)? ($sql:expr) [$($bind:expr),* $(,)?] $run:ident) => {
        $crate::on_tx!($tx, |conn| sqlx::$query$(::<$($t),+>)?($sql)$(.bind($bind))*.$run(conn).await)
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
        Db::open_pooled(target, service, migrations, POOL_SIZE).await
    }

    /// [`Db::open`] holding at most `pool_size` PostgreSQL connections.
    pub async fn open_pooled(
        target: &DatabaseTarget,
        service: ServiceName,
        migrations: &Migrations,
        pool_size: u32,
    ) -> anyhow::Result<Db> {
        let db = match target {
            DatabaseTarget::Sqlite { dir } => {
                let path = dir.join(format!("{service}.db"));
                Db::open_sqlite(&path)
                    .await
                    .with_context(|| format!("opening {}", path.display()))?
            }
            DatabaseTarget::Postgres { url } => {
                Db::open_postgres(url.expose_secret(), service.as_str(), pool_size)
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
        let health = Arc::new(Health::default());
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            // Reads come from the mapped file instead of a read() per page past SQLite's
            // own 2 MB cache: the hot paths (session checks, dashboards) touch pages of
            // tables far larger than that cache.
            .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string());
        // A file cannot hang up: no ping (a round trip to the connection's thread) before
        // every query.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .acquire_timeout(SQLITE_ACQUIRE)
            .connect_with(options.clone())
            .await?;
        let closed = SqlitePoolOptions::new().connect_lazy_with(options);
        closed.close().await;
        Ok(Db {
            live: Pools::Sqlite(pool),
            closed: Pools::Sqlite(closed),
            health,
        })
    }

    /// Connects with `search_path` set to the service's own schema, creating it first.
    async fn open_postgres(url: &str, schema: &str, pool_size: u32) -> Result<Db, sqlx::Error> {
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
        // One opened before the last outage is dropped unused.
        let options = options.options([("search_path", schema)]);
        let health = Arc::new(Health {
            postgres: Some(options.clone()),
            ..Health::default()
        });
        let seen_by_acquire = health.clone();
        let pool = PgPoolOptions::new()
            .max_connections(pool_size)
            .test_before_acquire(false)
            .before_acquire(move |connection, meta| {
                let stale = seen_by_acquire.predates_outage(&meta);
                Box::pin(async move {
                    if stale {
                        return Ok(false);
                    }
                    if meta.idle_for >= PING_WHEN_IDLE {
                        connection.ping().await?;
                    }
                    Ok(true)
                })
            })
            .acquire_timeout(POSTGRES_ACQUIRE)
            .connect_with(options.clone())
            .await?;
        let closed = PgPoolOptions::new().connect_lazy_with(options);
        closed.close().await;
        Ok(Db {
            live: Pools::Postgres(pool),
            closed: Pools::Postgres(closed),
            health,
        })
    }

    /// Applies the pending migrations of this backend; applying them again is a no-op.
    pub async fn migrate(
        &self,
        migrations: &Migrations,
    ) -> Result<(), sqlx::migrate::MigrateError> {
        match &self.live {
            Pools::Postgres(pool) => migrations.postgres().run(pool).await,
            Pools::Sqlite(pool) => migrations.sqlite().run(pool).await,
        }
    }

    pub fn backend(&self) -> Backend {
        match &self.live {
            Pools::Postgres(_) => Backend::Postgres,
            Pools::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// The pool a query should use: the live one, or a closed one while the database is
    /// known to be down (the query then fails at once instead of waiting for it).
    pub fn pool(&self) -> &Pools {
        if self.health.down.load(Ordering::Relaxed) {
            &self.closed
        } else {
            &self.live
        }
    }

    /// Whether the last check found the database down.
    pub fn is_down(&self) -> bool {
        self.health.down.load(Ordering::Relaxed)
    }

    /// Pings the database (past the down gate) and records the answer: a failed ping
    /// marks it down, so queries fail at once; the next good one marks it up again.
    pub async fn check(&self) -> Result<(), sqlx::Error> {
        let answer = match &self.live {
            Pools::Postgres(_) => self.probe_postgres().await,
            Pools::Sqlite(pool) => {
                let answer = sqlx::query("select 1").execute(pool).await.map(drop);
                // A ping that timed out while every connection was in use met a busy
                // pool, not a file that went away.
                let busy = matches!(answer, Err(sqlx::Error::PoolTimedOut))
                    && pool.size() >= pool.options().get_max_connections();
                if busy { Ok(()) } else { answer }
            }
        };
        let was_down = self.health.down.swap(answer.is_err(), Ordering::Relaxed);
        if answer.is_err() && !was_down {
            let began = Instant::now().saturating_duration_since(epoch()).as_nanos() as u64;
            self.health
                .outage_began
                .store(began.max(1), Ordering::Relaxed);
        }
        answer
    }

    /// `select 1` on the health check's own PostgreSQL connection, each step within
    /// [`PROBE_TIMEOUT`]; a connection that fails is replaced and tried once more.
    async fn probe_postgres(&self) -> Result<(), sqlx::Error> {
        let Some(options) = &self.health.postgres else {
            return Ok(());
        };
        let timed_out = || {
            sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the database did not answer the health check in time",
            ))
        };
        let mut probe = self.health.probe.lock().await;
        let mut last = None;
        for _ in 0..2 {
            if probe.is_none() {
                let connect = sqlx::PgConnection::connect_with(options);
                let connection = tokio::time::timeout(PROBE_TIMEOUT, connect)
                    .await
                    .map_err(|_| timed_out())??;
                *probe = Some(connection);
            }
            let connection = probe.as_mut().expect("connected just now");
            let select = sqlx::query("select 1").execute(connection);
            match tokio::time::timeout(PROBE_TIMEOUT, select).await {
                Ok(Ok(_)) => return Ok(()),
                Ok(Err(err)) => last = Some(err),
                Err(_) => last = Some(timed_out()),
            }
            *probe = None;
        }
        Err(last.unwrap_or_else(timed_out))
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
        Ok(match self.pool() {
            Pools::Postgres(pool) => Tx::Postgres(pool.begin().await?),
            Pools::Sqlite(pool) => Tx::Sqlite(pool.begin_with("begin immediate").await?),
        })
    }

    pub async fn close(&self) {
        match &self.live {
            Pools::Postgres(pool) => pool.close().await,
            Pools::Sqlite(pool) => pool.close().await,
        }
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

#[cfg(test)]
mod tests;
