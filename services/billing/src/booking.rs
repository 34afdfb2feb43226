//! How the routes that book money run their transaction: a conflict PostgreSQL resolves
//! by giving up on one transaction (a deadlock, a serialization failure) is run again
//! inside, never answered as an error; what does not fit after the other committed is
//! refused by the booking's own conditional statements.

use std::future::Future;

use crate::error::BillingError;

/// How many times in all one booking is tried.
const ATTEMPTS: usize = 5;

/// Runs `attempt` (one whole transaction) again while it fails on a conflict.
pub async fn retry<T, F, Fut>(mut attempt: F) -> Result<T, BillingError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, BillingError>>,
{
    let mut tried = 1;
    loop {
        match attempt().await {
            Err(BillingError::Database(err))
                if tried < ATTEMPTS && atrium_common::db::is_conflict(&err) =>
            {
                tried += 1;
                tracing::debug!(tried, "booking conflicted with another; running it again");
            }
            done => return done,
        }
    }
}
