//! `dashboard`: `GET /api/customer/dashboard` on the all-in-one release binary, with the
//! data seeded through the identity and portal stores before it starts (one precomputed
//! password hash shared by every customer). Three organizations:
//!
//! - `small`: 10 customers and 20 projects, customer 0 assigned 10 of them;
//! - `plain`: the same as `small` with the `billing` feature off, so the cost of the
//!   dashboard's billing section reads off against `small`;
//! - `bench`: 10,000 customers and 20,000 projects with three phases each, every
//!   customer assigned two, except customer 0 (10 assigned) and customer 1 (500).
//!
//! Prints throughput and p50/p99 for the four dashboards, so the cost of the org's size
//! (small against bench at 10 projects) and of the customer's own projects (10 against
//! 500) read off side by side.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use atrium_common::config::ServiceName;
use atrium_common::db::Db;
use atrium_common::password::hash_password;
use atrium_common::testkit::{self, TestDatabase};
use serde_json::Value;
use uuid::Uuid;

use crate::server::{Atrium, Load, report};
use crate::{default_binary, option};

pub(crate) const PASSWORD: &str = "bench customer password";
const PHASES: usize = 3;

/// One dashboard to load: whose, and how many projects it must show.
pub(crate) struct Scenario {
    pub label: String,
    pub org: &'static str,
    pub email: String,
    pub projects: usize,
}

pub async fn dashboard(args: &[String]) -> anyhow::Result<()> {
    let binary = option(args, "--binary").map_or_else(default_binary, PathBuf::from);
    let number = |name: &str, default: &str| -> anyhow::Result<usize> {
        option(args, name)
            .unwrap_or(default)
            .parse()
            .with_context(|| format!("{name} takes a number"))
    };
    let seconds = number("--seconds", "10")?;
    let clients = number("--clients", "16")?;
    let customers = number("--customers", "10000")?;
    let projects = number("--projects", "20000")?;
    ensure!(
        customers >= 2 && projects >= 500,
        "--customers takes at least 2 and --projects at least 500"
    );
    let postgres = option(args, "--postgres");
    let redis = option(args, "--redis");
    let window = Duration::from_secs(seconds as u64);

    let database = testkit::fresh_database_on(postgres).await?;
    let started = Instant::now();
    let (scenarios, assignments) = seed(&database, customers, projects).await?;
    println!(
        "seeded through the stores in {:.1} s: org `small` and `plain` (10 customers, 20 projects each), \
         org `bench` ({customers} customers, {projects} projects, {PHASES} phases each, \
         {assignments} assignments)",
        started.elapsed().as_secs_f64(),
    );

    let atrium = Atrium::start(&binary, database, redis, &[]).await?;
    println!(
        "atrium: all-in-one on {}, limits and session checks in {}, load generator in this \
         process, {clients} clients, {seconds} s per dashboard",
        if postgres.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        if redis.is_some() { "Redis" } else { "process" },
    );
    for scenario in &scenarios {
        let cookie = atrium
            .customer_login(scenario.org, &scenario.email, PASSWORD)
            .await?;
        let url = format!("{}/api/customer/dashboard", atrium.base);
        let size = check(&url, &cookie, scenario.projects).await?;
        let load = Load::get(url, &cookie);
        load.run(clients, Duration::from_secs(1)).await?;
        let (latencies, took) = load.run(clients, window).await?;
        report(
            &scenario.label,
            &latencies,
            took,
            &format!("{:.1} KiB per answer", size as f64 / 1024.0),
        );
    }
    atrium.stop().await
}

