//! The documents service: files, the document workflow, gallery items and share links. For now it serves health, reflection and an empty API on its own database.

use atrium_common::grpc::ServerContext;
use atrium_proto::documents::v1 as pb;
use tokio::net::TcpListener;

pub mod document;
pub mod storage;
#[cfg(test)]
mod store_contract;

atrium_common::migrations!("0001_documents");

/// The gRPC API, empty until its issue lands: calls answer UNIMPLEMENTED to holders of
/// the service token and UNAUTHENTICATED to everyone else.
struct Documents;

impl pb::document_service_server::DocumentService for Documents {}

impl pb::gallery_service_server::GalleryService for Documents {}

impl pb::share_link_service_server::ShareLinkService for Documents {}

/// Serves this service's gRPC API on `listener` until the shutdown in `server` trips.
pub async fn serve(server: ServerContext, listener: TcpListener) -> anyhow::Result<()> {
    let routes = tonic::service::Routes::new(
        pb::document_service_server::DocumentServiceServer::new(Documents),
    )
    .add_service(pb::gallery_service_server::GalleryServiceServer::new(
        Documents,
    ))
    .add_service(pb::share_link_service_server::ShareLinkServiceServer::new(
        Documents,
    ));
    atrium_common::grpc::serve(server, listener, routes).await
}
