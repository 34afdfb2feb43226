//! Every figure Atrium reports, one subcommand per scenario:
//!
//! - `startup [--binary PATH] [--runs N]`: time from process start to `/readyz` 200 on
//!   SQLite (fresh data dir, then warm restarts), idle resident memory of the all-in-one
//!   process, and the binary's size.
//!
//! - `mail [--messages N] [--concurrency C] [--postgres URL]`: the notifier's enqueue
//!   latency (p50/p99) and delivery rate to a loopback SMTP sink, on SQLite or a fresh
//!   PostgreSQL database on the server of `URL`.
//!
//! - `identity [--seconds S] [--login-clients N] [--me-clients N] [--postgres URL --redis URL]`:
//!   customer login throughput against the raw argon2id rate of the login pool, and
//!   `GET /api/customer/me` throughput and p50/p99 alone and during a login storm, with
//!   the all-in-one release binary.
//!
//! - `dashboard [--seconds S] [--clients N] [--customers N] [--projects N] [--postgres URL --redis URL]`:
//!   `GET /api/customer/dashboard` throughput and p50/p99 for a customer with 10 and with
//!   500 assigned projects in an org of 10,000 customers and 20,000 projects, and with 10
//!   in an org of 10 customers, all seeded through the stores.
//!
//! - `pages [--seconds S] [--clients N] [--postgres URL --redis URL]`: the customer
//!   dashboard page (`GET /customer`, HTML) beside `GET /api/customer/dashboard` on the
//!   same run and data (the page must hold at least half the JSON route's throughput),
//!   and the gzip-compressed size of every page asset (under 100 KiB in all).
//!
//! - `sessions [--seconds S] [--clients N] [--postgres URL]`: `GET /api/customer/me`
//!   throughput and p50/p99 with the session cache in a Redis of the bench's own, with
//!   that Redis killed (breaker open), on the database-only path (a Redis that never
//!   answered) and on the in-process store, in one run; needs `redis-server`.
//!
//! - `documents [--mib N] [--documents N] [--seconds S] [--clients N]`: on the filesystem
//!   store, a 100 MiB upload and download through the gateway beside a plain copy with
//!   `fsync` (with Atrium's peak RSS growth during each), thumbnails per second for
//!   12-megapixel JPEGs, and a customer's document list p50/p99 at 10,000 documents.
//!
//! - `billing [--entries N] [--seconds S] [--clients N] [--postgres URL]`: the customer's
//!   ledger and dashboard with 100,000 ledger entries beside 10, an invoice PDF's p50/p99
//!   and size, and payments per second allocated to one shared invoice.
//!
//! - `collaboration [--requests N] [--messages N] [--seconds S] [--clients N] [--postgres URL]`:
//!   the customer's requests list, one request with its thread and one approval with its
//!   files and history, p50/p99, in an organization of 10,000 requests with 100 messages
//!   each.
//!
//! Build the binary first: `cargo build --release`, then
//! `cargo run --release -p atrium-bench -- startup`.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

mod billing;
mod collaboration;
mod dashboard;
mod documents;
mod identity;
mod mail;
mod pages;
mod server;
mod sessions;

const USAGE: &str = "usage: atrium-bench startup [--binary PATH] [--runs N]\n       atrium-bench mail [--messages N] [--concurrency C] [--postgres URL]\n       atrium-bench identity [--binary PATH] [--seconds S] [--login-clients N] [--me-clients N] [--postgres URL] [--redis URL]\n       atrium-bench dashboard [--binary PATH] [--seconds S] [--clients N] [--customers N] [--projects N] [--postgres URL] [--redis URL]\n       atrium-bench pages [--binary PATH] [--seconds S] [--clients N] [--postgres URL] [--redis URL]\n       atrium-bench sessions [--binary PATH] [--seconds S] [--clients N] [--postgres URL]\n       atrium-bench documents [--binary PATH] [--mib N] [--documents N] [--seconds S] [--clients N]\n       atrium-bench billing [--binary PATH] [--entries N] [--seconds S] [--clients N] [--postgres URL]\n       atrium-bench collaboration [--binary PATH] [--requests N] [--messages N] [--seconds S] [--clients N] [--postgres URL]";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("startup") => startup(&args[1..]).await,
        Some("mail") => mail::mail(&args[1..]).await,
        Some("identity") => identity::identity(&args[1..]).await,
        Some("dashboard") => dashboard::dashboard(&args[1..]).await,
        Some("pages") => pages::pages(&args[1..]).await,
        Some("sessions") => sessions::sessions(&args[1..]).await,
        Some("documents") => documents::documents(&args[1..]).await,
        Some("billing") => billing::billing(&args[1..]).await,
        Some("collaboration") => collaboration::collaboration(&args[1..]).await,
        _ => bail!(USAGE),
    }
}

