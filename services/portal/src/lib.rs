//! The portal service: projects and galleries with their phases, and who sees them.
//! The organization's portal settings, per-customer permissions, the customer's
//! dashboard (with the billing snapshot billing keeps here) and guest galleries.

mod approvals;
mod assignment;
mod audit;
mod billing;
mod comments;
mod customer_projects;
mod dashboard;
mod digest;
mod erasure;
mod error;
mod grpc;
mod guest;
mod permissions;
mod project;
mod requests;
pub mod seed;
mod settings;
#[cfg(test)]
mod store_contract;
mod team;
mod validate;

use atrium_common::clock::Clock;
use atrium_common::config::{ServiceName, Settings};
use atrium_common::db::{Db, report_filled};
use atrium_common::grpc::{ServerContext, ServiceChannel, connect};
use atrium_common::outbox::{Receivers, Relay};
use atrium_common::shutdown::Shutdown;
use atrium_proto::documents::v1::file_service_client::FileServiceClient;
use atrium_proto::documents::v1::gallery_service_client::GalleryServiceClient;
use atrium_proto::identity::v1::customer_service_client::CustomerServiceClient;
use atrium_proto::identity::v1::staff_service_client::StaffServiceClient;
use atrium_proto::portal::v1 as pb;
use tokio::net::TcpListener;

atrium_common::migrations!(
    "0001_projects",
    "0002_settings",
    "0003_team",
    "0004_progress",
    "0005_assignment_order",
    "0006_project_search_text",
    "0007_settings_document"(sqlite),
    "0008_cover_item",
    "0009_billing_snapshot",
    "0010_requests",
    "0011_project_comments",
    "0012_approvals",
);

/// Everything the portal server needs.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub server: ServerContext,
    /// Identity, asked which customer ids are the organization's.
    pub identity: CustomerServiceClient<ServiceChannel>,
    /// Identity, asked which staff hold a permission (whom a request's news goes to).
    pub staff: StaffServiceClient<ServiceChannel>,
    /// The documents service, asked whether a cover photo is one of the project's.
    pub gallery: GalleryServiceClient<ServiceChannel>,
    /// The documents service, keeping the approvals' files.
    pub files: FileServiceClient<ServiceChannel>,
    /// Forwards the outbox rows the portal's changes write (digests, notifications, audit).
    pub relay: Relay,
    /// Where customers open the portal, for the links in mails.
    pub public_url: String,
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
        let filled = project::store::fill_search_text(&server.db).await?;
        report_filled(filled, "project search text");
        let identity = connect(settings, ServiceName::Identity)?;
        let documents = connect(settings, ServiceName::Documents)?;
        let relay = Relay::new(server.db.clone(), clock.clone(), Receivers::new(settings)?);
        Ok(AppState {
            db: server.db.clone(),
            server,
            clock,
            identity: CustomerServiceClient::new(identity.clone()),
            staff: StaffServiceClient::new(identity),
            gallery: GalleryServiceClient::new(documents.clone()),
            files: FileServiceClient::new(documents),
            relay,
            public_url: settings.public_url.clone(),
        })
    }
}

/// Serves this service's gRPC API on `listener` until the shutdown in `state` trips.
pub async fn serve(state: AppState, listener: TcpListener) -> anyhow::Result<()> {
    state.relay.spawn(state.server.shutdown.clone());
    let portal = grpc::Portal(state.clone());
    let routes = tonic::service::Routes::new(
        pb::project_service_server::ProjectServiceServer::new(portal.clone()),
    )
    .add_service(pb::assignment_service_server::AssignmentServiceServer::new(
        portal.clone(),
    ))
    .add_service(
        pb::customer_project_service_server::CustomerProjectServiceServer::new(portal.clone()),
    )
    .add_service(pb::settings_service_server::SettingsServiceServer::new(
        portal.clone(),
    ))
    .add_service(
        pb::customer_permission_service_server::CustomerPermissionServiceServer::new(
            portal.clone(),
        ),
    )
    .add_service(pb::dashboard_service_server::DashboardServiceServer::new(
        portal.clone(),
    ))
    .add_service(pb::guest_gallery_service_server::GuestGalleryServiceServer::new(portal.clone()))
    .add_service(pb::request_service_server::RequestServiceServer::new(
        portal.clone(),
    ))
    .add_service(
        pb::customer_request_service_server::CustomerRequestServiceServer::new(portal.clone()),
    )
    .add_service(
        pb::project_comment_service_server::ProjectCommentServiceServer::new(portal.clone()),
    )
    .add_service(pb::approval_service_server::ApprovalServiceServer::new(
        portal.clone(),
    ))
    .add_service(
        pb::customer_approval_service_server::CustomerApprovalServiceServer::new(portal.clone()),
    )
    .add_service(
        pb::billing_snapshot_service_server::BillingSnapshotServiceServer::new(portal.clone()),
    )
    .add_service(pb::erasure_service_server::ErasureServiceServer::new(
        portal,
    ));
    atrium_common::grpc::serve(state.server.clone(), listener, routes).await
}
