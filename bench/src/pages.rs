//! `pages`: the customer dashboard page (`GET /customer`) against its JSON twin
//! (`GET /api/customer/dashboard`) for the same customers on the same run, and the
//! compressed size of every asset the pages load.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, ensure};
use atrium_common::testkit;

use crate::dashboard::{PASSWORD, seed};
use crate::server::{Atrium, Load, report};
use crate::{default_binary, option};

/// Most the assets may weigh together, compressed (`web.md`, Speed).
const ASSET_BUDGET: usize = 100 * 1024;

pub async fn pages(args: &[String]) -> anyhow::Result<()> {
    let binary = option(args, "--binary").map_or_else(default_binary, PathBuf::from);
    let number = |name: &str, default: &str| -> anyhow::Result<usize> {
        option(args, name)
            .unwrap_or(default)
            .parse()
            .with_context(|| format!("{name} takes a number"))
    };
    let seconds = number("--seconds", "10")?;
    let clients = number("--clients", "16")?;
    let window = Duration::from_secs(seconds as u64);
    let database = testkit::fresh_database_on(option(args, "--postgres")).await?;
    let (scenarios, _) = seed(&database, 2, 500).await?;
    let atrium = Atrium::start(&binary, database, option(args, "--redis"), &[]).await?;
    println!("atrium: all-in-one, {clients} clients, {seconds} s per route, JSON then page");

    for scenario in &scenarios {
        let cookie = atrium
            .customer_login(scenario.org, &scenario.email, PASSWORD)
            .await?;
        let page = format!("{}/customer", atrium.base);
        let html = fetch(&page, &cookie).await?;
        let shown = html.matches("<h3><a href=\"/customer/projects/").count();
        ensure!(
            shown == scenario.projects,
            "the page shows {shown} projects, not {}",
            scenario.projects
        );
        let mut rates = Vec::new();
        for (route, size) in [
            (format!("{}/api/customer/dashboard", atrium.base), None),
            (page.clone(), Some(html.len())),
        ] {
            let load = Load::get(route.clone(), &cookie);
            load.run(clients, Duration::from_secs(1)).await?;
            let (latencies, took) = load.run(clients, window).await?;
            let what = if size.is_some() { "page" } else { "JSON" };
            let note = size.map_or_else(String::new, |s| {
                format!("{:.1} KiB of HTML", s as f64 / 1024.0)
            });
            report(
                &format!("{what}: {}", scenario.label),
                &latencies,
                took,
                &note,
            );
            rates.push(latencies.len() as f64 / took.as_secs_f64());
        }
        println!(
            "  page/JSON throughput: {:.2} (at least 0.50 is the target)",
            rates[1] / rates[0]
        );
    }

    // Every asset the page links to, compressed as a server or proxy would send it.
    let cookie = atrium
        .customer_login(scenarios[0].org, &scenarios[0].email, PASSWORD)
        .await?;
    let html = fetch(&format!("{}/customer", atrium.base), &cookie).await?;
    let mut total = 0;
    for name in html
        .split("/assets/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
    {
        let bytes = reqwest::get(format!("{}/assets/{name}", atrium.base))
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&bytes)?;
        let compressed = gzip.finish()?.len();
        total += compressed;
        println!("asset {name}: {} B, {compressed} B gzip", bytes.len());
    }
    println!(
        "assets: {total} B gzip in all ({:.1} KiB; the budget is {} KiB)",
        total as f64 / 1024.0,
        ASSET_BUDGET / 1024
    );
    ensure!(total < ASSET_BUDGET, "the assets are over budget");
    atrium.stop().await
}

async fn fetch(url: &str, cookie: &str) -> anyhow::Result<String> {
    Ok(reqwest::Client::new()
        .get(url)
        .header("cookie", cookie)
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?)
}
