//! The billing service: invoices, quotes, payments and the ledger. For now it serves health, reflection and an empty API on its own database.

use atrium_common::clock::Clock;
use atrium_common::config::{ServiceName, Settings};
use atrium_common::db::Db;
use atrium_common::grpc::ServerContext;
use atrium_common::shutdown::Shutdown;
use atrium_proto::billing::v1 as pb;
use tokio::net::TcpListener;

atrium_common::migrations!();

/// Everything the billing server needs.
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
            ServerContext::open(settings, ServiceName::Billing, &MIGRATIONS, shutdown).await?;
        Ok(AppState {
            db: server.db.clone(),
            server,
            clock,
        })
    }
}

/// The gRPC API, empty until its issue lands: calls answer UNIMPLEMENTED to holders of
/// the service token and UNAUTHENTICATED to everyone else.
struct Billing;

impl pb::invoice_service_server::InvoiceService for Billing {}

impl pb::quote_service_server::QuoteService for Billing {}

impl pb::ledger_service_server::LedgerService for Billing {}

/// Serves this service's gRPC API on `listener` until the shutdown in `state` trips.
pub async fn serve(state: AppState, listener: TcpListener) -> anyhow::Result<()> {
    let routes = tonic::service::Routes::new(
        pb::invoice_service_server::InvoiceServiceServer::new(Billing),
    )
    .add_service(pb::quote_service_server::QuoteServiceServer::new(Billing))
    .add_service(pb::ledger_service_server::LedgerServiceServer::new(Billing));
    atrium_common::grpc::serve(state.server.clone(), listener, routes).await
}
