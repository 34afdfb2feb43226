//! The documents service: files, the document workflow, gallery items and share links. For now it serves health, reflection and an empty API on its own database.

use atrium_common::clock::Clock;
use atrium_common::config::{ServiceName, Settings};
use atrium_common::db::Db;
use atrium_common::grpc::ServerContext;
use atrium_common::shutdown::Shutdown;
use atrium_proto::documents::v1 as pb;
use tokio::net::TcpListener;

atrium_common::migrations!();

/// Everything the documents server needs.
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
            ServerContext::open(settings, ServiceName::Documents, &MIGRATIONS, shutdown).await?;
        Ok(AppState {
            db: server.db.clone(),
            server,
            clock,
        })
    }
}

/// The gRPC API, empty until its issue lands: calls answer UNIMPLEMENTED to holders of
/// the service token and UNAUTHENTICATED to everyone else.
struct Documents;

impl pb::document_service_server::DocumentService for Documents {}

impl pb::gallery_service_server::GalleryService for Documents {}

impl pb::share_link_service_server::ShareLinkService for Documents {}

/// Serves this service's gRPC API on `listener` until the shutdown in `state` trips.
pub async fn serve(state: AppState, listener: TcpListener) -> anyhow::Result<()> {
    let routes = tonic::service::Routes::new(
        pb::document_service_server::DocumentServiceServer::new(Documents),
    )
    .add_service(pb::gallery_service_server::GalleryServiceServer::new(
        Documents,
    ))
    .add_service(pb::share_link_service_server::ShareLinkServiceServer::new(
        Documents,
    ));
    atrium_common::grpc::serve(state.server.clone(), listener, routes).await
}
