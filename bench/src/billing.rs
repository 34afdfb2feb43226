//! `billing`: the customer's ledger and dashboard with 100,000 ledger entries beside 10
//! (the same first page of 10 entries, so only the ledger's length differs), the PDF of
//! a 20-line invoice (p50/p99 and size), and payments booked per second through the
//! gateway, each allocated to one shared invoice (the row every booking locks), on the
//! all-in-one release binary with the data seeded through the stores; and one invoice
//! opened by its share link beside the signed-in customer's route for it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use atrium_common::config::ServiceName;
use atrium_common::db::Db;
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::password::hash_password;
use atrium_common::testkit;
use serde_json::{Value, json};

use crate::dashboard::PASSWORD;
use crate::server::{Atrium, Load, report};
use crate::{default_binary, option};

const PLATFORM_TOKEN: &str = "bench-platform-token-of-thirty-two-chars-at-least";
const OWNER_PASSWORD: &str = "bench owner password 1234";

pub async fn billing(args: &[String]) -> anyhow::Result<()> {
    let binary = option(args, "--binary").map_or_else(default_binary, PathBuf::from);
    let number = |name: &str, default: &str| -> anyhow::Result<usize> {
        option(args, name)
            .unwrap_or(default)
            .parse()
            .with_context(|| format!("{name} takes a number"))
    };
    let seconds = number("--seconds", "10")?;
    let clients = number("--clients", "16")?;
    let entries = number("--entries", "100000")?;
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
        atrium_identity::seed::organization_with_customers(&identity, "bench", 2, &hash).await?;
    identity.close().await;
    let billing = Db::open(
        &database.target,
        ServiceName::Billing,
        &atrium_billing::MIGRATIONS,
    )
    .await?;
    let (long, short) = (org.customer_ids[0], org.customer_ids[1]);
    atrium_billing::seed::ledger(&billing, org.org_id, long, entries).await?;
    atrium_billing::seed::ledger(&billing, org.org_id, short, 10).await?;
    let invoices = atrium_billing::seed::invoices(&billing, (org.org_id, long), 40, 20).await?;
    atrium_billing::seed::invoices(&billing, (org.org_id, short), 2, 3).await?;
    billing.close().await;
    let documents = Db::open(
        &database.target,
        ServiceName::Documents,
        &atrium_documents::MIGRATIONS,
    )
    .await?;
    let link = atrium_documents::links::seed(
        &documents,
        (OrgId(org.org_id), CustomerId(long)),
        (atrium_documents::links::SubjectKind::Invoice, invoices[0]),
        chrono::Utc::now(),
    )
    .await?;
    documents.close().await;
    println!(
        "seeded through the stores in {:.1} s: customer 0 with {entries} ledger entries and 40 \
         issued invoices of 20 lines, customer 1 with 10 entries and 2 invoices",
        started.elapsed().as_secs_f64()
    );

    let atrium = Atrium::start(
        &binary,
        database,
        None,
        &[
            ("ATRIUM_PLATFORM_TOKEN", PLATFORM_TOKEN),
            // The link phase reads from one address, far past the public routes' limit.
            ("ATRIUM_RATE_LIMIT_PUBLIC_ADDRESS", "100000000/1m"),
        ],
    )
    .await?;
    println!(
        "atrium: all-in-one on {}, {clients} clients, {seconds} s per phase",
        if postgres.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    let who = [
        (format!("{entries} entries"), "customer0@bench.test"),
        ("10 entries".to_owned(), "customer1@bench.test"),
    ];
    for (label, email) in &who {
        let cookie = atrium.customer_login("bench", email, PASSWORD).await?;
        for (what, path) in [
            (
                "ledger (first page of 10)",
                "/api/customer/ledger?page_size=10",
            ),
            ("dashboard", "/api/customer/dashboard"),
        ] {
            let url = format!("{}{path}", atrium.base);
            let load = Load::get(url, &cookie);
            load.run(clients, Duration::from_secs(1)).await?;
            let (latencies, took) = load.run(clients, window).await?;
            report(
                &format!("{what}, customer with {label}"),
                &latencies,
                took,
                "",
            );
        }
    }

    // The PDF of a 20-line invoice, as the customer downloads it.
    let cookie = atrium
        .customer_login("bench", "customer0@bench.test", PASSWORD)
        .await?;
    let url = format!("{}/api/customer/invoices/{}/pdf", atrium.base, invoices[0]);
    let size = reqwest::Client::new()
        .get(&url)
        .header("cookie", &cookie)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?
        .len();
    let load = Load::get(url, &cookie);
    load.run(4, Duration::from_secs(1)).await?;
    let (latencies, took) = load.run(4, window).await?;
    report(
        "invoice PDF (20 lines), 4 clients",
        &latencies,
        took,
        &format!("{:.1} KiB per PDF", size as f64 / 1024.0),
    );

    // One invoice opened by its share link (no cookie) beside the signed-in route.
    let phases = [
        (
            "invoice by share link, GET /api/links/{token}",
            format!("{}/api/links/{link}", atrium.base),
            "",
        ),
        (
            "the same invoice signed in, GET /api/customer/invoices/{id}",
            format!("{}/api/customer/invoices/{}", atrium.base, invoices[0]),
            cookie.as_str(),
        ),
    ];
    for (what, url, cookie) in phases {
        let load = Load::get(url, cookie);
        load.run(clients, Duration::from_secs(1)).await?;
        let (latencies, took) = load.run(clients, window).await?;
        report(what, &latencies, took, "");
    }

    payments(&atrium, clients, window).await?;
    atrium.stop().await
}

/// An organization made through the platform API, its owner's token, a customer and one
/// large issued invoice; then payments of 1.00 allocated to it, each with its own key.
async fn payments(atrium: &Atrium, clients: usize, window: Duration) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let base = &atrium.base;
    let post = |path: &str, token: &str, body: Value| {
        http.post(format!("{base}{path}"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let owner = json!({"slug": "pay", "name": "Pay Ltd", "owner_email": "owner@pay.test", "owner_password": OWNER_PASSWORD});
    post("/api/platform/orgs", PLATFORM_TOKEN, owner)
        .await?
        .error_for_status()?;
    let login = json!({"org": "pay", "email": "owner@pay.test", "password": OWNER_PASSWORD});
    let signed: Value = http
        .post(format!("{base}/api/admin/login"))
        .json(&login)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = signed["access_token"]
        .as_str()
        .context("no access token")?
        .to_owned();
    let invited: Value = post(
        "/api/admin/customers/invitations",
        &token,
        json!({"email": "payer@pay.test", "name": "Payer"}),
    )
    .await?
    .error_for_status()?
    .json()
    .await?;
    let customer = invited["customer"]["id"]
        .as_str()
        .or(invited["id"].as_str())
        .context("no customer id")?
        .to_owned();
    let lines = json!([{"description": "Retainer", "quantity": "1", "unit_price_minor": 1_000_000_000_i64, "tax_rate": "0"}]);
    let draft: Value = post(
        "/api/admin/invoices",
        &token,
        json!({"customer_id": customer, "currency": "EUR", "lines": lines}),
    )
    .await?
    .error_for_status()?
    .json()
    .await?;
    let invoice = draft["id"].as_str().context("no invoice id")?.to_owned();
    post(
        &format!("/api/admin/invoices/{invoice}/issue"),
        &token,
        json!({}),
    )
    .await?
    .error_for_status()?;

    let body = json!({"customer_id": customer, "amount": {"amount_minor": 100, "currency": "EUR"},
                      "received_on": "2026-12-01", "method": "bank_transfer",
                      "allocations": [{"invoice_id": invoice, "amount_minor": 100}]});
    let stop = Arc::new(AtomicBool::new(false));
    let sequence = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (http, url, token, body) = (
            http.clone(),
            format!("{base}/api/admin/payments"),
            token.clone(),
            body.clone(),
        );
        let (stop, sequence) = (stop.clone(), sequence.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let key = format!("bench-{}", sequence.fetch_add(1, Ordering::Relaxed));
                let sent = Instant::now();
                let answer = http
                    .post(&url)
                    .bearer_auth(&token)
                    .header("idempotency-key", key)
                    .json(&body)
                    .send()
                    .await?;
                ensure!(
                    answer.status() == 201,
                    "a payment answered {}",
                    answer.status()
                );
                answer.bytes().await?;
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
    let booked: Value = http
        .get(format!("{base}/api/admin/invoices/{invoice}"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let paid = booked["amount_paid"]["amount_minor"].as_i64().unwrap_or(0);
    ensure!(
        paid == 100 * latencies.len() as i64,
        "the invoice holds {paid}, not every payment's 100"
    );
    report(
        &format!("payments allocated to one invoice, {clients} clients"),
        &latencies,
        took,
        &format!(
            "the invoice's amount_paid is exactly the {} bookings'",
            latencies.len()
        ),
    );
    Ok(())
}
