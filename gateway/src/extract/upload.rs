//! A streamed `multipart/form-data` upload (`design/documents.md`, Uploads over HTTP):
//! the text parts before `file` become the route's fields, and the `file` part's bytes
//! are handed on as they arrive, in chunks of at most 256 KiB. Nothing holds the whole
//! file; the service counts and refuses an oversized one, nothing kept.
//!
//! A client-streaming RPC cannot be told "the upload failed" by its message stream:
//! ending the stream would store a cut-off file. So a failed body (a text part after
//! `file`, a broken multipart, a dropped connection) parks the stream and reports the
//! error through [`Failed`], and the handler drops the call, which resets it: the
//! service sees an error and deletes what it had written.

use atrium_common::error::ApiError;
use axum::extract::{FromRequest, Request};
use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, BoxStream, Stream, StreamExt};
use http::StatusCode;
use serde::de::DeserializeOwned;
use tokio::sync::oneshot;

use crate::GatewayState;

/// The largest piece of a file one message carries.
pub const CHUNK_BYTES: usize = 256 * 1024;
/// The largest text part.
const FIELD_BYTES: u64 = 64 * 1024;
/// What a multipart body may add around its file (boundaries, part headers, fields).
const ENVELOPE_BYTES: u64 = 1024 * 1024;

/// An upload: its fields (`T`, from the text parts), the file's name as the client gave
/// it, and its bytes as they arrive.
pub struct Upload<T> {
    pub fields: T,
    pub file_name: String,
    chunks: BoxStream<'static, Result<Bytes, ApiError>>,
}

/// Resolves with the error when the upload's body failed; never, when it did not.
pub struct Failed(oneshot::Receiver<ApiError>);

impl Failed {
    pub async fn error(self) -> ApiError {
        match self.0.await {
            Ok(err) => err,
            Err(_) => std::future::pending().await,
        }
    }
}

fn invalid_file(problem: &str) -> ApiError {
    ApiError::invalid_field("file", problem)
}

fn too_large(max: u64) -> ApiError {
    let mut err = ApiError::with_code(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        format!("the file is larger than {max} bytes"),
    );
    err.fields
        .insert("file".to_owned(), format!("is larger than {max} bytes"));
    err
}

fn multipart_error(err: multer::Error, max: u64) -> ApiError {
    match err {
        multer::Error::StreamSizeExceeded { .. } => too_large(max),
        multer::Error::FieldSizeExceeded { field_name, .. } => ApiError::invalid_field(
            field_name.as_deref().unwrap_or("body"),
            "is too long (at most 64 KiB)",
        ),
        other => {
            tracing::debug!(error = %other, "a multipart body that does not parse");
            invalid_file("was cut off, or is not multipart/form-data")
        }
    }
}

impl<T: DeserializeOwned + Send> FromRequest<GatewayState> for Upload<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &GatewayState) -> Result<Self, ApiError> {
        let max = state.settings.storage.upload_max_bytes;
        let boundary = request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| multer::parse_boundary(v).ok())
            .ok_or_else(|| {
                ApiError::with_code(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "UNSUPPORTED_MEDIA_TYPE",
                    "the body must be multipart/form-data",
                )
            })?;
        let declared = request
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|length| length > max + ENVELOPE_BYTES) {
            return Err(too_large(max));
        }
        let limits = multer::SizeLimit::new()
            .whole_stream(max + ENVELOPE_BYTES)
            .per_field(FIELD_BYTES)
            .for_field("file", max + 1);
        let constraints = multer::Constraints::new().size_limit(limits);
        let body = request.into_body().into_data_stream();
        let mut multipart = multer::Multipart::with_constraints(body, boundary, constraints);
        let mut fields = serde_json::Map::new();
        let file = loop {
            let field = multipart
                .next_field()
                .await
                .map_err(|err| multipart_error(err, max))?
                .ok_or_else(|| invalid_file("is required"))?;
            let name = field.name().unwrap_or_default().to_owned();
            if name == "file" {
                break field;
            }
            let value = field
                .text()
                .await
                .map_err(|err| multipart_error(err, max))?;
            fields.insert(name, serde_json::Value::String(value));
        };
        let file_name = file
            .file_name()
            .map(str::to_owned)
            .filter(|name| !name.trim().is_empty())
            .ok_or_else(|| invalid_file("must be a file with a name"))?;
        let fields =
            serde_path_to_error::deserialize(serde_json::Value::Object(fields)).map_err(|err| {
                let field = err.path().to_string();
                ApiError::invalid_field(&field, &err.inner().to_string())
            })?;
        Ok(Upload {
            fields,
            file_name,
            chunks: chunks_of(multipart, file, max),
        })
    }
}

/// The file part's bytes in pieces of about [`CHUNK_BYTES`] (a body arrives in frames
/// of a few KiB: one message each would cost more than the bytes); once it ends, any
/// part after it is an error.
fn chunks_of(
    multipart: multer::Multipart<'static>,
    file: multer::Field<'static>,
    max: u64,
) -> BoxStream<'static, Result<Bytes, ApiError>> {
    let pieces = stream::unfold(
        (Some(file), multipart, BytesMut::new()),
        move |(mut file, mut multipart, mut gathered)| async move {
            loop {
                if gathered.len() >= CHUNK_BYTES {
                    let piece = gathered.split_to(CHUNK_BYTES).freeze();
                    return Some((Ok(piece), (file, multipart, gathered)));
                }
                let Some(field) = file.as_mut() else {
                    if gathered.is_empty() {
                        return None;
                    }
                    let rest = gathered.split().freeze();
                    return Some((Ok(rest), (None, multipart, gathered)));
                };
                match field.chunk().await {
                    Ok(Some(bytes)) => gathered.extend_from_slice(&bytes),
                    Ok(None) => {
                        // The field holds the multipart's lock until it is gone.
                        drop(file.take());
                        match multipart.next_field().await {
                            Ok(None) => {}
                            Ok(Some(after)) => {
                                let name = after.name().unwrap_or("body").to_owned();
                                let err = ApiError::invalid_field(&name, "must come before file");
                                return Some((Err(err), (None, multipart, BytesMut::new())));
                            }
                            Err(err) => {
                                let err = multipart_error(err, max);
                                return Some((Err(err), (None, multipart, BytesMut::new())));
                            }
                        }
                    }
                    Err(err) => {
                        let err = multipart_error(err, max);
                        return Some((Err(err), (None, multipart, BytesMut::new())));
                    }
                }
            }
        },
    );
    pieces.boxed()
}

impl<T> Upload<T> {
    /// The messages of a client-streaming upload: `header`, then each chunk wrapped by
    /// `chunk`; with the [`Failed`] that reports a body that broke off.
    pub fn into_messages<M: Send + 'static>(
        self,
        header: M,
        chunk: fn(Vec<u8>) -> M,
    ) -> (impl Stream<Item = M> + Send + 'static, Failed) {
        let (report, failed) = oneshot::channel();
        let body = stream::unfold(
            (self.chunks, Some(report)),
            move |(mut chunks, mut report)| async move {
                match chunks.next().await? {
                    Ok(bytes) => Some((chunk(bytes.to_vec()), (chunks, report))),
                    Err(err) => {
                        if let Some(report) = report.take() {
                            let _ = report.send(err);
                        }
                        // Never end: an ended stream would be a whole (cut-off) file.
                        std::future::pending().await
                    }
                }
            },
        );
        (stream::once(async { header }).chain(body), Failed(failed))
    }
}
