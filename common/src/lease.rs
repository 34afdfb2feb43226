//! Leases on queue rows (the notifier's mail, every service's outbox): a worker claims a
//! row until `now + LEASE` and extends the claim every `RENEW_EVERY` while it works on
//! it. A worker that dies stops extending, so its rows are free again within one lease:
//! mail a crashed process had claimed goes out within seconds of a restart, not minutes.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

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
