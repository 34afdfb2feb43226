//! `DocumentService`: staff's documents and document types.

use atrium_common::grpc::{Rpc, timestamp};
use atrium_proto::documents::v1 as pb;
use tonic::{Request, Response, Streaming};

use super::{
    ChunkStream, Documents, acting, answer, download_stream, page_answer, range_of, staff,
    upload_parts,
};
use crate::document::changes::{self, DocumentChange};
use crate::document::staff::{self as documents, ListQuery, NewDocument};
use crate::document_type::{self, store::TypeRow};

#[tonic::async_trait]
impl pb::document_service_server::DocumentService for Documents {
    async fn upload_document(
        &self,
        request: Request<Streaming<pb::UploadDocumentRequest>>,
    ) -> Rpc<pb::DocumentResponse> {
        let acting = acting(&request)?;
        let (header, chunks) = upload_parts(request).await?;
        let new = NewDocument {
            project_id: header.project_id,
            title: header.title,
            description: header.description,
            file_name: header.file_name,
            document_type_id: header.document_type_id,
        };
        let view = documents::create(&self.0, &acting, new, chunks).await?;
        Ok(answer(view))
    }

    async fn list_documents(
        &self,
        request: Request<pb::ListDocumentsRequest>,
    ) -> Rpc<pb::ListDocumentsResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let query = ListQuery {
            project_id: r.project_id,
            status: r.status,
            q: r.q,
            page_size: r.page_size,
            page_token: r.page_token,
        };
        let page = documents::list(&self.0, &principal, &query).await?;
        Ok(page_answer(page))
    }

    async fn get_document(
        &self,
        request: Request<pb::DocumentRequest>,
    ) -> Rpc<pb::DocumentResponse> {
        let principal = staff(&request)?;
        let view = documents::get(&self.0, &principal, &request.get_ref().document_id).await?;
        Ok(answer(view))
    }

    async fn transition_document(
        &self,
        request: Request<pb::TransitionDocumentRequest>,
    ) -> Rpc<pb::DocumentResponse> {
        let acting = acting(&request)?;
        let r = request.get_ref();
        let view =
            changes::transition(&self.0, &acting, &r.document_id, &r.action, &r.reason).await?;
        Ok(answer(view))
    }

    async fn delete_document(
        &self,
        request: Request<pb::DocumentRequest>,
    ) -> Rpc<pb::DeleteDocumentResponse> {
        let acting = acting(&request)?;
        changes::delete(&self.0, &acting, &request.get_ref().document_id).await?;
        Ok(Response::new(pb::DeleteDocumentResponse {}))
    }

    type DownloadDocumentStream = ChunkStream;

    async fn download_document(
        &self,
        request: Request<pb::DownloadDocumentRequest>,
    ) -> Rpc<ChunkStream> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        let range = range_of(r.range.as_ref());
        let (row, bytes) = documents::download(&self.0, &principal, &r.document_id, range).await?;
        Ok(download_stream(super::file_info(&row), bytes))
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

    async fn update_document(
        &self,
        request: Request<pb::UpdateDocumentRequest>,
    ) -> Rpc<pb::DocumentResponse> {
        let acting = acting(&request)?;
        let r = request.into_inner();
        let change = DocumentChange {
            title: r.title,
            description: r.description,
            document_type_id: r.document_type_id,
        };
        let view = changes::update(&self.0, &acting, &r.document_id, change).await?;
        Ok(answer(view))
    }

    async fn replace_document_file(
        &self,
        request: Request<Streaming<pb::UploadDocumentRequest>>,
    ) -> Rpc<pb::DocumentResponse> {
        let acting = acting(&request)?;
        let (header, chunks) = upload_parts(request).await?;
        let view = changes::replace_file(
            &self.0,
            &acting,
            &header.document_id,
            &header.file_name,
            chunks,
        )
        .await?;
        Ok(answer(view))
    }

    async fn list_downloads(
        &self,
        request: Request<pb::DocumentRequest>,
    ) -> Rpc<pb::ListDownloadsResponse> {
        let principal = staff(&request)?;
        let rows =
            documents::downloads(&self.0, &principal, &request.get_ref().document_id).await?;
        let items = rows.into_iter().map(|d| pb::Download {
            at: Some(timestamp(d.at)),
            customer_id: d.customer_id.map(|id| id.to_string()).unwrap_or_default(),
            link_id: d.link_id.map(|id| id.to_string()).unwrap_or_default(),
            ip: d.ip,
        });
        Ok(Response::new(pb::ListDownloadsResponse {
            items: items.collect(),
        }))
    }

    async fn send_document(&self, request: Request<pb::SendDocumentRequest>) -> Rpc<pb::ShareLink> {
        let acting = acting(&request)?;
        let r = request.get_ref();
        let link =
            crate::document::send::send(&self.0, &acting, &r.document_id, &r.customer_id).await?;
        Ok(Response::new(link.into()))
    }
}

fn type_answer(t: TypeRow) -> Response<pb::DocumentTypeResponse> {
    Response::new(pb::DocumentTypeResponse {
        document_type: Some(t.into()),
    })
}
