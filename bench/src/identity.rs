//! `identity`: the all-in-one release binary on a fresh SQLite data dir (or a fresh
//! PostgreSQL database with Redis), the load generator in this process on the same
//! machine, rate limits raised only through configuration. Prints:
//!
//! - the raw argon2id verification rate with as many threads as the login pool;
//! - `POST /api/customer/login` throughput and p50/p99, and its share of the raw rate;
//! - `GET /api/customer/me` throughput and p50/p99 alone;
//! - the same `/me` load during a login storm, with the storm's own rate.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use atrium_common::password::{Memory, hash_password, hashing_threads, verify_with};
use atrium_common::testkit;
use serde_json::{Value, json};

use crate::server::{Atrium, Load, report, session_cookie};
use crate::{default_binary, option};

const OWNER_PASSWORD: &str = "bench owner password";
const CUSTOMER_PASSWORD: &str = "bench customer password";

pub async fn identity(args: &[String]) -> anyhow::Result<()> {
    let binary = option(args, "--binary").map_or_else(default_binary, PathBuf::from);
    let seconds: u64 = option(args, "--seconds")
        .unwrap_or("10")
        .parse()
        .context("--seconds takes a number")?;
    let login_clients: usize = option(args, "--login-clients")
        .unwrap_or("8")
        .parse()
        .context("--login-clients takes a number")?;
    let me_clients: usize = option(args, "--me-clients")
        .unwrap_or("16")
        .parse()
        .context("--me-clients takes a number")?;
    let postgres = option(args, "--postgres");
    let redis = option(args, "--redis");
    let window = Duration::from_secs(seconds);
    let threads = hashing_threads();

    let raw_before = raw_argon2_rate(threads, window).await?;

    let (atrium, cookie) = with_customer(&binary, postgres, redis).await?;
    println!(
        "atrium: all-in-one on {}, limits in {}, load generator in this process",
        if postgres.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        if redis.is_some() { "Redis" } else { "process" },
    );

    let login = Load::post(
        format!("{}/api/customer/login", atrium.base),
        json!({ "org": "bench", "email": "customer@bench.test", "password": CUSTOMER_PASSWORD }),
    );
    let me = Load::get(format!("{}/api/customer/me", atrium.base), &cookie);
    let (logins, took) = login.run(login_clients, window).await?;
    let login_rate = logins.len() as f64 / took.as_secs_f64();
    // The machine's rate drifts: the raw rate is the mean of one run just before the
    // server starts and one just after the login phase.
    let raw_after = raw_argon2_rate(threads, window).await?;
    let raw = (raw_before + raw_after) / 2.0;
    println!(
        "raw argon2id (m=19 MiB, t=2, p=1) on {threads} threads: {raw:.1} verifications/s \
         ({raw_before:.1} before, {raw_after:.1} after the login phase)"
    );
    report(
        &format!("login, {login_clients} clients"),
        &logins,
        took,
        &format!("{:.0}% of the raw rate", 100.0 * login_rate / raw),
    );
    let (alone, took) = me.run(me_clients, window).await?;
    report(
        &format!("/me alone, {me_clients} clients"),
        &alone,
        took,
        "",
    );
    let storm = tokio::spawn({
        let login = login.clone();
        async move { login.run(login_clients, window).await }
    });
    let (during, took) = me.run(me_clients, window).await?;
    let (storm_logins, storm_took) = storm.await??;
    report(
        &format!("/me during a login storm, {me_clients} clients"),
        &during,
        took,
        &format!(
            "storm: {:.1} logins/s",
            storm_logins.len() as f64 / storm_took.as_secs_f64()
        ),
    );
    atrium.stop().await
}

/// Verifications per second with `threads` threads verifying one hash for `window`.
async fn raw_argon2_rate(threads: usize, window: Duration) -> anyhow::Result<f64> {
    let phc = hash_password(CUSTOMER_PASSWORD.into()).await?;
    let started = Instant::now();
    let counts: Vec<usize> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut n = 0;
                    let mut memory = Memory::default();
                    while started.elapsed() < window {
                        assert!(verify_with(&mut memory, CUSTOMER_PASSWORD, &phc));
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(0)).collect()
    });
    Ok(counts.iter().sum::<usize>() as f64 / started.elapsed().as_secs_f64())
}

/// Starts `binary` on a fresh database (PostgreSQL when `postgres` names a server) with
/// Redis when given and the `bench` org bootstrapped; answers it with a signed-in
/// customer's session cookie.
pub async fn with_customer(
    binary: &std::path::Path,
    postgres: Option<&str>,
    redis: Option<&str>,
) -> anyhow::Result<(Atrium, String)> {
    let database = testkit::fresh_database_on(postgres).await?;
    let atrium = Atrium::start(
        binary,
        database,
        redis,
        &[
            ("ATRIUM_BOOTSTRAP_ORG", "bench"),
            ("ATRIUM_BOOTSTRAP_EMAIL", "owner@bench.test"),
            ("ATRIUM_BOOTSTRAP_PASSWORD", OWNER_PASSWORD),
        ],
    )
    .await?;
    let cookie = invited_customer(&atrium).await?;
    Ok((atrium, cookie))
}

/// Invites a customer as the owner, accepts through the mailed link; answers the cookie.
async fn invited_customer(atrium: &Atrium) -> anyhow::Result<String> {
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{}/api/admin/login", atrium.base))
        .json(&json!({ "org": "bench", "email": "owner@bench.test", "password": OWNER_PASSWORD }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = login["access_token"].as_str().context("no token")?;
    http.post(format!("{}/api/admin/customers/invitations", atrium.base))
        .bearer_auth(token)
        .json(&json!({ "email": "customer@bench.test" }))
        .send()
        .await?
        .error_for_status()?;
    let mails = atrium
        .smtp
        .wait_for_messages(1, Duration::from_secs(30))
        .await?;
    let (text, _) = mails[0].parts();
    let link_token = text
        .lines()
        .find_map(|line| line.trim().split_once("?token=").map(|(_, t)| t.to_owned()))
        .context("no link in the invitation")?;
    let accepted = http
        .post(format!("{}/api/customer/invitations/accept", atrium.base))
        .json(&json!({ "token": link_token, "password": CUSTOMER_PASSWORD }))
        .send()
        .await?
        .error_for_status()?;
    session_cookie(&accepted)
}
