//! The billing service: money and its arithmetic; invoices, credit notes, quotes and
//! orders with gap-free numbers; payments with their allocations and refunds; and the
//! append-only customer ledger with balances kept beside it; their PDFs, and sending
//! them by share link.

pub mod access;
mod booking;
pub mod credit_note;
pub mod customers;
pub mod erasure;
pub mod error;
mod grpc;
pub mod idempotency;
pub mod invoice;
pub mod ledger;
#[cfg(test)]
mod ledger_property;
pub mod lines;
mod logo;
pub mod money;
pub mod notices;
pub mod numbers;
pub mod order;
pub mod payment;
pub mod pdf;
pub mod quote;
pub mod seed;
pub mod send;
pub mod settings;
#[cfg(test)]
mod store_contract;
pub mod summary;

use atrium_common::clock::Clock;
use atrium_common::config::{ServiceName, Settings};
use atrium_common::db::Db;
use atrium_common::grpc::{ServerContext, ServiceChannel, connect};
use atrium_common::outbox::{Receivers, Relay};
use atrium_common::shutdown::Shutdown;
use atrium_proto::billing::v1 as pb;
use atrium_proto::documents::v1::share_link_service_client::ShareLinkServiceClient;
use atrium_proto::identity::v1::customer_service_client::CustomerServiceClient;
use atrium_proto::identity::v1::staff_service_client::StaffServiceClient;
use atrium_proto::portal::v1::customer_permission_service_client::CustomerPermissionServiceClient;
use atrium_proto::portal::v1::settings_service_client::SettingsServiceClient;
use tokio::net::TcpListener;

atrium_common::migrations!(
    "0001_billing",
    "0002_ledger_append_only"(sqlite),
    "0003_outbox",
    "0004_adjustments",
    "0005_payments",
    "0006_quotes_orders",
    "0007_ledger_order",
    "0008_billing_snapshot",
    "0009_sent",
);

/// Everything the billing server needs.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub server: ServerContext,
    /// Identity, asked as the staff member about the customer a document is for.
    pub customers: CustomerServiceClient<ServiceChannel>,
    /// Identity, asked who holds billing.manage (to tell them of decisions and payments).
    pub staff: StaffServiceClient<ServiceChannel>,
    /// The portal, asked on each customer call whether billing is theirs to see.
    pub access: CustomerPermissionServiceClient<ServiceChannel>,
    /// The portal, asked for the organization's branding before a mail is written.
    pub branding: SettingsServiceClient<ServiceChannel>,
    /// Where the portal is, for links in mails.
    pub public_url: String,
    /// Forwards the outbox: mails and in-app notices.
    pub relay: Relay,
    /// The organization's logo for its PDFs, kept while its digest stays the same.
    pub logos: logo::Logos,
    /// The documents service's share links: made for each send, checked for each link
    /// holder's call.
    pub links: ShareLinkServiceClient<ServiceChannel>,
}

impl AppState {
    /// Opens this service's database (migrating it) and its clients.
    pub async fn open(
        settings: &Settings,
        clock: Clock,
        shutdown: Shutdown,
    ) -> anyhow::Result<AppState> {
        let server =
            ServerContext::open(settings, ServiceName::Billing, &MIGRATIONS, shutdown).await?;
        let identity = connect(settings, ServiceName::Identity)?;
        let portal = connect(settings, ServiceName::Portal)?;
        let documents = connect(settings, ServiceName::Documents)?;
        let relay = Relay::new(server.db.clone(), clock.clone(), Receivers::new(settings)?);
        Ok(AppState {
            db: server.db.clone(),
            server,
            clock,
            customers: CustomerServiceClient::new(identity.clone()),
            staff: StaffServiceClient::new(identity),
            access: CustomerPermissionServiceClient::new(portal.clone()),
            branding: SettingsServiceClient::new(portal),
            public_url: settings.public_url.trim_end_matches('/').to_owned(),
            relay,
            logos: logo::Logos::new(documents.clone()),
            links: ShareLinkServiceClient::new(documents),
        })
    }
}

/// Serves this service's gRPC API on `listener` until the shutdown in `state` trips.
pub async fn serve(state: AppState, listener: TcpListener) -> anyhow::Result<()> {
    state.relay.spawn(state.server.shutdown.clone());
    let billing = grpc::Billing(state.clone());
    let routes = tonic::service::Routes::new(
        pb::invoice_service_server::InvoiceServiceServer::new(billing.clone()),
    )
    .add_service(pb::quote_service_server::QuoteServiceServer::new(
        billing.clone(),
    ))
    .add_service(
        pb::customer_quote_service_server::CustomerQuoteServiceServer::new(billing.clone()),
    )
    .add_service(pb::order_service_server::OrderServiceServer::new(
        billing.clone(),
    ))
    .add_service(
        pb::customer_order_service_server::CustomerOrderServiceServer::new(billing.clone()),
    )
    .add_service(
        pb::customer_invoice_service_server::CustomerInvoiceServiceServer::new(billing.clone()),
    )
    .add_service(
        pb::customer_ledger_service_server::CustomerLedgerServiceServer::new(billing.clone()),
    )
    .add_service(pb::sending_service_server::SendingServiceServer::new(
        billing.clone(),
    ))
    .add_service(
        pb::billing_settings_service_server::BillingSettingsServiceServer::new(billing.clone()),
    )
    .add_service(pb::credit_note_service_server::CreditNoteServiceServer::new(billing.clone()))
    .add_service(
        pb::customer_credit_note_service_server::CustomerCreditNoteServiceServer::new(
            billing.clone(),
        ),
    )
    .add_service(pb::payment_service_server::PaymentServiceServer::new(
        billing.clone(),
    ))
    .add_service(
        pb::customer_payment_service_server::CustomerPaymentServiceServer::new(billing.clone()),
    )
    .add_service(pb::erasure_service_server::ErasureServiceServer::new(
        billing.clone(),
    ))
    .add_service(pb::pdf_service_server::PdfServiceServer::new(
        billing.clone(),
    ))
    .add_service(pb::customer_pdf_service_server::CustomerPdfServiceServer::new(billing.clone()))
    .add_service(pb::ledger_service_server::LedgerServiceServer::new(billing));
    atrium_common::grpc::serve(state.server.clone(), listener, routes).await
}
