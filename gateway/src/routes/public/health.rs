//! Liveness, readiness and the API document.

use std::collections::BTreeMap;

use atrium_common::grpc::is_serving;
use atrium_common::limits::StoreHealth;
use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;

use crate::GatewayState;
use crate::routes::Route;

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/healthz", "The process is up", get(healthz))
            .answers::<Status>(200).local(),
        Route::get("/readyz", "Every service is SERVING and every database answers (503 otherwise); a configured \
             Redis that is down reports `degraded`", get(readyz))
            .answers::<Readiness>(200).also_answers::<Readiness>(503).local(),
        Route::get("/api/openapi.json", "This document", get(openapi))
            .answers::<serde_json::Value>(200).local(),
    ]
}

#[derive(Serialize, JsonSchema)]
struct Status {
    status: String,
}

async fn healthz() -> Json<Status> {
    Json(Status {
        status: "ok".into(),
    })
}

/// What `/readyz` found, 200 or 503 alike.
#[derive(Serialize, JsonSchema)]
pub struct Readiness {
    #[schemars(extend("enum" = ["ready", "unavailable"]))]
    status: String,
    /// Each service: `up` or `down`; Redis, when configured: `up` or `degraded`.
    checks: BTreeMap<String, String>,
}

/// Asks every service's gRPC health (which tracks its database) and reads the Redis
/// breaker. A service or database that is down makes the process unready; Redis down
/// only degrades it (limits count in the process, sessions are checked in the database).
async fn readyz(State(state): State<GatewayState>) -> impl IntoResponse {
    let services = state.clients.probes.iter().map(|(name, channel)| {
        let channel = channel.clone();
        async move { (name.as_str(), is_serving(channel, "").await) }
    });
    let services: Vec<(&str, bool)> = futures_util::future::join_all(services).await;
    let ready = !state.shutdown.is_triggered() && services.iter().all(|(_, ok)| *ok);
    let mut checks: BTreeMap<String, String> = services
        .into_iter()
        .map(|(name, ok)| (name.to_owned(), if ok { "up" } else { "down" }.to_owned()))
        .collect();
    match state.limits.health() {
        StoreHealth::InProcess => {}
        StoreHealth::Up => {
            checks.insert("redis".into(), "up".into());
        }
        StoreHealth::Degraded => {
            checks.insert("redis".into(), "degraded".into());
        }
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let answer = Readiness {
        status: if ready { "ready" } else { "unavailable" }.into(),
        checks,
    };
    (status, Json(answer))
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}
