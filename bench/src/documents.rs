//! `documents`: the figures of `design/documents.md`, on the filesystem store.
//!
//! - transfer: a file of `--mib` MiB (default 100) uploaded through the gateway and
//!   downloaded again, beside a plain copy of the same file on the same disk with
//!   `fsync`; with the Atrium process's peak resident memory during each transfer over
//!   what it held before (sampled every 5 ms).
//! - thumbnails: renditions (thumb and preview) of 12-megapixel JPEGs per second on the
//!   renderer's pool, one thread per core, as an upload makes them.
//! - list: a customer's `GET /api/customer/projects/{id}/documents` p50/p99 for a
//!   project of `--documents` (default 10,000) published documents, seeded through the
//!   store.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use atrium_common::config::ServiceName;
use atrium_common::db::Db;
use atrium_common::ids::{DocumentId, FileId, OrgId, ProjectId};
use atrium_common::testkit;
use atrium_documents::document::store::{DocumentRow, insert_document};
use atrium_documents::document::workflow::Status;
use serde_json::{Value, json};

use crate::dashboard::PASSWORD;
use crate::server::{Atrium, Load, report};
use crate::{default_binary, option};

const OWNER: (&str, &str, &str) = ("acme", "owner@acme.test", "bench owner password 1234");

pub async fn documents(args: &[String]) -> anyhow::Result<()> {
    let binary = option(args, "--binary").map_or_else(default_binary, PathBuf::from);
    let number = |name: &str, default: &str| -> anyhow::Result<usize> {
        option(args, name)
            .unwrap_or(default)
            .parse()
            .with_context(|| format!("{name} takes a number"))
    };
    let mib = number("--mib", "100")?;
    let documents = number("--documents", "10000")?;
    let seconds = number("--seconds", "10")?;
    let clients = number("--clients", "16")?;
    thumbnails()?;
    transfer(&binary, mib).await?;
    list(
        &binary,
        documents,
        clients,
        Duration::from_secs(seconds as u64),
    )
    .await
}

/// 12-megapixel JPEGs through the renderer, one thread per core.
fn thumbnails() -> anyhow::Result<()> {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let photo = photo(4000, 3000)?;
    let per_thread = 4;
    let started = Instant::now();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let workers: Vec<_> = (0..cores)
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<()> {
                    for _ in 0..per_thread {
                        atrium_documents::gallery::renditions::render(&photo, 50_000_000)
                            .map_err(|err| anyhow::anyhow!("{err}"))?;
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker
                .join()
                .map_err(|_| anyhow::anyhow!("a worker panicked"))??;
        }
        Ok(())
    })?;
    let took = started.elapsed().as_secs_f64();
    let made = cores * per_thread;
    println!(
        "thumbnails: {:.1} photos/s ({made} 12 MP JPEGs of {:.1} MiB, thumb + preview each, \
         {cores} threads, {:.0} ms per photo per thread)",
        made as f64 / took,
        photo.len() as f64 / 1048576.0,
        took * 1000.0 / per_thread as f64,
    );
    Ok(())
}

/// A `width` × `height` JPEG with detail to decode (not a flat colour).
fn photo(width: u32, height: u32) -> anyhow::Result<Vec<u8>> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x ^ y) as u8, (x.wrapping_mul(3) + y) as u8, (y / 3) as u8])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(pixels).write_to(
        &mut std::io::Cursor::new(&mut out),
        image::ImageFormat::Jpeg,
    )?;
    Ok(out)
}

/// A PDF-looking file of `mib` MiB of noise in `dir`.
fn big_file(dir: &Path, mib: usize) -> anyhow::Result<PathBuf> {
    let path = dir.join("big.pdf");
    let mut file = std::fs::File::create(&path)?;
    file.write_all(b"%PDF-1.7\n")?;
    let mut block = vec![0u8; 1 << 20];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..mib {
        for byte in &mut block {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *byte = state as u8;
        }
        file.write_all(&block)?;
    }
    file.sync_all()?;
    Ok(path)
}

/// A plain copy with `fsync`: the disk's own rate.
fn copy_rate(source: &Path) -> anyhow::Result<f64> {
    let target = source.with_extension("copy");
    let started = Instant::now();
    let mut from = std::fs::File::open(source)?;
    let mut to = std::fs::File::create(&target)?;
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = from.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        to.write_all(&buffer[..n])?;
    }
    to.sync_all()?;
    let took = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(source)?.len() as f64;
    std::fs::remove_file(target)?;
    Ok(size / took / 1048576.0)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Samples the process's resident memory until dropped; answers the peak seen.
