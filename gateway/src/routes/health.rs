//! Liveness, readiness and the API document.

use atrium_common::grpc::is_serving;
use atrium_common::limits::StoreHealth;
use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Route, Security, object, string};
use crate::GatewayState;

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            method: Method::GET,
            path: "/healthz",
            summary: "The process is up",
            security: Security::Public,
            request: None,
            response: (200, object(&[("status", string())], &["status"])),
            errors: &[],
            handler: get(healthz),
        },
        Route {
            method: Method::GET,
            path: "/readyz",
            summary: "Every service is SERVING and every database answers (503 otherwise); a configured Redis that is down reports `degraded`",
            security: Security::Public,
            request: None,
            response: (
                200,
                object(
                    &[("status", string()), ("checks", json!({"type": "object"}))],
                    &["status", "checks"],
                ),
            ),
            errors: &["UNAVAILABLE"],
            handler: get(readyz),
        },
        Route {
            method: Method::GET,
            path: "/api/openapi.json",
            summary: "This document",
            security: Security::Public,
            request: None,
            response: (200, json!({ "type": "object" })),
            errors: &[],
            handler: get(openapi),
        },
    ]
}

async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
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
    let mut checks: serde_json::Map<String, Value> = services
        .into_iter()
        .map(|(name, ok)| (name.to_owned(), Value::from(if ok { "up" } else { "down" })))
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
    (
        status,
        Json(json!({ "status": if ready { "ready" } else { "unavailable" }, "checks": checks })),
    )
}

async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}
