//! The documents service's gRPC handlers: each decodes a request into a domain call and
//! encodes the answer; uploads and downloads stream in chunks of at most 256 KiB.
//! `documents` serves staff, `customers` the signed-in customer and identity's erase,
//! `links` share links.

mod customers;
mod documents;
mod files;
mod gallery;
mod links;

use std::pin::Pin;

use atrium_common::auth::{Principal, SubjectKind, client_ip};
use atrium_common::grpc::timestamp;
use atrium_common::outbox::Acting;
use atrium_proto::documents::v1 as pb;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tonic::{Request, Response, Status, Streaming};

use crate::AppState;
use crate::document::store::{DocumentRow, HistoryRow};
use crate::document::{DocumentPage, DocumentView, FileBytes};
use crate::document_type::store::TypeRow;

/// The largest chunk a download sends.
const CHUNK_BYTES: usize = 256 * 1024;

#[derive(Clone)]
pub struct Documents(pub AppState);

fn staff<T>(request: &Request<T>) -> Result<Principal, Status> {
    Principal::require(request, SubjectKind::Staff)
}

fn customer<T>(request: &Request<T>) -> Result<Principal, Status> {
    Principal::require(request, SubjectKind::Customer)
}

/// The staff member making a change, with their client address for the audit trail.
fn acting<T>(request: &Request<T>) -> Result<Acting, Status> {
    Ok(Acting {
        principal: staff(request)?,
        ip: client_ip(request),
    })
}

fn file_info(row: &DocumentRow) -> pb::FileInfo {
    pb::FileInfo {
        name: row.file_name.clone(),
        size: row.file_size,
        content_type: row.content_type.clone(),
        sha256: row.sha256.clone(),
    }
}

impl From<HistoryRow> for pb::HistoryStep {
    fn from(h: HistoryRow) -> pb::HistoryStep {
        pb::HistoryStep {
            at: Some(timestamp(h.at)),
            action: h.action,
            from_status: h.from_status.unwrap_or_default(),
            to_status: h.to_status,
            actor: Some(pb::Actor {
                kind: h.actor_kind,
                id: h.actor_id.map(|id| id.to_string()).unwrap_or_default(),
                name: h.actor_name,
            }),
            reason: h.reason.unwrap_or_default(),
            version: h.version,
        }
    }
}

impl From<TypeRow> for pb::DocumentType {
    fn from(t: TypeRow) -> pb::DocumentType {
        pb::DocumentType {
            id: t.document_type_id.to_string(),
            name: t.name,
            requires_approval: t.requires_approval,
        }
    }
}

impl From<DocumentView> for pb::Document {
    fn from(view: DocumentView) -> pb::Document {
        let row = view.row;
        pb::Document {
            id: row.document_id.to_string(),
            project_id: row.project_id.to_string(),
            file: Some(file_info(&row)),
            title: row.title,
            description: row.description,
            document_type_id: row
                .document_type_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            status: row.status.as_str().to_owned(),
            version: row.version,
            created_at: Some(timestamp(row.created_at)),
            updated_at: Some(timestamp(row.updated_at)),
            published_at: row.published_at.map(timestamp),
            history: view.history.into_iter().map(Into::into).collect(),
            document_type: view.document_type.map(Into::into),
            sent_at: row.sent_at.map(timestamp),
            sent_count: row.sent_count,
        }
    }
}

fn answer(view: DocumentView) -> Response<pb::DocumentResponse> {
    Response::new(pb::DocumentResponse {
        document: Some(view.into()),
    })
}

fn page_answer(page: DocumentPage) -> Response<pb::ListDocumentsResponse> {
    Response::new(pb::ListDocumentsResponse {
        items: page.items.into_iter().map(Into::into).collect(),
        next_page_token: page.next_page_token,
    })
}

type ChunkStream = Pin<Box<dyn Stream<Item = Result<pb::DownloadChunk, Status>> + Send>>;

/// The download answer: the file's description, then its bytes in chunks.
fn download_stream(info: pb::FileInfo, bytes: FileBytes) -> Response<ChunkStream> {
    use pb::download_chunk::Part;
    let first = pb::DownloadChunk {
        part: Some(Part::File(info)),
    };
    let chunks = bytes.flat_map(|chunk| {
        let parts: Vec<Result<pb::DownloadChunk, Status>> = match chunk {
            Ok(bytes) => split(bytes)
                .map(|piece| {
                    Ok(pb::DownloadChunk {
                        part: Some(Part::Chunk(piece.to_vec())),
                    })
                })
                .collect(),
            Err(err) => {
                tracing::error!(error = %err, "reading a stored file");
                vec![Err(Status::unavailable("the file could not be read"))]
            }
        };
        futures_util::stream::iter(parts)
    });
    let stream = futures_util::stream::once(async { Ok(first) }).chain(chunks);
    Response::new(Box::pin(stream))
}

fn range_of(range: Option<&pb::ByteRange>) -> Option<std::ops::Range<u64>> {
    range.map(|range| range.start..range.end)
}

/// `bytes` in pieces of at most [`CHUNK_BYTES`] (sharing its buffer).
fn split(bytes: Bytes) -> impl Iterator<Item = Bytes> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let take = rest.len().min(CHUNK_BYTES);
        Some(rest.split_to(take))
    })
}

/// A message of a client-streaming upload: the header it opens with, or a piece of
/// the file's bytes.
trait UploadMessage: Send + 'static {
    type Header;
    fn into_part(self) -> Option<Result<Self::Header, Vec<u8>>>;
}

/// `UploadMessage` for a message whose `part` is `$header(…)` or `Chunk(…)`.
macro_rules! upload_message {
    ($message:ty, $part:ident, $header:ident: $header_ty:ty) => {
        impl UploadMessage for $message {
            type Header = $header_ty;
            fn into_part(self) -> Option<Result<$header_ty, Vec<u8>>> {
                use pb::$part::Part;
                match self.part? {
                    Part::$header(header) => Some(Ok(header)),
                    Part::Chunk(chunk) => Some(Err(chunk)),
                }
            }
        }
    };
}

upload_message!(pb::UploadDocumentRequest, upload_document_request, Header: pb::DocumentHeader);
upload_message!(pb::UploadItemRequest, upload_item_request, Header: pb::ItemHeader);
upload_message!(pb::PutFileRequest, put_file_request, Header: pb::FileHeader);
upload_message!(pb::UploadLogoRequest, upload_logo_request, FileName: String);

/// An upload's header, then its chunks as a stream of bytes (a second header is an
/// error of the stream, which ends the upload with nothing kept).
async fn upload_parts<M: UploadMessage>(
    request: Request<Streaming<M>>,
) -> Result<(M::Header, impl Stream<Item = Result<Bytes, Status>> + Unpin), Status> {
    let mut parts = request.into_inner();
    let Some(Ok(header)) = parts.message().await?.and_then(M::into_part) else {
        return Err(Status::invalid_argument(
            "the first message must be the header",
        ));
    };
    let chunks = parts.map(|part| match part?.into_part() {
        Some(Err(chunk)) => Ok(Bytes::from(chunk)),
        _ => Err(Status::invalid_argument(
            "only the first message is a header",
        )),
    });
    Ok((header, chunks))
}
