//! The documents service: every stored file (the local filesystem or S3-compatible
//! storage), project documents and their publish workflow, gallery items and share
//! links.

pub mod document;
pub mod document_type;
mod error;
pub mod files;
pub mod gallery;
mod grpc;
pub mod links;
pub mod logo;
mod projects;
pub mod storage;
#[cfg(test)]
mod store_contract;
pub mod sweep;

use atrium_common::clock::Clock;
use atrium_common::config::{ServiceName, Settings};
use atrium_common::db::Db;
use atrium_common::grpc::{ServerContext, ServiceChannel, connect};
use atrium_common::outbox::{Receivers, Relay};
use atrium_common::shutdown::Shutdown;
use atrium_proto::documents::v1 as pb;
use atrium_proto::identity::v1::customer_service_client::CustomerServiceClient;
use atrium_proto::portal::v1::customer_project_service_client::CustomerProjectServiceClient;
use atrium_proto::portal::v1::guest_gallery_service_client::GuestGalleryServiceClient;
use atrium_proto::portal::v1::project_service_client::ProjectServiceClient;
use atrium_proto::portal::v1::settings_service_client::SettingsServiceClient;
use tokio::net::TcpListener;

use storage::Storage;

atrium_common::migrations!(
    "0001_documents",
    "0002_document_search",
    "0003_outbox",
    "0004_gallery",
    "0005_attachments",
    "0006_org_logo",
    "0007_share_links",
    "0008_document_sends",
);

/// Everything the documents server needs.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub server: ServerContext,
    pub storage: Storage,
    /// The portal, asked whether a project is the caller's to see: a staff member's
    /// (`portal`) or a customer's, assigned on this request (`my_projects`).
    pub portal: ProjectServiceClient<ServiceChannel>,
    pub my_projects: CustomerProjectServiceClient<ServiceChannel>,
    /// The portal, asked whether a guest's gallery session is live.
    pub guests: GuestGalleryServiceClient<ServiceChannel>,
    /// Identity and the portal, asked whom a sent document goes to (the customer's
    /// address on file and language) and in which organization's branding.
    pub customers: CustomerServiceClient<ServiceChannel>,
    pub branding: SettingsServiceClient<ServiceChannel>,
    /// Makes gallery renditions on a bounded pool of blocking threads.
    pub renderer: gallery::renditions::Renderer,
    /// Forwards the outbox: audit entries and in-app notices.
    pub relay: Relay,
    /// How long a new share link opens its subject.
    pub share_link_ttl: chrono::Duration,
    /// Where the links in sent mails point (`{public}/i/{token}`).
    pub public_url: String,
}

impl AppState {
    /// Opens this service's database (migrating it) and its storage.
    pub async fn open(
        settings: &Settings,
        clock: Clock,
        shutdown: Shutdown,
    ) -> anyhow::Result<AppState> {
        let server =
            ServerContext::open(settings, ServiceName::Documents, &MIGRATIONS, shutdown).await?;
        // The standard AWS_* variables configure an s3:// store.
        let aws = std::env::vars().filter(|(name, _)| name.starts_with("AWS_"));
        let storage = Storage::open(
            &settings.storage.url,
            aws,
            settings.storage.upload_max_bytes,
        )
        .map_err(|err| anyhow::anyhow!("opening ATRIUM_STORAGE_URL: {err}"))?;
        let portal_channel = connect(settings, ServiceName::Portal)?;
        let relay = Relay::new(server.db.clone(), clock.clone(), Receivers::new(settings)?);
        Ok(AppState {
            db: server.db.clone(),
            server,
            clock,
            storage,
            portal: ProjectServiceClient::new(portal_channel.clone()),
            my_projects: CustomerProjectServiceClient::new(portal_channel.clone()),
            guests: GuestGalleryServiceClient::new(portal_channel.clone()),
            customers: CustomerServiceClient::new(connect(settings, ServiceName::Identity)?),
            branding: SettingsServiceClient::new(portal_channel),
            renderer: gallery::renditions::Renderer::per_core(settings.storage.image_max_pixels),
            relay,
            share_link_ttl: chrono::Duration::from_std(settings.share_link_ttl)
                .unwrap_or(chrono::Duration::days(1)),
            public_url: settings.public_url.trim_end_matches('/').to_owned(),
        })
    }
}

/// Serves this service's gRPC API on `listener` until the shutdown in `state` trips.
pub async fn serve(state: AppState, listener: TcpListener) -> anyhow::Result<()> {
    state.relay.spawn(state.server.shutdown.clone());
    sweep::spawn(state.clone());
    let documents = grpc::Documents(state.clone());
    let routes = tonic::service::Routes::new(
        pb::document_service_server::DocumentServiceServer::new(documents.clone()),
    )
    .add_service(pb::gallery_service_server::GalleryServiceServer::new(
        documents.clone(),
    ))
    .add_service(pb::share_link_service_server::ShareLinkServiceServer::new(
        documents.clone(),
    ))
    .add_service(
        pb::customer_document_service_server::CustomerDocumentServiceServer::new(documents.clone()),
    )
    .add_service(
        pb::customer_gallery_service_server::CustomerGalleryServiceServer::new(documents.clone()),
    )
    .add_service(pb::guest_item_service_server::GuestItemServiceServer::new(
        documents.clone(),
    ))
    .add_service(pb::file_service_server::FileServiceServer::new(
        documents.clone(),
    ))
    .add_service(pb::logo_service_server::LogoServiceServer::new(
        documents.clone(),
    ))
    .add_service(pb::erasure_service_server::ErasureServiceServer::new(
        documents,
    ));
    atrium_common::grpc::serve(state.server.clone(), listener, routes).await
}
