//! Retry timing shared by every queue that retries (the notifier's delivery, the outbox relay).

use chrono::TimeDelta;
use rand::Rng;

/// 2 s, 4 s, 8 s … capped at `cap_secs`, each ±50 % so retries of many rows spread out.
pub fn backoff(attempts: i32, cap_secs: u64) -> TimeDelta {
    let exponent = attempts.clamp(1, 20) as u32 - 1;
    let base = (2u64.saturating_pow(exponent) * 2).min(cap_secs) as f64;
    let jittered = base * rand::rng().random_range(0.5..1.5);
    TimeDelta::milliseconds((jittered * 1000.0) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for _ in 0..50 {
            let first = backoff(1, 1800).num_milliseconds();
            assert!((1000..=3000).contains(&first), "{first}");
            let late = backoff(20, 1800).num_milliseconds();
            assert!((900_000..=2_700_000).contains(&late), "{late}");
        }
    }
}
