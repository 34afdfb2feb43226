//! `identity`: the all-in-one release binary on a fresh SQLite data dir (or a fresh
//! PostgreSQL database with Redis), the load generator in this process on the same
//! machine, rate limits raised only through configuration. Prints:
//!
//! - the raw argon2id verification rate with as many threads as the login pool;
//! - `POST /api/customer/login` throughput and p50/p99, and its share of the raw rate;
//! - `GET /api/customer/me` throughput and p50/p99 alone;
//! - the same `/me` load during a login storm, with the storm's own rate.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use atrium_common::config::DatabaseTarget;
use atrium_common::password::{Memory, hash_password, hashing_threads, verify_with};
use atrium_common::testkit::{self, smtp::SmtpServer};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::{default_binary, free_port, option, percentile};

const OWNER_PASSWORD: &str = "bench owner password";
const CUSTOMER_PASSWORD: &str = "bench customer password";
const NO_LIMIT: &str = "1000000000/1h";

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

    let atrium = Atrium::start(&binary, postgres, redis).await?;
    println!(
        "atrium: all-in-one on {}, limits in {}, load generator in this process",
        if postgres.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        if redis.is_some() { "Redis" } else { "process" },
    );
    let cookie = atrium.customer().await?;

    let login = Load::login(&atrium.base);
    let me = Load::me(&atrium.base, &cookie);
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

fn report(phase: &str, latencies: &[Duration], took: Duration, note: &str) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{phase}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms{}{note}",
        latencies.len() as f64 / took.as_secs_f64(),
        ms(percentile(latencies, 50.0)),
        ms(percentile(latencies, 99.0)),
        if note.is_empty() { "" } else { "; " },
    );
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

/// One kind of request, sent by many clients in a loop.
#[derive(Clone)]
struct Load {
    http: reqwest::Client,
    url: String,
    body: Option<Value>,
    cookie: Option<String>,
}

impl Load {
    fn login(base: &str) -> Load {
        Load {
            http: reqwest::Client::new(),
            url: format!("{base}/api/customer/login"),
            body: Some(json!({
                "org": "bench", "email": "customer@bench.test", "password": CUSTOMER_PASSWORD,
            })),
            cookie: None,
        }
    }

    fn me(base: &str, cookie: &str) -> Load {
        Load {
            http: reqwest::Client::new(),
            url: format!("{base}/api/customer/me"),
            body: None,
            cookie: Some(cookie.to_owned()),
        }
    }

    /// Runs `clients` loops for `window`; answers the sorted latencies and the time taken.
    async fn run(
        &self,
        clients: usize,
        window: Duration,
    ) -> anyhow::Result<(Vec<Duration>, Duration)> {
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..clients {
            let load = self.clone();
            let stop = stop.clone();
            tasks.spawn(async move {
                let mut latencies = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let sent = Instant::now();
                    let mut request = match &load.body {
                        Some(body) => load.http.post(&load.url).json(body),
                        None => load.http.get(&load.url),
                    };
                    if let Some(cookie) = &load.cookie {
                        request = request.header("cookie", cookie);
                    }
                    let response = request.send().await?;
                    if !response.status().is_success() {
                        bail!("{} answered {}", load.url, response.status());
                    }
                    response.bytes().await?;
                    latencies.push(sent.elapsed());
                }
                anyhow::Ok(latencies)
            });
        }
        tokio::time::sleep(window).await;
        stop.store(true, Ordering::Relaxed);
        let mut latencies = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            latencies.extend(joined??);
        }
        let took = started.elapsed();
        latencies.sort();
        Ok((latencies, took))
    }
}

/// The release binary, all-in-one, with a bootstrap org and an SMTP sink.
struct Atrium {
    child: tokio::process::Child,
    base: String,
    smtp: SmtpServer,
    _database: testkit::TestDatabase,
    _data_dir: tempfile::TempDir,
}

