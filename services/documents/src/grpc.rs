//! The documents service's gRPC handlers: each decodes a request into a domain call and
//! encodes the answer; uploads and downloads stream in chunks of at most 256 KiB.

use std::pin::Pin;

use atrium_common::auth::{Principal, SubjectKind};
use atrium_common::grpc::{Rpc, timestamp};
use atrium_proto::documents::v1 as pb;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tonic::{Request, Response, Status, Streaming};

use crate::AppState;
use crate::document::store::{DocumentRow, HistoryRow};
use crate::document::{self, DocumentView, NewDocument};
use crate::document_type::{self, store::TypeRow};

/// The largest chunk a download sends.
const CHUNK_BYTES: usize = 256 * 1024;

#[derive(Clone)]
pub struct Documents(pub AppState);

fn staff<T>(request: &Request<T>) -> Result<Principal, Status> {
    Principal::require(request, SubjectKind::Staff)
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

fn document(row: DocumentRow, history: Vec<HistoryRow>) -> pb::Document {
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
        history: history.into_iter().map(Into::into).collect(),
    }
}

fn answer(view: DocumentView) -> Response<pb::DocumentResponse> {
    Response::new(pb::DocumentResponse {
        document: Some(document(view.row, view.history)),
    })
}

type ChunkStream = Pin<Box<dyn Stream<Item = Result<pb::DownloadChunk, Status>> + Send>>;

#[tonic::async_trait]
impl pb::document_service_server::DocumentService for Documents {
    async fn upload_document(
        &self,
        request: Request<Streaming<pb::UploadDocumentRequest>>,
    ) -> Rpc<pb::DocumentResponse> {
        use pb::upload_document_request::Part;
        let principal = staff(&request)?;
        let mut parts = request.into_inner();
        let header = match parts.message().await? {
            Some(pb::UploadDocumentRequest {
                part: Some(Part::Header(header)),
            }) => header,
            _ => {
                return Err(Status::invalid_argument(
                    "the first message must be the header",
                ));
            }
        };
        let chunks = parts.map(|part| match part {
            Ok(pb::UploadDocumentRequest {
                part: Some(Part::Chunk(chunk)),
            }) => Ok(Bytes::from(chunk)),
            Ok(_) => Err(Status::invalid_argument(
                "only the first message is a header",
            )),
            Err(status) => Err(status),
        });
        let new = NewDocument {
            project_id: header.project_id,
            title: header.title,
            description: header.description,
            file_name: header.file_name,
            document_type_id: header.document_type_id,
        };
        let view = document::create(&self.0, &principal, new, chunks).await?;
        Ok(answer(view))
    }

    async fn list_documents(
        &self,
        request: Request<pb::ListDocumentsRequest>,
    ) -> Rpc<pb::ListDocumentsResponse> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        let rows = document::list(&self.0, &principal, &r.project_id, &r.status).await?;
        Ok(Response::new(pb::ListDocumentsResponse {
            items: rows
                .into_iter()
                .map(|row| document(row, Vec::new()))
                .collect(),
        }))
    }

    async fn get_document(
        &self,
        request: Request<pb::DocumentRequest>,
    ) -> Rpc<pb::DocumentResponse> {
        let principal = staff(&request)?;
        let view = document::get(&self.0, &principal, &request.get_ref().document_id).await?;
        Ok(answer(view))
    }

    async fn transition_document(
        &self,
        request: Request<pb::TransitionDocumentRequest>,
    ) -> Rpc<pb::DocumentResponse> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        let view =
            document::transition(&self.0, &principal, &r.document_id, &r.action, &r.reason).await?;
        Ok(answer(view))
    }

    async fn delete_document(
        &self,
        request: Request<pb::DocumentRequest>,
    ) -> Rpc<pb::DeleteDocumentResponse> {
        let principal = staff(&request)?;
        document::delete(&self.0, &principal, &request.get_ref().document_id).await?;
        Ok(Response::new(pb::DeleteDocumentResponse {}))
    }

    type DownloadDocumentStream = ChunkStream;

    async fn download_document(
        &self,
        request: Request<pb::DownloadDocumentRequest>,
    ) -> Rpc<ChunkStream> {
        use pb::download_chunk::Part;
        let principal = staff(&request)?;
        let r = request.get_ref();
        let range = r.range.as_ref().map(|range| range.start..range.end);
        let (row, bytes) = document::download(&self.0, &principal, &r.document_id, range).await?;
        let first = pb::DownloadChunk {
            part: Some(Part::File(file_info(&row))),
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
        Ok(Response::new(Box::pin(stream)))
    }

    async fn create_document_type(
        &self,
        request: Request<pb::CreateDocumentTypeRequest>,
    ) -> Rpc<pb::DocumentTypeResponse> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        let t = document_type::create(&self.0, &principal, &r.name, r.requires_approval).await?;
        Ok(type_answer(t))
    }

    async fn list_document_types(
        &self,
        request: Request<pb::ListDocumentTypesRequest>,
    ) -> Rpc<pb::ListDocumentTypesResponse> {
        let principal = staff(&request)?;
        let types = document_type::list(&self.0, &principal).await?;
        Ok(Response::new(pb::ListDocumentTypesResponse {
            items: types.into_iter().map(Into::into).collect(),
        }))
    }

    async fn update_document_type(
        &self,
        request: Request<pb::UpdateDocumentTypeRequest>,
    ) -> Rpc<pb::DocumentTypeResponse> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        let t = document_type::update(
            &self.0,
            &principal,
            &r.document_type_id,
            r.name.as_deref(),
            r.requires_approval,
        )
        .await?;
        Ok(type_answer(t))
    }

    async fn delete_document_type(
        &self,
        request: Request<pb::DocumentTypeRequest>,
    ) -> Rpc<pb::DeleteDocumentTypeResponse> {
        let principal = staff(&request)?;
        document_type::delete(&self.0, &principal, &request.get_ref().document_type_id).await?;
        Ok(Response::new(pb::DeleteDocumentTypeResponse {}))
    }
}

fn type_answer(t: TypeRow) -> Response<pb::DocumentTypeResponse> {
    Response::new(pb::DocumentTypeResponse {
        document_type: Some(t.into()),
    })
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

impl pb::gallery_service_server::GalleryService for Documents {}

impl pb::share_link_service_server::ShareLinkService for Documents {}
