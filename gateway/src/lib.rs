//! The gateway: the only HTTP surface. It authenticates callers, applies rate limits,
//! translates JSON to gRPC calls on the services, and maps their answers back to HTTP.

pub mod api;
mod clients;
mod extract;
mod middleware;
pub mod openapi;
mod pages;
mod routes;
mod server;

use std::sync::Arc;

use anyhow::Context;
use atrium_common::clock::Clock;
use atrium_common::config::Settings;
use atrium_common::limits::LimitStore;
use atrium_common::shutdown::Shutdown;
use axum::Router;
use tokio::net::TcpListener;

pub use clients::Clients;
pub use routes::{Route, Security, routes};

/// Everything a request handler may need, cheap to clone.
#[derive(Clone)]
pub struct GatewayState(Arc<Inner>);

pub struct Inner {
    pub settings: Settings,
    pub clients: Clients,
    pub limits: LimitStore,
    pub clock: Clock,
    pub shutdown: Shutdown,
}

impl std::ops::Deref for GatewayState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl GatewayState {
    /// Builds the service clients (connecting lazily) and the limit store.
    pub async fn open(
        settings: &Settings,
        clock: Clock,
        shutdown: Shutdown,
    ) -> anyhow::Result<GatewayState> {
        let limits = LimitStore::connect(settings.redis_url.as_ref(), clock.clone()).await?;
        GatewayState::with_limits(settings, clock, shutdown, limits)
    }

    /// Like [`GatewayState::open`] with a given limit store (tests pass one with a random prefix).
    pub fn with_limits(
        settings: &Settings,
        clock: Clock,
        shutdown: Shutdown,
        limits: LimitStore,
    ) -> anyhow::Result<GatewayState> {
        let clients = Clients::new(settings).context("building service clients")?;
        Ok(GatewayState(Arc::new(Inner {
            settings: settings.clone(),
            clients,
            limits,
            clock,
            shutdown,
        })))
    }
}

/// Returns the whole HTTP application.
pub fn router(state: GatewayState) -> Router {
    routes::build_router(state)
}

/// Serves HTTP on `listener` until shutdown, then drains in-flight requests; slow and
/// idle clients are closed and open connections capped as the settings say.
pub async fn serve(state: GatewayState, listener: TcpListener) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    let shutdown = state.shutdown.clone();
    let limits = state.settings.http;
    let app = router(state);
    tracing::info!(%addr, max_connections = limits.max_connections, "gateway listening on http://{addr}");
    server::serve(listener, app, limits, shutdown)
        .await
        .with_context(|| format!("serving HTTP on {addr}"))
}