impl Atrium {
    async fn start(
        binary: &PathBuf,
        postgres: Option<&str>,
        redis: Option<&str>,
    ) -> anyhow::Result<Atrium> {
        let smtp = SmtpServer::start().await?;
        let database = testkit::fresh_database_on(postgres).await?;
        let data_dir = tempfile::tempdir()?;
        let port = free_port()?;
        let mut command = tokio::process::Command::new(binary);
        command
            .env("ATRIUM_LISTEN", format!("127.0.0.1:{port}"))
            .env("ATRIUM_SMTP_URL", smtp.url())
            .env("ATRIUM_BOOTSTRAP_ORG", "bench")
            .env("ATRIUM_BOOTSTRAP_EMAIL", "owner@bench.test")
            .env("ATRIUM_BOOTSTRAP_PASSWORD", OWNER_PASSWORD)
            .env("ATRIUM_RATE_LIMIT_LOGIN_ACCOUNT", NO_LIMIT)
            .env("ATRIUM_RATE_LIMIT_LOGIN_ADDRESS", NO_LIMIT)
            .env("ATRIUM_RATE_LIMIT_PUBLIC_ADDRESS", NO_LIMIT)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        for service in ["IDENTITY", "PORTAL", "DOCUMENTS", "BILLING", "NOTIFIER"] {
            command.env(
                format!("ATRIUM_{service}_LISTEN"),
                format!("127.0.0.1:{}", free_port()?),
            );
        }
        match &database.target {
            DatabaseTarget::Sqlite { dir } => {
                command.env("ATRIUM_DATA_DIR", dir);
            }
            DatabaseTarget::Postgres { url } => {
                command
                    .env("ATRIUM_DATA_DIR", data_dir.path())
                    .env("ATRIUM_DATABASE_URL", url.expose_secret());
            }
        }
        if let Some(redis) = redis {
            command.env("ATRIUM_REDIS_URL", redis);
        }
        let child = command.spawn().with_context(|| {
            format!(
                "starting {}: run `cargo build --release` first",
                binary.display()
            )
        })?;
        let atrium = Atrium {
            child,
            base: format!("http://127.0.0.1:{port}"),
            smtp,
            _database: database,
            _data_dir: data_dir,
        };
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(response) = http.get(format!("{}/readyz", atrium.base)).send().await
                && response.status() == 200
            {
                return Ok(atrium);
            }
            if started.elapsed() > Duration::from_secs(60) {
                bail!("atrium not ready after 60 s");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Invites a customer as the owner, accepts through the mailed link; answers the cookie.
    async fn customer(&self) -> anyhow::Result<String> {
        let http = reqwest::Client::new();
        let login: Value = http
            .post(format!("{}/api/admin/login", self.base))
            .json(
                &json!({ "org": "bench", "email": "owner@bench.test", "password": OWNER_PASSWORD }),
            )
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let token = login["access_token"].as_str().context("no token")?;
        http.post(format!("{}/api/admin/customers/invitations", self.base))
            .bearer_auth(token)
            .json(&json!({ "email": "customer@bench.test" }))
            .send()
            .await?
            .error_for_status()?;
        let mails = self
            .smtp
            .wait_for_messages(1, Duration::from_secs(30))
            .await?;
        let (text, _) = mails[0].parts();
        let link_token = text
            .lines()
            .find_map(|line| line.trim().split_once("?token=").map(|(_, t)| t.to_owned()))
            .context("no link in the invitation")?;
        let accepted = http
            .post(format!("{}/api/customer/invitations/accept", self.base))
            .json(&json!({ "token": link_token, "password": CUSTOMER_PASSWORD }))
            .send()
            .await?
            .error_for_status()?;
        let cookie = accepted
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .context("no session cookie")?;
        Ok(cookie.to_owned())
    }

    async fn stop(mut self) -> anyhow::Result<()> {
        let pid = self.child.id().context("atrium exited")?;
        std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()?;
        tokio::time::timeout(Duration::from_secs(15), self.child.wait())
            .await
            .context("no exit after SIGTERM")??;
        self.smtp.stop().await;
        Ok(())
    }
}
