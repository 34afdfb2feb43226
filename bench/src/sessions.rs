//! `sessions`: `GET /api/customer/me` with the session cache in a Redis of the bench's
//! own (`redis-server` on a free port), then with that Redis killed (the breaker open:
//! every session checked in the database), then on a stack whose Redis never answered
//! (the database-only path), and on the embedded default (the in-process store), all in
//! one run of the all-in-one release binary on SQLite (or PostgreSQL with `--postgres`).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use atrium_common::testkit::faults::RedisServer;

use crate::identity::with_customer;
use crate::server::{Load, report};
use crate::{default_binary, option};

pub async fn sessions(args: &[String]) -> anyhow::Result<()> {
    let binary = option(args, "--binary").map_or_else(default_binary, PathBuf::from);
    let seconds: u64 = option(args, "--seconds")
        .unwrap_or("10")
        .parse()
        .context("--seconds takes a number")?;
    let clients: usize = option(args, "--clients")
        .unwrap_or("16")
        .parse()
        .context("--clients takes a number")?;
    let postgres = option(args, "--postgres");
    let window = Duration::from_secs(seconds);
    let warm_up = Duration::from_secs(1);
    let Some(mut redis) = RedisServer::start().await? else {
        bail!("sessions needs redis-server on the PATH");
    };
    println!(
        "atrium: all-in-one on {}, {clients} clients on GET /api/customer/me, load generator in this process",
        if postgres.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );

    let (atrium, cookie) = with_customer(&binary, postgres, Some(&redis.url())).await?;
    let me = Load::get(format!("{}/api/customer/me", atrium.base), &cookie);
    me.run(clients, warm_up).await?;
    let (latencies, took) = me.run(clients, window).await?;
    report(
        "/me, Redis up",
        &latencies,
        took,
        "sessions vouched for by Redis",
    );
    redis.kill().await?;
    me.run(clients, warm_up).await?;
    let (latencies, took) = me.run(clients, window).await?;
    report(
        "/me, Redis killed",
        &latencies,
        took,
        "breaker open: every session checked in the database",
    );
    atrium.stop().await?;

    let never = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let (atrium, cookie) =
        with_customer(&binary, postgres, Some(&format!("redis://{never}"))).await?;
    let me = Load::get(format!("{}/api/customer/me", atrium.base), &cookie);
    me.run(clients, warm_up).await?;
    let (latencies, took) = me.run(clients, window).await?;
    report(
        "/me, database only",
        &latencies,
        took,
        "a Redis that never answered: nothing cached",
    );
    atrium.stop().await?;

    let (atrium, cookie) = with_customer(&binary, postgres, None).await?;
    let me = Load::get(format!("{}/api/customer/me", atrium.base), &cookie);
    me.run(clients, warm_up).await?;
    let (latencies, took) = me.run(clients, window).await?;
    report(
        "/me, in-process store",
        &latencies,
        took,
        "the embedded default",
    );
    atrium.stop().await
}
