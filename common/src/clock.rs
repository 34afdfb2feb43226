//! The one source of time inside a process. Production reads the system clock; the
//! testkit builds a manual clock that tests move instead of sleeping. No route or
//! variable can move the clock of a running binary: the manual constructor exists
//! only with the `testkit` feature.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

#[derive(Clone, Default)]
pub struct Clock {
    manual: Option<Arc<Mutex<DateTime<Utc>>>>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock { manual: None }
    }

    /// Returns the current time, truncated to microseconds (what PostgreSQL stores).
    pub fn now(&self) -> DateTime<Utc> {
        let now = match &self.manual {
            Some(time) => *time.lock().expect("clock lock"),
            None => Utc::now(),
        };
        now.duration_trunc(TimeDelta::microseconds(1))
            .unwrap_or(now)
    }

    /// Returns a clock fixed at `start` that only [`Clock::advance`] moves.
    #[cfg(feature = "testkit")]
    pub fn manual(start: DateTime<Utc>) -> Clock {
        Clock {
            manual: Some(Arc::new(Mutex::new(start))),
        }
    }

    /// Moves a manual clock forward; every clone sees the move.
    #[cfg(feature = "testkit")]
    pub fn advance(&self, by: std::time::Duration) {
        let time = self
            .manual
            .as_ref()
            .expect("only a manual clock can be moved");
        let mut time = time.lock().expect("clock lock");
        *time += TimeDelta::from_std(by).expect("duration in range");
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clock")
            .field("manual", &self.manual.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_clock_keeps_microseconds() {
        let now = Clock::system().now();
        assert_eq!(now.timestamp_subsec_nanos() % 1000, 0);
    }
}
