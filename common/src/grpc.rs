//! gRPC server and client assembly shared by every service: health, reflection, request
//! spans continuing the caller's W3C trace, deadlines, and the service-token gate that
//! admits `atrium.*` calls only from holders of `ATRIUM_SERVICE_TOKEN`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use anyhow::Context as _;
use opentelemetry::propagation::{Extractor, Injector};
use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpListener;
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};
use tonic::service::{Interceptor, Routes};
use tonic::transport::{Channel, Endpoint, Server};
use tonic::{Request, Status};
use tonic_health::ServingStatus;
use tower::{Layer, Service};
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use crate::auth::Principal;
use crate::config::{ServiceName, Settings};
use crate::db::Db;
use crate::in_process::{InProcessLink, Transport};
use crate::shutdown::Shutdown;
use crate::token::secrets_equal;

/// The longest any RPC may run on the server, whatever deadline the caller sent.
pub const SERVER_TIMEOUT: Duration = Duration::from_secs(30);
/// The deadline every client call carries unless it sets a shorter one.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// What every service's server needs besides its own routes.
#[derive(Clone)]
pub struct ServerContext {
    pub name: ServiceName,
    pub service_token: SecretString,
    pub db: Db,
    pub shutdown: Shutdown,
    /// The process's other parts, when they call this service directly.
    pub in_process: Option<InProcessLink>,
}

impl ServerContext {
    /// Opens the service's database (migrating it) and returns what its server runs with.
    pub async fn open(
        settings: &crate::config::Settings,
        name: ServiceName,
        migrations: &crate::db::Migrations,
        shutdown: Shutdown,
    ) -> anyhow::Result<ServerContext> {
        let db = Db::open(&settings.database, name, migrations).await?;
        Ok(ServerContext {
            name,
            service_token: settings.service_token.clone(),
            db,
            shutdown,
            in_process: settings.in_process.clone(),
        })
    }
}

/// Serves `routes` plus health and reflection on `listener` until shutdown, then drains;
/// in an all-in-one process it also answers the other parts' direct calls.
pub async fn serve(
    context: ServerContext,
    listener: TcpListener,
    routes: Routes,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    let (reporter, health_service) = tonic_health::server::health_reporter();
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(atrium_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .context("building the reflection service")?;
    let watcher = tokio::spawn(watch_health(
        context.name,
        context.db.clone(),
        reporter,
        context.shutdown.clone(),
    ));
    if let Some(in_process) = &context.in_process {
        in_process.register(context.name, routes.clone(), &context.service_token)?;
    }
    let routes = routes.add_service(health_service).add_service(reflection);
    tracing::info!(service = %context.name, %addr, "grpc listening");
    let shutdown = context.shutdown.clone();
    // Without TCP_NODELAY a reply written in several frames waits on the caller's delayed ACK.
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    let result = Server::builder()
        .timeout(SERVER_TIMEOUT)
        .layer(GateLayer {
            token: Arc::new(context.service_token),
            service: context.name,
        })
        .add_routes(routes)
        .serve_with_incoming_shutdown(incoming, async move { shutdown.wait().await })
        .await;
    watcher.abort();
    result.with_context(|| format!("serving {} on {addr}", context.name))
}

/// Reports SERVING while the database answers, NOT_SERVING while it does not. Its
/// pings are what mark the database down (queries then fail at once) and up again.
async fn watch_health(
    name: ServiceName,
    db: Db,
    reporter: tonic_health::server::HealthReporter,
    shutdown: Shutdown,
) {
    let mut last = None;
    loop {
        let status = match db.check().await {
            Ok(()) => {
                if last == Some(ServingStatus::NotServing) {
                    tracing::info!(service = %name, "database answers again");
                }
                ServingStatus::Serving
            }
            Err(err) => {
                if last != Some(ServingStatus::NotServing) {
                    tracing::warn!(service = %name, error = %err, "database does not answer: answering UNAVAILABLE until it does");
                }
                ServingStatus::NotServing
            }
        };
        if last != Some(status) {
            reporter.set_service_status("", status).await;
            for service in name.grpc_services() {
                reporter.set_service_status(*service, status).await;
            }
            last = Some(status);
        }
        let next = match status {
            ServingStatus::Serving => crate::db::UP_PROBE,
            _ => crate::db::DOWN_PROBE,
        };
        tokio::select! {
            _ = tokio::time::sleep(next) => {}
            _ = shutdown.wait() => {
                reporter.set_service_status("", ServingStatus::NotServing).await;
                return;
            }
        }
    }
}

/// Refuses `atrium.*` calls without the service token, reads the principal of those with
/// it and lets the call through only if [`crate::access`] says that principal may make
/// it, and wraps each call in a span that continues the caller's trace.
#[derive(Clone)]
struct GateLayer {
    token: Arc<SecretString>,
    service: ServiceName,
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

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, B> Service<http::Request<B>> for Gate<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
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
        Box::pin(async move { inner.call(request).await }.instrument(span))
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

struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

struct MetadataInjector<'a>(&'a mut MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(key), Ok(value)) = (
            MetadataKey::from_bytes(key.as_bytes()),
            MetadataValue::try_from(value),
        ) {
            self.0.insert(key, value);
        }
    }
}

