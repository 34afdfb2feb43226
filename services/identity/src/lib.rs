//! The identity service: organizations (tenants), staff and their sessions, customers with
//! their invitations and sessions.

mod audit;
mod credentials;
mod customer;
mod error;
mod grpc;
mod jwt;
mod mail;
mod organization;
pub mod seed;
mod session_cache;
mod staff;
#[cfg(test)]
mod store_contract;
mod validate;

use std::time::Duration;

use atrium_common::clock::Clock;
use atrium_common::config::{ServiceName, Settings};
use atrium_common::db::{Db, report_filled};
use atrium_common::grpc::ServerContext;
use atrium_common::limits::LimitStore;
use atrium_common::outbox::{Receivers, Relay};
use atrium_common::shutdown::Shutdown;
use atrium_proto::identity::v1 as pb;
use secrecy::SecretString;
use tokio::net::TcpListener;

pub use error::IdentityError;
pub use organization::{NewOrganization, Onboarded, create_organization};
use session_cache::SessionCache;

atrium_common::migrations!(
    "0001_init",
    "0002_outbox",
    "0003_customer",
    "0004_staff_audit",
    "0005_account_manager",
    "0006_session_cache_generation"(sqlite),
    "0007_customer_search_text",
    "0008_one_time_token"(sqlite),
    "0009_staff_locale",
    "0010_customer_no_account"(sqlite),
);

/// Staff access tokens live 900 s; the session behind them lives longer.
pub const ACCESS_TOKEN_TTL: Duration = Duration::from_secs(900);
pub const STAFF_SESSION_IDLE: Duration = Duration::from_secs(8 * 3600);
pub const STAFF_SESSION_ABSOLUTE: Duration = Duration::from_secs(7 * 24 * 3600);

/// Everything the identity server needs.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub jwt_secret: SecretString,
    pub server: ServerContext,
    /// The public base URL emailed links start with (never a request's Host).
    pub public_url: String,
    pub customer_session_idle: Duration,
    pub customer_session_absolute: Duration,
    /// Forwards the outbox rows identity's actions write (invitation and reset mail).
    pub relay: Relay,
    /// The customer session check's cache in the Redis/in-process store.
    pub sessions: SessionCache,
}

impl AppState {
    /// Opens identity's database (migrating it) for the given settings, with the session
    /// store given (the one process's store) or else the one the settings name.
    pub async fn open(
        settings: &Settings,
        clock: Clock,
        shutdown: Shutdown,
        store: Option<LimitStore>,
    ) -> anyhow::Result<AppState> {
        let store = match store {
            Some(store) => store,
            None => LimitStore::connect(settings.redis_url.as_ref(), clock.clone()).await?,
        };
        let server =
            ServerContext::open(settings, ServiceName::Identity, &MIGRATIONS, shutdown).await?;
        let filled = customer::store::fill_search_text(&server.db).await?;
        report_filled(filled, "customer search text");
        // Computed now, so the first unknown-account login is not the slow one.
        atrium_common::password::dummy_hash().await;
        let relay = Relay::new(server.db.clone(), clock.clone(), Receivers::new(settings)?);
        Ok(AppState {
            db: server.db.clone(),
            relay,
            sessions: SessionCache::new(store, server.db.clone(), settings.session_idle),
            server,
            public_url: settings.public_url.clone(),
            customer_session_idle: settings.session_idle,
            customer_session_absolute: settings.session_absolute,
            clock,
            jwt_secret: settings.jwt_secret.clone(),
        })
    }
}

/// Serves identity's gRPC API on `listener` until the shutdown in `state` trips.
pub async fn serve(state: AppState, listener: TcpListener) -> anyhow::Result<()> {
    state.relay.spawn(state.server.shutdown.clone());
    state
        .sessions
        .spawn_keeper(state.clock.clone(), state.server.shutdown.clone());
    let routes = tonic::service::Routes::new(
        pb::organization_service_server::OrganizationServiceServer::new(grpc::Identity(
            state.clone(),
        )),
    )
    .add_service(pb::staff_auth_service_server::StaffAuthServiceServer::new(
        grpc::Identity(state.clone()),
    ))
    .add_service(pb::staff_service_server::StaffServiceServer::new(
        grpc::Identity(state.clone()),
    ))
    .add_service(
        pb::customer_auth_service_server::CustomerAuthServiceServer::new(grpc::Identity(
            state.clone(),
        )),
    )
    .add_service(pb::customer_service_server::CustomerServiceServer::new(
        grpc::Identity(state.clone()),
    ))
    .add_service(pb::audit_service_server::AuditServiceServer::new(
        grpc::Identity(state.clone()),
    ));
    atrium_common::grpc::serve(state.server.clone(), listener, routes).await
}
