//! What the HTTP benchmarks share: the all-in-one release binary on a database of the
//! bench's choosing with an SMTP sink, and a closed-loop load generator in this process.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use atrium_common::config::DatabaseTarget;
use atrium_common::testkit::{self, smtp::SmtpServer};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::{free_port, percentile};

/// A rate limit no benchmark reaches: limits are raised through configuration only.
const NO_LIMIT: &str = "1000000000/1h";

/// Prints one phase's throughput and latency percentiles.
pub fn report(phase: &str, latencies: &[Duration], took: Duration, note: &str) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{phase}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms{}{note}",
        latencies.len() as f64 / took.as_secs_f64(),
        ms(percentile(latencies, 50.0)),
        ms(percentile(latencies, 99.0)),
        if note.is_empty() { "" } else { "; " },
    );
}

/// One kind of request, sent by many clients in a loop.
#[derive(Clone)]
pub struct Load {
    http: reqwest::Client,
    url: String,
    body: Option<Value>,
    cookie: Option<String>,
}

impl Load {
    pub fn post(url: String, body: Value) -> Load {
        Load {
            http: reqwest::Client::new(),
            url,
            body: Some(body),
            cookie: None,
        }
    }

    pub fn get(url: String, cookie: &str) -> Load {
        Load {
            http: reqwest::Client::new(),
            url,
            body: None,
            cookie: Some(cookie.to_owned()),
        }
    }

    /// Runs `clients` loops for `window`; answers the sorted latencies and the time taken.
    pub async fn run(
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

/// The release binary, all-in-one, with an SMTP sink.
pub struct Atrium {
    child: tokio::process::Child,
    pub base: String,
    pub smtp: SmtpServer,
    _database: testkit::TestDatabase,
    _data_dir: tempfile::TempDir,
}

impl Atrium {
    /// Starts `binary` on `database` (already seeded, or fresh), with Redis when given,
    /// every rate limit raised, and `extra` environment; waits for `/readyz`.
    pub async fn start(
        binary: &Path,
        database: testkit::TestDatabase,
        redis: Option<&str>,
        extra: &[(&str, &str)],
    ) -> anyhow::Result<Atrium> {
        let smtp = SmtpServer::start().await?;
        let data_dir = tempfile::tempdir()?;
        let port = free_port()?;
        let log = std::env::var("ATRIUM_BENCH_LOG").ok();
        let mut command = tokio::process::Command::new(binary);
        command
            .env("ATRIUM_LISTEN", format!("127.0.0.1:{port}"))
            .env("ATRIUM_SMTP_URL", smtp.url())
            .env("ATRIUM_RATE_LIMIT_LOGIN_ACCOUNT", NO_LIMIT)
            .env("ATRIUM_RATE_LIMIT_LOGIN_ADDRESS", NO_LIMIT)
            .env("ATRIUM_RATE_LIMIT_PUBLIC_ADDRESS", NO_LIMIT)
            // ATRIUM_BENCH_LOG, e.g. `sqlx=debug`, shows what the server does under load.
            .env("RUST_LOG", log.as_deref().unwrap_or("warn"))
            .envs(extra.iter().copied())
            .stdout(if log.is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        crate::services_on_free_ports(&mut command)?;
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

    /// Signs a customer in; answers the session cookie (`name=value`).
    pub async fn customer_login(
        &self,
        org: &str,
        email: &str,
        password: &str,
    ) -> anyhow::Result<String> {
        let response = reqwest::Client::new()
            .post(format!("{}/api/customer/login", self.base))
            .json(&json!({ "org": org, "email": email, "password": password }))
            .send()
            .await?
            .error_for_status()?;
        session_cookie(&response)
    }

    /// The process id of the running binary.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    pub async fn stop(mut self) -> anyhow::Result<()> {
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

/// The `name=value` of a response's session cookie.
pub fn session_cookie(response: &reqwest::Response) -> anyhow::Result<String> {
    response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
        .context("no session cookie")
}
