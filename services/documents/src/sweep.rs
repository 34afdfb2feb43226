//! The storage sweep: objects no row points at, last written more than a day ago, are
//! deleted (`documents.md`: a crash between writing an object and its row, or between
//! deleting a row and its object, leaves one). An object younger than a day may be an
//! upload whose row is being written, so it stays. Replicas sweeping at once only
//! delete the same orphans twice.

use std::time::Duration;

use atrium_common::ids::{FileId, OrgId};
use chrono::TimeDelta;

use crate::AppState;
use crate::storage::{ObjectKey, StorageError};

/// How long an object without a row may be an upload in flight.
const GRACE: TimeDelta = TimeDelta::days(1);
/// How often a replica sweeps.
const EVERY: Duration = Duration::from_secs(6 * 60 * 60);

/// Sweeps once now: answers how many orphans went.
pub async fn sweep(state: &AppState) -> Result<u64, StorageError> {
    let before = state.clock.now() - GRACE;
    state
        .storage
        .sweep(before, |key: ObjectKey| async move {
            let (org, file) = (OrgId(key.org_id), FileId(key.file_id));
            // A database that cannot answer keeps every object: better an orphan a
            // little longer than a file lost.
            let document = crate::document::store::file_is_used(&state.db, org, file);
            let item = crate::gallery::store::file_is_used(&state.db, org, file);
            let attachment = crate::files::store::file_is_used(&state.db, org, file);
            let logo = crate::logo::file_is_used(&state.db, org, file);
            let (document, item, attachment, logo) = tokio::join!(document, item, attachment, logo);
            [document, item, attachment, logo]
                .into_iter()
                .any(|used| used.unwrap_or(true))
        })
        .await
}

/// Sweeps a minute after start, then every six hours, until shutdown.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut wait = Duration::from_secs(60);
        loop {
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = state.server.shutdown.wait() => return,
            }
            match sweep(&state).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "swept objects without rows"),
                Err(err) => tracing::warn!(error = %err, "sweeping the storage"),
            }
            wait = EVERY;
        }
    });
}
