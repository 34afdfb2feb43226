//! The SQL of the session cache's generation: one row, moved forward only.

use atrium_common::db::{Db, Tx};
use atrium_common::sql;
use chrono::{DateTime, Utc};

/// The generation as the database holds it now.
pub async fn read_generation(db: &Db) -> Result<i64, sqlx::Error> {
    sql!(db db, query_scalar(
        "select generation from session_cache_generation where session_cache_generation_id = 1"
    ) [] fetch_one)
}

/// Moves the generation past both its current value and `at_least`; answers the new one.
pub async fn advance_generation(
    tx: &mut Tx,
    at_least: i64,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sql!(tx tx, query_scalar(
        "update session_cache_generation \
         set generation = (case when generation > $1 then generation else $1 end) + 1, \
         updated_at = $2 where session_cache_generation_id = 1 returning generation"
    ) [at_least, now] fetch_one)
}
