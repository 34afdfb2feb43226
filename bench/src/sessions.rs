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

    // One phase: a second of warm-up, then the window, reported under `label`.
    let phase = |me: Load, label: &'static str, note: &'static str| async move {
        me.run(clients, warm_up).await?;
        let (latencies, took) = me.run(clients, window).await?;
        report(label, &latencies, took, note);
        anyhow::Ok(())
    };
    let me_of = |atrium: &crate::server::Atrium, cookie: &str| {
        Load::get(format!("{}/api/customer/me", atrium.base), cookie)
    };

    let (atrium, cookie) = with_customer(&binary, postgres, Some(&redis.url())).await?;
    phase(
        me_of(&atrium, &cookie),
        "/me, Redis up",
        "sessions vouched for by Redis",
    )
    .await?;
    redis.kill().await?;
    let killed = "breaker open: every session checked in the database";
    phase(me_of(&atrium, &cookie), "/me, Redis killed", killed).await?;
    atrium.stop().await?;

    let never = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let never = format!("redis://{never}");
    let (atrium, cookie) = with_customer(&binary, postgres, Some(&never)).await?;
    let nothing = "a Redis that never answered: nothing cached";
    phase(me_of(&atrium, &cookie), "/me, database only", nothing).await?;
    atrium.stop().await?;

    let (atrium, cookie) = with_customer(&binary, postgres, None).await?;
    phase(
        me_of(&atrium, &cookie),
        "/me, in-process store",
        "the embedded default",
    )
    .await?;
    atrium.stop().await
}
