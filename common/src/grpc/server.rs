//! A service's gRPC server: its routes behind the gate, health that follows the
//! database, reflection, and a drain on shutdown.

use std::sync::Arc;

use anyhow::Context as _;
use secrecy::SecretString;
use tokio::net::TcpListener;
use tonic::service::Routes;
use tonic::transport::Server;
use tonic_health::ServingStatus;

use crate::config::ServiceName;
use crate::db::Db;
use crate::in_process::InProcessLink;
use crate::shutdown::Shutdown;

use super::gate::GateLayer;

/// What every service's server needs besides its own routes.
#[derive(Clone)]
pub struct ServerContext {
    pub name: ServiceName,
    pub service_token: SecretString,
    pub db: Db,
    pub shutdown: Shutdown,
    /// The process's other parts, when they call this service directly.
    pub in_process: Option<InProcessLink>,
}

impl ServerContext {
    /// Opens the service's database (migrating it) and returns what its server runs with.
    pub async fn open(
        settings: &crate::config::Settings,
        name: ServiceName,
        migrations: &crate::db::Migrations,
        shutdown: Shutdown,
    ) -> anyhow::Result<ServerContext> {
        let pool = settings.database_pool_size;
        let db = Db::open_pooled(&settings.database, name, migrations, pool).await?;
        Ok(ServerContext {
            name,
            service_token: settings.service_token.clone(),
            db,
            shutdown,
            in_process: settings.in_process.clone(),
        })
    }
}

/// Serves `routes` plus health and reflection on `listener` until shutdown, then drains;
/// in an all-in-one process it also answers the other parts' direct calls.
pub async fn serve(
    context: ServerContext,
    listener: TcpListener,
    routes: Routes,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    let (reporter, health_service) = tonic_health::server::health_reporter();
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(atrium_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .context("building the reflection service")?;
    let watcher = tokio::spawn(watch_health(
        context.name,
        context.db.clone(),
        reporter,
        context.shutdown.clone(),
    ));
    if let Some(in_process) = &context.in_process {
        in_process.register(context.name, routes.clone(), &context.service_token)?;
    }
    let routes = routes.add_service(health_service).add_service(reflection);
    tracing::info!(service = %context.name, %addr, "grpc listening");
    let shutdown = context.shutdown.clone();
    // Without TCP_NODELAY a reply written in several frames waits on the caller's delayed ACK.
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    let result = Server::builder()
        .layer(GateLayer {
            token: Arc::new(context.service_token),
            service: context.name,
        })
        .add_routes(routes)
        .serve_with_incoming_shutdown(incoming, async move { shutdown.wait().await })
        .await;
    watcher.abort();
    result.with_context(|| format!("serving {} on {addr}", context.name))
}

/// Reports SERVING while the database answers, NOT_SERVING while it does not. Its
/// pings are what mark the database down (queries then fail at once) and up again.
async fn watch_health(
    name: ServiceName,
    db: Db,
    reporter: tonic_health::server::HealthReporter,
    shutdown: Shutdown,
) {
    let mut last = None;
    loop {
        let status = match db.check().await {
            Ok(()) => {
                if last == Some(ServingStatus::NotServing) {
                    tracing::info!(service = %name, "database answers again");
                }
                ServingStatus::Serving
            }
            Err(err) => {
                if last != Some(ServingStatus::NotServing) {
                    tracing::warn!(service = %name, error = %err, "database does not answer: answering UNAVAILABLE until it does");
                }
                ServingStatus::NotServing
            }
        };
        if last != Some(status) {
            reporter.set_service_status("", status).await;
            for service in name.grpc_services() {
                reporter.set_service_status(*service, status).await;
            }
            last = Some(status);
        }
        let next = match status {
            ServingStatus::Serving => crate::db::UP_PROBE,
            _ => crate::db::DOWN_PROBE,
        };
        tokio::select! {
            _ = tokio::time::sleep(next) => {}
            _ = shutdown.wait() => {
                reporter.set_service_status("", ServingStatus::NotServing).await;
                return;
            }
        }
    }
}
