//! The `atrium` binary: with no arguments, every service and the gateway in one process
//! on the embedded defaults; `serve <name>` runs one component; `bootstrap` creates the
//! bootstrap organization; `healthcheck <url>` probes a running component.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use atrium::{Component, start_all, start_one};
use atrium_common::clock::Clock;
use atrium_common::config::{DatabaseTarget, ServiceName, Settings};
use atrium_common::shutdown::Shutdown;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Many small allocations per request on several threads: mimalloc's thread-local
/// free lists cost a fraction of glibc's arenas under that load (`atrium-bench identity`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: atrium [serve <identity|portal|documents|billing|notifier|gateway> | bootstrap | healthcheck <http://…|grpc://…>]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("atrium: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("atrium: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Vec<String>) -> anyhow::Result<()> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => run_all().await,
        ["serve", name] => {
            let component = Component::parse(name)
                .with_context(|| format!("unknown component {name:?}\n{USAGE}"))?;
            run_one(component, name).await
        }
        ["bootstrap"] => bootstrap().await,
        ["healthcheck", url] => healthcheck(url).await,
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => bail!("{USAGE}"),
    }
}

async fn run_all() -> anyhow::Result<()> {
    let settings = Settings::from_process()?;
    let _telemetry = atrium_common::telemetry::init("all-in-one", settings.log_json)?;
    describe(&settings);
    let shutdown = Shutdown::new();
    shutdown.trigger_on_signals();
    let stack = start_all(settings, Clock::system(), shutdown, None).await?;
    if let Some(addr) = stack.gateway {
        tracing::info!("atrium is ready at http://{addr}");
    }
    stack.wait().await?;
    tracing::info!("stopped");
    Ok(())
}

async fn run_one(component: Component, name: &str) -> anyhow::Result<()> {
    let settings = Settings::from_process()?;
    let _telemetry = atrium_common::telemetry::init(name, settings.log_json)?;
    // Processes on separate machines share no data dir: generated secrets would differ.
    let needs_jwt = matches!(
        component,
        Component::Service(ServiceName::Identity) | Component::Gateway
    );
    let required: &[&str] = if needs_jwt {
        &["ATRIUM_SERVICE_TOKEN", "ATRIUM_JWT_SECRET"]
    } else {
        &["ATRIUM_SERVICE_TOKEN"]
    };
    for var in required {
        if std::env::var_os(var).is_none_or(|v| v.is_empty()) {
            bail!("{var} is required when {name} runs as its own process");
        }
    }
    describe(&settings);
    let shutdown = Shutdown::new();
    shutdown.trigger_on_signals();
    let stack = start_one(component, settings, Clock::system(), shutdown).await?;
    stack.wait().await?;
    tracing::info!(component = name, "stopped");
    Ok(())
}

fn describe(settings: &Settings) {
    match &settings.database {
        DatabaseTarget::Sqlite { dir } => {
            tracing::info!(dir = %dir.display(), "storing data in SQLite files")
        }
        DatabaseTarget::Postgres { .. } => tracing::info!("storing data in PostgreSQL"),
    }
    if settings.redis_url.is_some() {
        tracing::info!("rate limits and session checks in Redis");
    } else {
        tracing::info!(
            "rate limits and session checks in-process (set ATRIUM_REDIS_URL for Redis)"
        );
    }
}

async fn bootstrap() -> anyhow::Result<()> {
    let settings = Settings::from_process()?;
    let _telemetry = atrium_common::telemetry::init("bootstrap", settings.log_json)?;
    let bootstrap = settings.bootstrap.clone().context(
        "set ATRIUM_BOOTSTRAP_ORG, ATRIUM_BOOTSTRAP_EMAIL and ATRIUM_BOOTSTRAP_PASSWORD",
    )?;
    let state =
        atrium_identity::AppState::open(&settings, Clock::system(), Shutdown::new(), None).await?;
    atrium::bootstrap_org(&state, &bootstrap).await?;
    state.db.close().await;
    Ok(())
}

/// Exits 0 when `http://…` answers 200 or `grpc://host:port` reports SERVING.
async fn healthcheck(url: &str) -> anyhow::Result<()> {
    if let Some(rest) = url.strip_prefix("grpc://") {
        let channel = atrium_common::grpc::probe_channel(&format!("http://{rest}"))?;
        if atrium_common::grpc::is_serving(channel, "").await {
            return Ok(());
        }
        bail!("{url} is not SERVING");
    }
    let rest = url
        .strip_prefix("http://")
        .context("the URL must start with http:// or grpc://")?;
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let status = tokio::time::timeout(Duration::from_secs(3), http_get_status(host, &path))
        .await
        .context("timed out")??;
    if status == 200 {
        return Ok(());
    }
    bail!("{url} answered {status}")
}

async fn http_get_status(host: &str, path: &str) -> anyhow::Result<u16> {
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .with_context(|| format!("connecting to {host}"))?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut head = vec![0u8; 64];
    let read = stream.read(&mut head).await?;
    let line = String::from_utf8_lossy(&head[..read]);
    line.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .context("not an HTTP answer")
}
