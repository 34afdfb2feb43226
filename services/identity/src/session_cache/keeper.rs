//! The keeper of the session cache's generation. Once a second (and whenever a lookup
//! or a revocation wakes it) it reads the database's generation and publishes it to the
//! store, moving it first whenever the store's connection is new: at start, and after
//! every outage, when Redis may have lost or rolled back writes. Only a generation that
//! the database holds and the store published on the live connection is trusted.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use atrium_common::clock::Clock;
use atrium_common::limits::ConnectionId;
use atrium_common::shutdown::Shutdown;

use super::{GENERATION_KEY, SessionCache, Trust, store};

/// How often the keeper confirms the generation against the database: a generation moved
/// by a replica that cannot reach the store reaches the others within this long.
pub(super) const KEEP_EVERY: Duration = Duration::from_millis(250);
/// The published generation's lifetime in the store; the keeper renews it all the time.
pub(super) const GENERATION_TTL: Duration = Duration::from_secs(24 * 3600);

pub(super) async fn run(cache: SessionCache, clock: Clock, shutdown: Shutdown) {
    // The connection the generation was last moved for; a new one moves it again.
    let mut moved_for: Option<ConnectionId> = None;
    while !shutdown.is_triggered() {
        let distrusts = cache.0.distrusts.load(Ordering::SeqCst);
        match keep(&cache, &clock, &mut moved_for).await {
            Ok(Some(trust)) => {
                let mut current = cache.0.trust.write().expect("trust lock");
                if cache.0.distrusts.load(Ordering::SeqCst) != distrusts {
                    // A revocation moved the generation while we looked: look again.
                    drop(current);
                    continue;
                }
                if *current != Some(trust) {
                    if current.map(|t| t.generation) != Some(trust.generation) {
                        tracing::debug!(generation = trust.generation, "session cache trusted");
                    }
                    *current = Some(trust);
                }
            }
            Ok(None) => *cache.0.trust.write().expect("trust lock") = None,
            Err(err) => {
                tracing::debug!(error = %atrium_common::error::error_chain(&err), "session cache generation unchecked");
                *cache.0.trust.write().expect("trust lock") = None;
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(KEEP_EVERY) => {}
            _ = cache.0.wake.notified() => {}
            _ = shutdown.wait() => return,
        }
    }
}

/// One round: the trust the store deserves now, or `None` while it is down.
async fn keep(
    cache: &SessionCache,
    clock: &Clock,
    moved_for: &mut Option<ConnectionId>,
) -> Result<Option<Trust>, sqlx::Error> {
    let store = &cache.0.store;
    let db = &cache.0.db;
    let Some(connection) = store.connection() else {
        return Ok(None);
    };
    let must_move = cache.0.must_move.load(Ordering::SeqCst);
    let mut generation = if *moved_for == Some(connection) && !must_move {
        store::read_generation(db).await?
    } else {
        let moved = advance(cache, clock, 0).await?;
        if must_move {
            cache.0.must_move.store(false, Ordering::SeqCst);
        }
        moved
    };
    for _ in 0..3 {
        let Ok((published, used)) = store
            .raise(GENERATION_KEY, generation, GENERATION_TTL)
            .await
        else {
            return Ok(None);
        };
        if used != connection {
            // Redis went away and came back while we looked: start over next round.
            return Ok(None);
        }
        if published == generation {
            *moved_for = Some(connection);
            return Ok(Some(Trust {
                generation,
                connection,
                checked_at: Instant::now(),
            }));
        }
        // The store holds a later generation: another replica moved it after we read the
        // database (then the database has it too), or the database was restored from a
        // backup (then it must move past it).
        let now_held = store::read_generation(db).await?;
        generation = if now_held >= published {
            now_held
        } else {
            advance(cache, clock, published).await?
        };
    }
    Ok(None)
}

async fn advance(cache: &SessionCache, clock: &Clock, at_least: i64) -> Result<i64, sqlx::Error> {
    let mut tx = cache.0.db.begin().await?;
    let generation = store::advance_generation(&mut tx, at_least, clock.now()).await?;
    tx.commit().await?;
    tracing::info!(generation, "session cache generation moved");
    Ok(generation)
}
