//! Leases on queue rows (the notifier's mail, every service's outbox): a worker claims a
//! row until `now + LEASE` and extends the claim every `RENEW_EVERY` while it works on
//! it. A worker that dies stops extending, so its rows are free again within one lease:
//! mail a crashed process had claimed goes out within seconds of a restart, not minutes.
//! A queue table is described once with [`lease_queue!`]; claiming, extending and
//! holding are the same code for every queue.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::clock::Clock;
use crate::db::{Db, Pools};
use crate::sql;

/// The statements of one queue table whose rows carry `claimed_until`, `attempts` and
/// `next_attempt_at`; written by [`lease_queue!`].
pub struct Queue {
    /// What the rows are, for logs.
    pub what: &'static str,
    pub claim_postgres: &'static str,
    pub claim_sqlite: &'static str,
    pub extend: &'static str,
}

/// Describes a queue table: its name, id column, the condition of a row waiting to be
/// worked on, the order rows are taken in, more to set on a claim (`$1` is now) and the
/// columns a claim answers. The claim is atomic: of several workers (in one process or
/// many) exactly one gets each row; its outer conditions repeat the inner ones so
/// PostgreSQL re-checks them on the row it locked.
#[macro_export]
macro_rules! lease_queue {
    (
        what: $what:literal,
        table: $table:literal,
        id: $id:literal,
        waiting: $waiting:literal,
        order: $order:literal,
        set: $set:literal,
        returning: $returning:expr $(,)?
    ) => {
        $crate::lease::Queue {
            what: $what,
            claim_postgres: $crate::lease_queue!(@claim $table, $id, $waiting, $order, $set, $returning, "for update skip locked"),
            // SQLite has one writer at a time, so the update is atomic as it stands.
            claim_sqlite: $crate::lease_queue!(@claim $table, $id, $waiting, $order, $set, $returning, ""),
            extend: concat!(
                "update ", $table, " set claimed_until = $2 where ", $id, " = $1 and ",
                $waiting, " and claimed_until is not null"
            ),
        }
    };
    (@claim $table:literal, $id:literal, $waiting:literal, $order:literal, $set:literal, $returning:expr, $lock:literal) => {
        concat!(
            "update ", $table, " set claimed_until = $2, attempts = attempts + 1", $set,
            " where ", $id, " = (select ", $id, " from ", $table, " where ", $waiting,
            " and next_attempt_at <= $1 and (claimed_until is null or claimed_until <= $1) order by ",
            $order, " limit 1 ", $lock, ") and ", $waiting,
            " and (claimed_until is null or claimed_until <= $1) returning ", $returning
        )
    };
}

impl Queue {
    /// Claims the first due row for one lease, if there is one.
    pub async fn claim<R>(&self, db: &Db, now: DateTime<Utc>) -> Result<Option<R>, sqlx::Error>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + Send
            + Unpin,
    {
        match db.pool() {
            Pools::Postgres(pool) => {
                sqlx::query_as(self.claim_postgres)
                    .bind(now)
                    .bind(until(now))
                    .fetch_optional(pool)
                    .await
            }
            Pools::Sqlite(pool) => {
                sqlx::query_as(self.claim_sqlite)
                    .bind(now)
                    .bind(until(now))
                    .fetch_optional(pool)
                    .await
            }
        }
    }

    /// Extends the claim on row `id` while it still waits and is claimed (by anyone: a
    /// worker whose lease ran out and one that took the row over both work on it, which
    /// is the at-least-once every queue of Atrium allows).
    pub async fn extend(&self, db: &Db, id: Uuid, until: DateTime<Utc>) -> Result<(), sqlx::Error> {
        sql!(db db, query(self.extend) [id, until] execute).map(drop)
    }

    /// Runs `work` on the claimed row `id`, extending its claim until the work is done.
    pub async fn hold<T>(
        &self,
        db: &Db,
        clock: &Clock,
        id: Uuid,
        work: impl Future<Output = T>,
    ) -> T {
        hold(work, || async {
            if let Err(err) = self.extend(db, id, until(clock.now())).await {
                tracing::debug!(error = %crate::error::error_chain(&err), queue = self.what, "extending a claim");
            }
        })
        .await
    }
}

/// How long a claim holds without being extended.
pub const LEASE: Duration = Duration::from_secs(15);
/// How often a worker extends the claims it is working on.
pub const RENEW_EVERY: Duration = Duration::from_secs(5);

/// When a claim taken or renewed at `now` runs out.
pub fn until(now: DateTime<Utc>) -> DateTime<Utc> {
    now + TimeDelta::from_std(LEASE).expect("lease in range")
}

/// Runs `work`, calling `renew` every [`RENEW_EVERY`] until it finishes; the renewals
/// run beside the work, never in its way.
pub async fn hold<T, R, F>(work: impl Future<Output = T>, mut renew: R) -> T
where
    R: FnMut() -> F,
    F: Future<Output = ()>,
{
    let renewals = async {
        loop {
            tokio::time::sleep(RENEW_EVERY).await;
            renew().await;
        }
    };
    tokio::select! {
        done = work => done,
        _ = renewals => unreachable!("renewals never end"),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_claim_is_renewed_while_the_work_runs_and_not_after() {
        let renewals = AtomicU32::new(0);
        let answer = hold(
            async {
                tokio::time::sleep(Duration::from_secs(12)).await;
                7
            },
            || async {
                renewals.fetch_add(1, Ordering::SeqCst);
            },
        )
        .await;
        tokio::time::sleep(Duration::from_secs(30)).await;

        assert_eq!(answer, 7);
        assert_eq!(renewals.load(Ordering::SeqCst), 2, "at 5 s and 10 s");
    }
}
