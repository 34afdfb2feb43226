//! Clients of Atrium's services: the token and trace context on every call, and the
//! channel to a service in this process or over the network.

use std::time::Duration;

use anyhow::Context as _;
use opentelemetry::propagation::Injector;
use secrecy::{ExposeSecret, SecretString};
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};
use tonic::service::Interceptor;
use tonic::transport::{Channel, Endpoint};
use tonic::{Request, Status};
use tracing_opentelemetry::OpenTelemetrySpanExt;

use crate::config::{ServiceName, Settings};
use crate::in_process::Transport;

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

/// Returns a lazily connecting channel to `url` with a connect deadline; each call's
/// own deadline is the transport's (see [`super::deadline`]).
pub fn channel(url: &str, token: &SecretString) -> anyhow::Result<ServiceChannel> {
    let endpoint = Endpoint::from_shared(url.to_owned())
        .with_context(|| format!("{url} is not a valid service URL"))?
        .connect_timeout(Duration::from_secs(2))
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
    use crate::grpc::gate::HeaderExtractor;

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
}
