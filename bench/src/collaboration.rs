//! `collaboration`: the customer's requests list (first page of 50), one request with its
//! thread and one approval with its files and history, in an organization of 10,000
//! requests with 100 messages each (every tenth an internal note the customer's reads
//! leave out in the statement), on the all-in-one release binary with the data seeded
//! through the portal's stores.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use atrium_common::config::ServiceName;
use atrium_common::db::Db;
use atrium_common::password::hash_password;
use atrium_common::testkit;
use serde_json::Value;
use uuid::Uuid;

use crate::dashboard::PASSWORD;
use crate::server::{Atrium, Load, report};
use crate::{default_binary, option};

const CUSTOMERS: usize = 10;

pub async fn collaboration(args: &[String]) -> anyhow::Result<()> {
    let binary = option(args, "--binary").map_or_else(default_binary, PathBuf::from);
    let number = |name: &str, default: &str| -> anyhow::Result<usize> {
        option(args, name)
            .unwrap_or(default)
            .parse()
            .with_context(|| format!("{name} takes a number"))
    };
    let seconds = number("--seconds", "10")?;
    let clients = number("--clients", "16")?;
    let requests = number("--requests", "10000")?;
    let messages = number("--messages", "100")?;
    ensure!(
        requests >= CUSTOMERS,
        "--requests takes at least {CUSTOMERS}"
    );
    let postgres = option(args, "--postgres");
    let window = Duration::from_secs(seconds as u64);

    let database = testkit::fresh_database_on(postgres).await?;
    let started = Instant::now();
    let hash = hash_password(PASSWORD.into()).await?;
    let identity = Db::open(
        &database.target,
        ServiceName::Identity,
        &atrium_identity::MIGRATIONS,
    )
    .await?;
    let org =
        atrium_identity::seed::organization_with_customers(&identity, "bench", CUSTOMERS, &hash)
            .await?;
    identity.close().await;
    let portal = Db::open(
        &database.target,
        ServiceName::Portal,
        &atrium_portal::MIGRATIONS,
    )
    .await?;
    let staff = Uuid::now_v7();
    let customer = org.customer_ids[0];
    let per_customer = requests / CUSTOMERS;
    let mine = atrium_portal::seed::requests(
        &portal,
        (org.org_id, staff),
        &org.customer_ids,
        (per_customer, messages),
    )
    .await?;
    let projects = atrium_portal::seed::projects(&portal, org.org_id, 1, 0).await?;
    atrium_portal::seed::assign(&portal, org.org_id, &[(customer, projects[0])]).await?;
    let approval = atrium_portal::seed::approval(
        &portal,
        (org.org_id, staff, customer),
        projects[0],
        (3, 100),
    )
    .await?;
    portal.close().await;
    println!(
        "seeded through the stores in {:.1} s: {} requests of {CUSTOMERS} customers with \
         {messages} messages each, an approval at revision 3 with 6 files and 100 steps",
        started.elapsed().as_secs_f64(),
        per_customer * CUSTOMERS,
    );

    let atrium = Atrium::start(&binary, database, None, &[]).await?;
    println!(
        "atrium: all-in-one on {}, {clients} clients, {seconds} s per phase",
        if postgres.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    let cookie = atrium
        .customer_login("bench", "customer0@bench.test", PASSWORD)
        .await?;
    let request = mine.last().context("no request seeded")?;
    let phases = [
        (
            format!("requests list, first page of 50 of the customer's {per_customer}"),
            "/api/customer/requests".to_owned(),
        ),
        (
            format!("one request with its thread of {messages} (public ones shown)"),
            format!("/api/customer/requests/{request}"),
        ),
        (
            "one approval with 6 files and 100 history steps".to_owned(),
            format!("/api/customer/approvals/{approval}"),
        ),
    ];
    for (what, path) in &phases {
        let url = format!("{}{path}", atrium.base);
        let size = check(&url, &cookie).await?;
        let load = Load::get(url, &cookie);
        load.run(clients, Duration::from_secs(1)).await?;
        let (latencies, took) = load.run(clients, window).await?;
        report(what, &latencies, took, &format!("{size} bytes"));
    }
    atrium.stop().await
}

/// Reads the route once (it must answer 200 JSON); answers the body's size.
async fn check(url: &str, cookie: &str) -> anyhow::Result<usize> {
    let body = reqwest::Client::new()
        .get(url)
        .header("cookie", cookie)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let _: Value = serde_json::from_slice(&body).context("not JSON")?;
    Ok(body.len())
}