/// Adds the service token and the current trace context to every outgoing call.
#[derive(Clone)]
pub struct Outgoing {
    authorization: MetadataValue<tonic::metadata::Ascii>,
}

impl Outgoing {
    pub fn new(token: &SecretString) -> anyhow::Result<Outgoing> {
        let authorization = MetadataValue::try_from(format!("Bearer {}", token.expose_secret()))
            .context("the service token must be printable ascii")?;
        Ok(Outgoing { authorization })
    }
}

impl Interceptor for Outgoing {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        request
            .metadata_mut()
            .insert("authorization", self.authorization.clone());
        let context = tracing::Span::current().context();
        opentelemetry::global::get_text_map_propagator(|propagator| {
            propagator.inject_context(&context, &mut MetadataInjector(request.metadata_mut()))
        });
        Ok(request)
    }
}

/// A channel to another service, with the service token and trace context on every call.
pub type ServiceChannel = tonic::service::interceptor::InterceptedService<Transport, Outgoing>;

/// A channel to `name`: a direct call when it runs in this process, else its configured URL.
pub fn connect(settings: &Settings, name: ServiceName) -> anyhow::Result<ServiceChannel> {
    match &settings.in_process {
        Some(services) => Ok(tonic::service::interceptor::InterceptedService::new(
            services.transport(name),
            Outgoing::new(&settings.service_token)?,
        )),
        None => channel(&settings.endpoint(name).url, &settings.service_token),
    }
}

/// Encodes a time for protobuf (`google.protobuf.Timestamp`).
pub fn timestamp(time: chrono::DateTime<chrono::Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: time.timestamp(),
        nanos: time.timestamp_subsec_nanos() as i32,
    }
}

/// The time a protobuf timestamp names, if it is in range.
pub fn from_timestamp(time: &prost_types::Timestamp) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(time.seconds, u32::try_from(time.nanos).ok()?)
}

/// Decodes a protobuf time as RFC 3339 UTC with `Z` and milliseconds, as the HTTP API writes it.
pub fn rfc3339(time: &prost_types::Timestamp) -> String {
    chrono::DateTime::from_timestamp(time.seconds, time.nanos.max(0) as u32)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Returns a lazily connecting channel to `url` with connect and call deadlines.
pub fn channel(url: &str, token: &SecretString) -> anyhow::Result<ServiceChannel> {
    let endpoint = Endpoint::from_shared(url.to_owned())
        .with_context(|| format!("{url} is not a valid service URL"))?
        .connect_timeout(Duration::from_secs(2))
        .timeout(CLIENT_TIMEOUT)
        .tcp_nodelay(true);
    Ok(tonic::service::interceptor::InterceptedService::new(
        Transport::Remote(endpoint.connect_lazy()),
        Outgoing::new(token)?,
    ))
}

/// Returns a plain channel (no token) for probes such as health checks.
pub fn probe_channel(url: &str) -> anyhow::Result<Channel> {
    Ok(Endpoint::from_shared(url.to_owned())
        .with_context(|| format!("{url} is not a valid service URL"))?
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(2))
        .connect_lazy())
}

/// Asks a service's `grpc.health.v1` whether `service` (empty: the whole server) is SERVING.
pub async fn is_serving(channel: Channel, service: &str) -> bool {
    let mut client = tonic_health::pb::health_client::HealthClient::new(channel);
    let request = tonic_health::pb::HealthCheckRequest {
        service: service.to_owned(),
    };
    matches!(
        client.check(request).await,
        Ok(response) if response.get_ref().status == tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    )
}

#[cfg(test)]
mod tests {
    use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
    use opentelemetry_sdk::propagation::TraceContextPropagator;
    use tracing_subscriber::layer::SubscriberExt;

    use super::*;

    #[test]
    fn outgoing_calls_carry_the_token_and_the_current_trace_to_the_server_side() {
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
        let subscriber = tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("gateway.request");
            let _entered = span.enter();
            let trace_id = span.context().span().span_context().trace_id();

            let mut outgoing = Outgoing::new(&SecretString::from("token")).unwrap();
            let request = outgoing.call(Request::new(())).unwrap();
            let headers = request.metadata().clone().into_headers();
            let parent = opentelemetry::global::get_text_map_propagator(|p| {
                p.extract(&HeaderExtractor(&headers))
            });

            assert_eq!(headers["authorization"], "Bearer token");
            assert!(headers.contains_key("traceparent"));
            assert_eq!(parent.span().span_context().trace_id(), trace_id);
        });
    }

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