struct Sampler {
    peak: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Sampler {
    fn start(pid: u32) -> Sampler {
        let peak = Arc::new(AtomicU64::new(rss_kib(pid)));
        let seen = peak.clone();
        let task = tokio::spawn(async move {
            loop {
                seen.fetch_max(rss_kib(pid), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        });
        Sampler { peak, task }
    }

    fn stop(self) -> u64 {
        self.task.abort();
        self.peak.load(Ordering::Relaxed)
    }
}

async fn transfer(binary: &Path, mib: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let source = big_file(dir.path(), mib)?;
    let copy = copy_rate(&source)?;
    let size = std::fs::metadata(&source)?.len();
    let max = (size + (1 << 20)).to_string();
    let database = testkit::fresh_database_on(None).await?;
    let extra = [
        ("ATRIUM_BOOTSTRAP_ORG", OWNER.0),
        ("ATRIUM_BOOTSTRAP_EMAIL", OWNER.1),
        ("ATRIUM_BOOTSTRAP_PASSWORD", OWNER.2),
        ("ATRIUM_UPLOAD_MAX_BYTES", max.as_str()),
    ];
    let atrium = Atrium::start(binary, database, None, &extra).await?;
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{}/api/admin/login", atrium.base))
        .json(&json!({"org": OWNER.0, "email": OWNER.1, "password": OWNER.2}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = login["access_token"]
        .as_str()
        .context("no token")?
        .to_owned();
    let project: Value = http
        .post(format!("{}/api/admin/projects", atrium.base))
        .bearer_auth(&token)
        .json(&json!({"name": "Bench", "kind": "project"}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let project_id = project["id"].as_str().context("no project id")?;
    let pid = atrium.pid().context("atrium exited")?;

    // The body is built in this process (the client's memory, not Atrium's).
    let boundary = "atrium-bench-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&std::fs::read(&source)?);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let before = rss_kib(pid);
    let sampler = Sampler::start(pid);
    let started = Instant::now();
    let uploaded: Value = http
        .post(format!(
            "{}/api/admin/projects/{project_id}/documents",
            atrium.base
        ))
        .bearer_auth(&token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let up = started.elapsed().as_secs_f64();
    let up_peak = sampler.stop();
    let id = uploaded["id"].as_str().context("no document id")?;

    let before_down = rss_kib(pid);
    let sampler = Sampler::start(pid);
    let started = Instant::now();
    let mut response = http
        .get(format!("{}/api/admin/documents/{id}/download", atrium.base))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?;
    let mut received = 0u64;
    while let Some(chunk) = response.chunk().await? {
        received += chunk.len() as u64;
    }
    let down = started.elapsed().as_secs_f64();
    let down_peak = sampler.stop();
    ensure!(received == size, "downloaded {received} of {size} bytes");
    let rate = |secs: f64| size as f64 / secs / 1048576.0;
    println!("transfer: {mib} MiB file; plain copy with fsync {copy:.0} MiB/s on the same disk");
    for (what, secs, from, peak) in [
        ("upload", up, before, up_peak),
        ("download", down, before_down, down_peak),
    ] {
        println!(
            "transfer: {what} {:.0} MiB/s ({:.2} of the copy's rate, target ≥ 0.25), Atrium's RSS \
             {:.1} → peak {:.1} MiB (growth {:.1} MiB, target < 32)",
            rate(secs),
            rate(secs) / copy,
            from as f64 / 1024.0,
            peak as f64 / 1024.0,
            peak.saturating_sub(from) as f64 / 1024.0,
        );
    }
    atrium.stop().await
}

/// A customer's list of a project with `count` published documents.
async fn list(binary: &Path, count: usize, clients: usize, window: Duration) -> anyhow::Result<()> {
    let database = testkit::fresh_database_on(None).await?;
    let hash = atrium_common::password::hash_password(PASSWORD.into()).await?;
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
    let store = Db::open(
        &database.target,
        ServiceName::Documents,
        &atrium_documents::MIGRATIONS,
    )
    .await?;
    let org =
        atrium_identity::seed::organization_with_customers(&identity, "docs", 2, &hash).await?;
    let projects = atrium_portal::seed::projects(&portal, org.org_id, 2, 1).await?;
    atrium_portal::seed::assign(&portal, org.org_id, &[(org.customer_ids[0], projects[0])]).await?;
    let started = Instant::now();
    let now = chrono::Utc::now();
    let mut tx = store.begin().await?;
    for n in 0..count {
        for project in &projects {
            let at = now - chrono::Duration::seconds(n as i64);
            let row = DocumentRow {
                document_id: DocumentId::new(),
                org_id: OrgId(org.org_id),
                project_id: ProjectId(*project),
                title: format!("Document {n}"),
                description: String::new(),
                document_type_id: None,
                status: if n % 10 == 9 {
                    Status::Draft
                } else {
                    Status::Published
                },
                version: 1,
                file_id: FileId::new(),
                file_name: format!("document-{n}.pdf"),
                file_size: 120_000,
                content_type: "application/pdf".to_owned(),
                sha256: "00".repeat(32),
                created_at: at,
                updated_at: at,
                published_at: (n % 10 != 9).then_some(at),
                sent_at: None,
                sent_count: 0,
            };
            insert_document(&mut tx, &row).await?;
        }
    }
    tx.commit().await?;
    println!(
        "list: seeded {} documents in two projects ({} in the customer's, 9 in 10 published) \
         in {:.1} s",
        count * 2,
        count,
        started.elapsed().as_secs_f64()
    );
    for db in [identity, portal, store] {
        db.close().await;
    }
    let atrium = Atrium::start(binary, database, None, &[]).await?;
    let cookie = atrium
        .customer_login("docs", "customer0@docs.test", PASSWORD)
        .await?;
    let url = format!(
        "{}/api/customer/projects/{}/documents",
        atrium.base, projects[0]
    );
    let first: Value = reqwest::Client::new()
        .get(&url)
        .header("cookie", &cookie)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let shown = first["items"].as_array().map_or(0, Vec::len);
    ensure!(
        shown == 50,
        "the first page shows {shown} documents, not 50"
    );
    let load = Load::get(url, &cookie);
    load.run(clients, Duration::from_secs(1)).await?;
    let (latencies, took) = load.run(clients, window).await?;
    report(
        &format!("list: customer's documents, first page of 50 of {count}"),
        &latencies,
        took,
        &format!("{clients} clients, the assignment checked with the portal on every request"),
    );
    atrium.stop().await
}
