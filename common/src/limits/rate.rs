//! A rate limit as configured: `COUNT/WINDOW`.

use std::time::Duration;

use anyhow::{Context, bail};

/// `COUNT` events per `WINDOW`, written `10/15m` (units s, m, h).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub count: u64,
    pub window: Duration,
}

impl RateLimit {
    pub fn parse(text: &str) -> anyhow::Result<RateLimit> {
        let (count, window) = text.split_once('/').context("expected COUNT/WINDOW")?;
        let count: u64 = count
            .trim()
            .parse()
            .context("COUNT must be a whole number")?;
        let window = window.trim();
        let (number, unit_seconds) = if let Some(n) = window.strip_suffix('s') {
            (n, 1)
        } else if let Some(n) = window.strip_suffix('m') {
            (n, 60)
        } else if let Some(n) = window.strip_suffix('h') {
            (n, 3600)
        } else {
            bail!("WINDOW unit must be s, m or h");
        };
        let number: u64 = if number.is_empty() {
            1
        } else {
            number.parse().context("WINDOW must look like 15m")?
        };
        let seconds = number
            .checked_mul(unit_seconds)
            .context("WINDOW is too long")?;
        if count == 0 || seconds == 0 {
            bail!("COUNT and WINDOW must be positive");
        }
        Ok(RateLimit {
            count,
            window: Duration::from_secs(seconds),
        })
    }
}