/// Writes both organizations through the stores; answers the dashboards to load and how
/// many assignments org `bench` holds.
pub(crate) async fn seed(
    database: &TestDatabase,
    customers: usize,
    projects: usize,
) -> anyhow::Result<(Vec<Scenario>, usize)> {
    let hash = hash_password(PASSWORD.into()).await?;
    let identity = Db::open(
        &database.target,
        ServiceName::Identity,
        &atrium_identity::MIGRATIONS,
    )
    .await?;
    let portal = Db::open(
        &database.target,
        ServiceName::Portal,
        &atrium_portal::MIGRATIONS,
    )
    .await?;

    let small =
        atrium_identity::seed::organization_with_customers(&identity, "small", 10, &hash).await?;
    let small_projects = atrium_portal::seed::projects(&portal, small.org_id, 20, PHASES).await?;
    let small_assigned = pairs(small.customer_ids[0], &small_projects[..10]);
    atrium_portal::seed::assign(&portal, small.org_id, &small_assigned).await?;
    let plain =
        atrium_identity::seed::organization_with_customers(&identity, "plain", 10, &hash).await?;
    let plain_projects = atrium_portal::seed::projects(&portal, plain.org_id, 20, PHASES).await?;
    let plain_assigned = pairs(plain.customer_ids[0], &plain_projects[..10]);
    atrium_portal::seed::assign(&portal, plain.org_id, &plain_assigned).await?;
    atrium_portal::seed::without_billing(&portal, plain.org_id).await?;

    let bench =
        atrium_identity::seed::organization_with_customers(&identity, "bench", customers, &hash)
            .await?;
    let bench_projects =
        atrium_portal::seed::projects(&portal, bench.org_id, projects, PHASES).await?;
    // Everyone else holds two projects spread over the whole org, so the two measured
    // customers' rows sit among tens of thousands of others.
    let mut assigned: Vec<(Uuid, Uuid)> = bench.customer_ids[2..]
        .iter()
        .enumerate()
        .flat_map(|(i, customer)| {
            [2 * i, 2 * i + 1].map(|n| (*customer, bench_projects[(n * 7) % projects]))
        })
        .collect();
    assigned.extend(pairs(bench.customer_ids[0], &spread(&bench_projects, 10)));
    assigned.extend(pairs(bench.customer_ids[1], &spread(&bench_projects, 500)));
    atrium_portal::seed::assign(&portal, bench.org_id, &assigned).await?;
    identity.close().await;
    portal.close().await;

    let scenarios = vec![
        Scenario {
            label: "org of 10 customers and 20 projects, 10 assigned".to_owned(),
            org: "small",
            email: "customer0@small.test".to_owned(),
            projects: 10,
        },
        Scenario {
            label: "the same with the billing feature off".to_owned(),
            org: "plain",
            email: "customer0@plain.test".to_owned(),
            projects: 10,
        },
        Scenario {
            label: format!("org of {customers} customers and {projects} projects, 10 assigned"),
            org: "bench",
            email: "customer0@bench.test".to_owned(),
            projects: 10,
        },
        Scenario {
            label: format!("org of {customers} customers and {projects} projects, 500 assigned"),
            org: "bench",
            email: "customer1@bench.test".to_owned(),
            projects: 500,
        },
    ];
    Ok((scenarios, assigned.len()))
}

fn pairs(customer: Uuid, projects: &[Uuid]) -> Vec<(Uuid, Uuid)> {
    projects
        .iter()
        .map(|project| (customer, *project))
        .collect()
}

/// `n` of `all`, evenly spread from first to last.
fn spread(all: &[Uuid], n: usize) -> Vec<Uuid> {
    (0..n).map(|i| all[i * all.len() / n]).collect()
}

/// Reads the dashboard once; fails unless it shows exactly `projects` projects, each with
/// its progress. Answers the body's size.
async fn check(url: &str, cookie: &str, projects: usize) -> anyhow::Result<usize> {
    let body = reqwest::Client::new()
        .get(url)
        .header("cookie", cookie)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let dashboard: Value = serde_json::from_slice(&body)?;
    let shown = dashboard["projects"]
        .as_array()
        .context("no projects in the dashboard")?;
    if shown.len() != projects || shown.iter().any(|p| p["progress"].as_i64().is_none()) {
        bail!(
            "the dashboard shows {} projects, not the {projects} assigned",
            shown.len()
        );
    }
    Ok(body.len())
}
