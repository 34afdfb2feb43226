//! The portal service: projects and galleries, assignments, per-customer permissions, settings and the dashboard (issue 5). For now it serves health, reflection and an empty API on its own database.

use atrium_common::clock::Clock;
use atrium_common::config::{ServiceName, Settings};
use atrium_common::db::{Db, Migrations};
use atrium_common::grpc::ServerContext;
use atrium_common::shutdown::Shutdown;
use atrium_proto::portal::v1 as pb;
use sqlx::migrate::Migrator;
use tokio::net::TcpListener;

static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");
static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");

/// This service's migrations on both backends.
pub static MIGRATIONS: Migrations = Migrations {
    postgres: &POSTGRES,
    sqlite: &SQLITE,
};

/// Everything the portal server needs.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub server: ServerContext,
}

impl AppState {
    /// Opens this service's database (migrating it) for the given settings.
    pub async fn open(
        settings: &Settings,
        clock: Clock,
        shutdown: Shutdown,
    ) -> anyhow::Result<AppState> {
        let server =
            ServerContext::open(settings, ServiceName::Portal, &MIGRATIONS, shutdown).await?;
        Ok(AppState {
            db: server.db.clone(),
            server,
            clock,
        })
    }
}

/// The gRPC API, empty until its issue lands: calls answer UNIMPLEMENTED to holders of
/// the service token and UNAUTHENTICATED to everyone else.
struct Portal;

impl pb::portal_service_server::PortalService for Portal {}

/// Serves this service's gRPC API on `listener` until the shutdown in `state` trips.
pub async fn serve(state: AppState, listener: TcpListener) -> anyhow::Result<()> {
    let routes =
        tonic::service::Routes::new(pb::portal_service_server::PortalServiceServer::new(Portal));
    atrium_common::grpc::serve(state.server.clone(), listener, routes).await
}
