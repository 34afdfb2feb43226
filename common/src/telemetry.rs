//! Logging and tracing: `tracing` with pretty (local) or JSON (deploy) output, filtered by
//! `RUST_LOG`, plus an OpenTelemetry OTLP exporter when the standard
//! `OTEL_EXPORTER_OTLP_ENDPOINT` is set. The W3C trace-context propagator is installed
//! either way, so trace ids travel gateway → service over gRPC metadata.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_http=warn,h2=warn,hyper=warn";

/// Flushes pending spans when dropped at the end of `main`.
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(err) = provider.shutdown()
        {
            eprintln!("flushing traces failed: {err}");
        }
    }
}

/// Installs the global subscriber for a process named `service_name`.
pub fn init(service_name: &str, json: bool) -> anyhow::Result<TelemetryGuard> {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let provider = otlp_provider(service_name)?;
    let otel_layer = provider
        .as_ref()
        .map(|provider| tracing_opentelemetry::layer().with_tracer(provider.tracer("atrium")));
    let registry = tracing_subscriber::registry().with(filter).with(otel_layer);
    if json {
        registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(false),
            )
            .try_init()?;
    } else {
        registry
            .with(tracing_subscriber::fmt::layer().compact())
            .try_init()?;
    }
    if provider.is_some() {
        tracing::info!("exporting traces over OTLP");
    }
    Ok(TelemetryGuard { provider })
}

fn otlp_provider(service_name: &str) -> anyhow::Result<Option<SdkTracerProvider>> {
    let configured = [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    ]
    .iter()
    .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
    if !configured {
        return Ok(None);
    }
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .build()?;
    let mut resource = opentelemetry_sdk::Resource::builder();
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name(format!("atrium-{service_name}"));
    }
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource.build())
        .build();
    Ok(Some(provider))
}