pub fn option<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// The `p`th percentile of sorted samples (nearest rank).
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn default_binary() -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    target.join("release").join("atrium")
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

struct Run {
    ready_after: Duration,
    idle_rss_kib: u64,
}

async fn startup(args: &[String]) -> anyhow::Result<()> {
    let binary = option(args, "--binary").map_or_else(default_binary, PathBuf::from);
    let runs: usize = option(args, "--runs")
        .unwrap_or("5")
        .parse()
        .context("--runs takes a number")?;
    let size = std::fs::metadata(&binary)
        .with_context(|| {
            format!(
                "{} not found: run `cargo build --release` first",
                binary.display()
            )
        })?
        .len();
    let data_dir = tempfile::tempdir()?;
    let mut results = Vec::new();
    for i in 0..runs {
        let run = start_once(&binary, data_dir.path()).await?;
        println!(
            "run {}: ready after {:>6.1} ms, idle RSS {:>6.1} MiB{}",
            i + 1,
            run.ready_after.as_secs_f64() * 1000.0,
            run.idle_rss_kib as f64 / 1024.0,
            if i == 0 {
                " (fresh data dir: creates and migrates five databases)"
            } else {
                ""
            },
        );
        results.push(run);
    }
    let mut ready: Vec<Duration> = results.iter().map(|r| r.ready_after).collect();
    ready.sort();
    let max_rss = results.iter().map(|r| r.idle_rss_kib).max().unwrap_or(0);
    println!(
        "binary          {} ({:.1} MiB)",
        binary.display(),
        size as f64 / 1024.0 / 1024.0
    );
    println!(
        "start to ready  median {:.1} ms, max {:.1} ms over {runs} runs (target < 1000 ms)",
        ready[ready.len() / 2].as_secs_f64() * 1000.0,
        ready[ready.len() - 1].as_secs_f64() * 1000.0
    );
    println!(
        "idle RSS        max {:.1} MiB (target < 60 MiB)",
        max_rss as f64 / 1024.0
    );
    Ok(())
}

/// Lets each service of the all-in-one binary listen on a free loopback port.
pub fn services_on_free_ports(command: &mut tokio::process::Command) -> anyhow::Result<()> {
    for name in atrium_common::config::ServiceName::ALL {
        let variable = format!("ATRIUM_{}_LISTEN", name.as_str().to_uppercase());
        command.env(variable, format!("127.0.0.1:{}", free_port()?));
    }
    Ok(())
}

/// Starts the all-in-one binary on free ports, waits for `/readyz`, lets it idle, reads
/// its resident memory, and stops it with SIGTERM.
async fn start_once(binary: &PathBuf, data_dir: &std::path::Path) -> anyhow::Result<Run> {
    let gateway = free_port()?;
    let mut command = tokio::process::Command::new(binary);
    command
        .env("ATRIUM_DATA_DIR", data_dir)
        .env("ATRIUM_LISTEN", format!("127.0.0.1:{gateway}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    services_on_free_ports(&mut command)?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()?;
    let url = format!("http://127.0.0.1:{gateway}/readyz");
    let started = Instant::now();
    let mut child = command.spawn().context("starting atrium")?;
    let ready_after = loop {
        if let Ok(response) = http.get(&url).send().await
            && response.status() == 200
        {
            break started.elapsed();
        }
        if started.elapsed() > Duration::from_secs(30) {
            bail!("not ready after 30 s");
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    tokio::time::sleep(Duration::from_secs(3)).await;
    let pid = child.id().context("atrium exited")?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let idle_rss_kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("no VmRSS")?;
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()?;
    let exit = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .context("no exit after SIGTERM")??;
    if !exit.success() {
        bail!("atrium exited with {exit} after SIGTERM");
    }
    Ok(Run {
        ready_after,
        idle_rss_kib,
    })
}
