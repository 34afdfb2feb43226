//! The notifier service: the durable email outbox with its SMTP delivery workers and the
//! email templates with their per-organization overrides, and in-app notifications.

pub mod branding;
mod delivery;
mod email;
pub use delivery::Wake;
mod erasure;
mod error;
mod grpc;
mod notifications;
mod outbox;
mod store;
#[cfg(test)]
mod store_contract;
mod template_admin;
pub mod templates;

use atrium_common::clock::Clock;
use atrium_common::config::{ServiceName, Settings};
use atrium_common::db::{Db, report_filled};
use atrium_common::grpc::{ServerContext, connect};
use atrium_common::shutdown::Shutdown;
use atrium_proto::notifier::v1 as pb;
use atrium_proto::portal::v1::settings_service_client::SettingsServiceClient;
use tokio::net::TcpListener;

pub use delivery::{MAX_ATTEMPTS, Mailer, deliver_next};
pub use error::NotifierError;

atrium_common::migrations!(
    "0001_init",
    "0002_notification",
    "0003_recipient_folded",
    "0004_notification_params"
);

/// How many messages one notifier process delivers at once, each over its own pooled SMTP
/// connection. SMTP is round-trip bound (lettre writes the end-of-data mark apart from
/// the body, so each message also waits on the server's delayed ACK, about 40 ms on
/// Linux); concurrent connections hide that latency.
pub const DELIVERY_WORKERS: usize = 32;

/// Everything the notifier server needs.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub server: ServerContext,
    pub mailer: Mailer,
    /// Wakes an idle delivery worker when a message is queued.
    pub wake: delivery::Wake,
    pub workers: usize,
    /// Where each mail's branding is read when it is rendered (the portal's settings).
    pub branding: branding::BrandingSource,
}

impl AppState {
    /// Opens the notifier's database (migrating it) and its SMTP transport.
    pub async fn open(
        settings: &Settings,
        clock: Clock,
        shutdown: Shutdown,
    ) -> anyhow::Result<AppState> {
        let server =
            ServerContext::open(settings, ServiceName::Notifier, &MIGRATIONS, shutdown).await?;
        let filled = store::fill_recipient_folded(&server.db).await?;
        report_filled(filled, "folded recipient");
        let mailer = Mailer::new(settings.smtp_url.as_ref(), &settings.mail_from)?;
        if mailer.is_configured() {
            let requeued = store::requeue_held(&server.db, clock.now()).await?;
            if requeued > 0 {
                tracing::info!(
                    requeued,
                    "SMTP is configured now: held emails queued for delivery"
                );
            }
        } else {
            tracing::info!(
                "no SMTP configured (ATRIUM_SMTP_URL): emails stay in the outbox and their text and links are written to this log"
            );
        }
        Ok(AppState {
            db: server.db.clone(),
            server,
            clock,
            mailer,
            wake: delivery::Wake::default(),
            workers: DELIVERY_WORKERS,
            branding: Some(SettingsServiceClient::new(connect(
                settings,
                ServiceName::Portal,
            )?)),
        })
    }
}

/// Starts the delivery workers and serves the notifier's gRPC API until shutdown.
pub async fn serve(state: AppState, listener: TcpListener) -> anyhow::Result<()> {
    let dispatcher = delivery::spawn_workers(&state, state.workers);
    let routes = tonic::service::Routes::new(pb::email_service_server::EmailServiceServer::new(
        grpc::Notifier(state.clone()),
    ))
    .add_service(
        pb::notification_service_server::NotificationServiceServer::new(grpc::Notifier(
            state.clone(),
        )),
    )
    .add_service(pb::erasure_service_server::ErasureServiceServer::new(
        grpc::Notifier(state.clone()),
    ))
    .add_service(pb::template_service_server::TemplateServiceServer::new(
        grpc::Notifier(state.clone()),
    ));
    let served = atrium_common::grpc::serve(state.server.clone(), listener, routes).await;
    // Stopped for shutdown: the mails being sent finish before the notifier stops.
    if served.is_ok()
        && let Some(dispatcher) = dispatcher
    {
        let _ = dispatcher.await;
    }
    served
}
