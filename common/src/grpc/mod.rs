//! gRPC server and client assembly shared by every service: health, reflection, request
//! spans continuing the caller's W3C trace, deadlines, and the service-token gate that
//! admits `atrium.*` calls only from holders of `ATRIUM_SERVICE_TOKEN`.

mod client;
mod deadline;
mod gate;
mod server;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use client::{Outgoing, ServiceChannel, channel, connect, is_serving, probe_channel};
pub use deadline::STREAM_IDLE_TIMEOUT;
pub(crate) use deadline::bounded;
pub(crate) use gate::gate;
pub use server::{ServerContext, serve};

/// The longest a unary RPC may run on the server (a streaming one has an idle timeout).
pub const SERVER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a client waits for the answer to a unary call.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// What an RPC handler answers: the response message, or the status it failed with.
pub type Rpc<T> = Result<tonic::Response<T>, tonic::Status>;

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

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
