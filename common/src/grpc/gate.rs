//! The service-token gate in front of every service: who is calling, whether they may
//! make this call, and the span each call runs in.

use std::sync::Arc;
use std::task::{Context, Poll};

use opentelemetry::propagation::Extractor;
use secrecy::{ExposeSecret, SecretString};
use tonic::Status;
use tonic::service::Routes;
use tower::{Layer, Service};
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use crate::auth::Principal;
use crate::config::ServiceName;
use crate::token::secrets_equal;

use super::{BoxFuture, SERVER_TIMEOUT, STREAM_IDLE_TIMEOUT, bounded};
use tonic::body::Body;

/// Refuses `atrium.*` calls without the service token, reads the principal of those with
/// it and lets the call through only if [`crate::access`] says that principal may make
/// it, and wraps each call in a span that continues the caller's trace.
#[derive(Clone)]
pub(super) struct GateLayer {
    pub(super) token: Arc<SecretString>,
    pub(super) service: ServiceName,
}

impl<S> Layer<S> for GateLayer {
    type Service = Gate<S>;

    fn layer(&self, inner: S) -> Gate<S> {
        Gate {
            inner,
            token: self.token.clone(),
            service: self.service,
        }
    }
}

#[derive(Clone)]
pub(crate) struct Gate<S> {
    inner: S,
    token: Arc<SecretString>,
    service: ServiceName,
}

impl<S> Service<http::Request<Body>> for Gate<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<Body>) -> Self::Future {
        // Only the headers speak for the caller: a direct call in one process carries the
        // caller's own request extensions along, and none of them may stand as a principal.
        request.extensions_mut().remove::<Principal>();
        let parent = opentelemetry::global::get_text_map_propagator(|propagator| {
            propagator.extract(&HeaderExtractor(request.headers()))
        });
        let span = tracing::info_span!(
            "grpc.request",
            service = %self.service,
            rpc = %request.uri().path(),
            grpc.code = tracing::field::Empty,
        );
        let _ = span.set_parent(parent);
        if request.uri().path().starts_with("/atrium.") {
            if !bearer_matches(request.headers(), &self.token) {
                return reject(Status::unauthenticated("a valid service token is required"));
            }
            let principal = match Principal::read_from(request.headers()) {
                Ok(principal) => principal,
                Err(status) => return reject(status),
            };
            // Who may make this call, checked before any handler looks anything up.
            let Some(rpc) = crate::access::of(request.uri().path()) else {
                return reject(Status::unimplemented("no such call"));
            };
            if let Err(status) = crate::access::check(rpc.access, principal.as_ref()) {
                return reject(status);
            }
            if let Some(principal) = principal {
                request.extensions_mut().insert(principal);
            }
        }
        // The clone that was polled ready is the one that must take the call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(
            bounded(
                request,
                SERVER_TIMEOUT,
                STREAM_IDLE_TIMEOUT,
                move |request| inner.call(request),
            )
            .instrument(span),
        )
    }
}

/// `routes` behind the gate, as the in-process transport calls them.
pub(crate) fn gate(routes: Routes, token: &SecretString, service: ServiceName) -> Gate<Routes> {
    GateLayer {
        token: Arc::new(token.clone()),
        service,
    }
    .layer(routes)
}

fn reject<E: Send + 'static>(
    status: Status,
) -> BoxFuture<Result<http::Response<tonic::body::Body>, E>> {
    Box::pin(std::future::ready(Ok(status.into_http())))
}

fn bearer_matches(headers: &http::HeaderMap, token: &SecretString) -> bool {
    let Some(value) = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some(given) = value.strip_prefix("Bearer ") else {
        return false;
    };
    secrets_equal(given, token.expose_secret())
}

pub(super) struct HeaderExtractor<'a>(pub(super) &'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_passes_the_gate() {
        let token = SecretString::from("s3cret");
        let with = |value: &str| {
            let mut headers = http::HeaderMap::new();
            headers.insert(http::header::AUTHORIZATION, value.parse().unwrap());
            bearer_matches(&headers, &token)
        };
        assert!(with("Bearer s3cret"));
        assert!(!with("Bearer s3cre"));
        assert!(!with("s3cret"));
        assert!(!bearer_matches(&http::HeaderMap::new(), &token));
    }
}
