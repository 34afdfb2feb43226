//! `mail`: the notifier alone, on SQLite (default) or a fresh PostgreSQL database, sending
//! to the testkit's loopback SMTP sink. Enqueues `--messages` emails over gRPC from
//! `--concurrency` callers while the delivery workers run, and prints the enqueue latency
//! (p50/p99/max) and the delivery rate from the first enqueue to the last message the
//! sink accepted.

use std::time::{Duration, Instant};

use anyhow::Context;
use atrium_common::clock::Clock;
use atrium_common::config::{DatabaseTarget, Env, Settings};
use atrium_common::grpc::channel;
use atrium_common::shutdown::Shutdown;
use atrium_common::testkit::{self, smtp::SmtpServer};
use atrium_proto::notifier::v1 as pb;
use atrium_proto::notifier::v1::email_service_client::EmailServiceClient;
use secrecy::SecretString;
use tokio::net::TcpListener;

use crate::{option, percentile};

const TOKEN: &str = "bench-service-token-0123456789abcdef";

pub async fn mail(args: &[String]) -> anyhow::Result<()> {
    let messages: usize = option(args, "--messages")
        .unwrap_or("5000")
        .parse()
        .context("--messages takes a number")?;
    let concurrency: usize = option(args, "--concurrency")
        .unwrap_or("4")
        .parse()
        .context("--concurrency takes a number")?;
    let postgres = option(args, "--postgres");
    let backend = if postgres.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "mail: {messages} messages, {concurrency} concurrent callers, notifier on {backend}, loopback SMTP sink"
    );
    let smtp = SmtpServer::start().await?;

    // Enqueue alone: no delivery worker competes for the database or the two cores.
    let notifier = Notifier::start(postgres, &smtp, 0).await?;
    let (latencies, took) = enqueue_all(&notifier, messages, concurrency).await?;
    report("enqueue alone", &latencies, took);
    notifier.stop().await?;

    // Enqueue while the delivery workers drain the queue, until the sink has every message.
    let notifier = Notifier::start(postgres, &smtp, atrium_notifier::DELIVERY_WORKERS).await?;
    let before = smtp.messages().len();
    enqueue(&notifier.client, &notifier.org_id, usize::MAX).await?;
    smtp.wait_for_messages(before + 1, Duration::from_secs(30))
        .await?;
    let started = Instant::now();
    let (latencies, took) = enqueue_all(&notifier, messages, concurrency).await?;
    report("enqueue while delivering", &latencies, took);
    smtp.wait_for_messages(before + 1 + messages, Duration::from_secs(600))
        .await?;
    let delivered_after = started.elapsed();
    println!(
        "  delivered: {messages} in {:.2} s = {:.0} mails/s with {} workers (enqueue to accepted by the sink)",
        delivered_after.as_secs_f64(),
        messages as f64 / delivered_after.as_secs_f64(),
        atrium_notifier::DELIVERY_WORKERS,
    );
    notifier.stop().await?;
    smtp.stop().await;
    Ok(())
}

fn report(phase: &str, latencies: &[Duration], took: Duration) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  {phase}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({:.0} enqueues/s)",
        ms(percentile(latencies, 50.0)),
        ms(percentile(latencies, 99.0)),
        ms(*latencies.last().unwrap_or(&Duration::ZERO)),
        latencies.len() as f64 / took.as_secs_f64(),
    );
}

/// A notifier on a fresh database of its own.
struct Notifier {
    client: EmailServiceClient<atrium_common::grpc::ServiceChannel>,
    org_id: String,
    shutdown: Shutdown,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
    _database: testkit::TestDatabase,
    _data_dir: tempfile::TempDir,
}

impl Notifier {
    async fn start(
        postgres: Option<&str>,
        smtp: &SmtpServer,
        workers: usize,
    ) -> anyhow::Result<Notifier> {
        let database = testkit::fresh_database_on(postgres).await?;
        let data_dir = tempfile::tempdir()?;
        let (data_dir_path, database_url) = match &database.target {
            DatabaseTarget::Sqlite { dir } => (dir.clone(), None),
            DatabaseTarget::Postgres { url } => (data_dir.path().to_owned(), Some(url.clone())),
        };
        let settings = Settings::resolve(Env {
            data_dir: Some(data_dir_path),
            database_url,
            notifier_listen: Some("127.0.0.1:0".into()),
            service_token: Some(SecretString::from(TOKEN)),
            smtp_url: Some(SecretString::from(smtp.url())),
            mail_from: Some("Atrium Bench <bench@atrium.test>".into()),
            ..Env::default()
        })?;
        let shutdown = Shutdown::new();
        let mut state =
            atrium_notifier::AppState::open(&settings, Clock::system(), shutdown.clone()).await?;
        state.workers = workers;
        // The notifier alone: no portal to ask for branding.
        state.branding = None;
        let listener = TcpListener::bind(settings.notifier.listen).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let server = tokio::spawn(atrium_notifier::serve(state, listener));
        Ok(Notifier {
            client: EmailServiceClient::new(channel(&url, &SecretString::from(TOKEN))?),
            org_id: uuid::Uuid::new_v4().to_string(),
            shutdown,
            server,
            _database: database,
            _data_dir: data_dir,
        })
    }

    async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.trigger();
        self.server.await?
    }
}

/// Enqueues `messages` from `concurrency` callers; answers the sorted latencies and the time.
async fn enqueue_all(
    notifier: &Notifier,
    messages: usize,
    concurrency: usize,
) -> anyhow::Result<(Vec<Duration>, Duration)> {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let client = notifier.client.clone();
        let org_id = notifier.org_id.clone();
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut n = worker;
            while n < messages {
                let sent = Instant::now();
                enqueue(&client, &org_id, n).await?;
                latencies.push(sent.elapsed());
                n += concurrency;
            }
            anyhow::Ok(latencies)
        });
    }
    let mut latencies = Vec::with_capacity(messages);
    while let Some(joined) = tasks.join_next().await {
        latencies.extend(joined??);
    }
    let took = started.elapsed();
    latencies.sort();
    Ok((latencies, took))
}

async fn enqueue(
    client: &EmailServiceClient<atrium_common::grpc::ServiceChannel>,
    org_id: &str,
    n: usize,
) -> anyhow::Result<()> {
    let request = pb::EnqueueEmailRequest {
        org_id: org_id.to_owned(),
        idempotency_key: format!("bench-{n}"),
        template_key: "customer_invitation".into(),
        recipient_email: format!("customer{n}@bench.test"),
        recipient_name: "Bench Customer".into(),
        variables_json: format!(
            r#"{{"link": "https://portal.bench.test/customer/accept-invitation?token={n}", "expires_at": "2030-01-22 09:00 UTC"}}"#
        ),
        org_name: "Bench Ltd".into(),
        ..Default::default()
    };
    client
        .clone()
        .enqueue_email(atrium_common::auth::Principal::service().request(request))
        .await?;
    Ok(())
}
