//! The billing service: invoices, quotes, payments and the ledger. For now it serves health, reflection and an empty API on its own database.

use atrium_common::grpc::ServerContext;
use atrium_proto::billing::v1 as pb;
use tokio::net::TcpListener;

atrium_common::migrations!();

/// The gRPC API, empty until its issue lands: calls answer UNIMPLEMENTED to holders of
/// the service token and UNAUTHENTICATED to everyone else.
struct Billing;

impl pb::invoice_service_server::InvoiceService for Billing {}

impl pb::quote_service_server::QuoteService for Billing {}

impl pb::ledger_service_server::LedgerService for Billing {}

/// Serves this service's gRPC API on `listener` until the shutdown in `server` trips.
pub async fn serve(server: ServerContext, listener: TcpListener) -> anyhow::Result<()> {
    let routes = tonic::service::Routes::new(
        pb::invoice_service_server::InvoiceServiceServer::new(Billing),
    )
    .add_service(pb::quote_service_server::QuoteServiceServer::new(Billing))
    .add_service(pb::ledger_service_server::LedgerServiceServer::new(Billing));
    atrium_common::grpc::serve(server, listener, routes).await
}
