//! Liveness, readiness and the API document.

use atrium_common::grpc::is_serving;
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
            summary: "Every service is SERVING and every database and configured Redis answers (503 otherwise)",
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

/// Asks every service's gRPC health (which tracks its database) and pings Redis.
async fn readyz(State(state): State<GatewayState>) -> impl IntoResponse {
    let services = state.clients.probes.iter().map(|(name, channel)| {
        let channel = channel.clone();
        async move { (name.as_str(), is_serving(channel, "").await) }
    });
    let mut checks: Vec<(&str, bool)> = futures_util::future::join_all(services).await;
    if state.limits.is_redis() {
        checks.push(("redis", state.limits.ping().await.is_ok()));
    }
    let ready = !state.shutdown.is_triggered() && checks.iter().all(|(_, ok)| *ok);
    let checks: serde_json::Map<String, Value> = checks
        .into_iter()
        .map(|(name, ok)| (name.to_owned(), Value::from(if ok { "up" } else { "down" })))
        .collect();
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
