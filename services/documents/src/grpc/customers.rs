//! `CustomerDocumentService` (the signed-in customer's published documents) and the
//! `ErasureService` identity's outbox calls.

use atrium_common::auth::client_ip;
use atrium_common::grpc::Rpc;
use atrium_proto::common::v1 as common;
use atrium_proto::documents::v1 as pb;
use tonic::{Request, Response};

use super::{ChunkStream, Documents, answer, customer, download_stream, page_answer, range_of};
use crate::document::customer as documents;

#[tonic::async_trait]
impl pb::customer_document_service_server::CustomerDocumentService for Documents {
    async fn list_my_documents(
        &self,
        request: Request<pb::ListMyDocumentsRequest>,
    ) -> Rpc<pb::ListDocumentsResponse> {
        let principal = customer(&request)?;
        let r = request.get_ref();
        let page = (r.page_size, r.page_token.as_str());
        let page = documents::list(&self.0, &principal, &r.project_id, page).await?;
        Ok(page_answer(page))
    }

    async fn get_my_document(
        &self,
        request: Request<pb::DocumentRequest>,
    ) -> Rpc<pb::DocumentResponse> {
        let principal = customer(&request)?;
        let r = request.get_ref();
        let asked = (r.document_id.as_str(), r.link_id.as_str());
        let view = documents::get(&self.0, &principal, asked).await?;
        Ok(answer(view))
    }

    type DownloadMyDocumentStream = ChunkStream;

    async fn download_my_document(
        &self,
        request: Request<pb::DownloadMyDocumentRequest>,
    ) -> Rpc<ChunkStream> {
        let principal = customer(&request)?;
        let ip = client_ip(&request);
        let r = request.get_ref();
        let range = range_of(r.range.as_ref());
        let asked = (r.document_id.as_str(), r.link_id.as_str(), ip);
        let (row, bytes) = documents::download(&self.0, &principal, asked, range).await?;
        Ok(download_stream(super::file_info(&row), bytes))
    }
}

#[tonic::async_trait]
impl pb::erasure_service_server::ErasureService for Documents {
    async fn erase_customer(
        &self,
        request: Request<common::EraseCustomerRequest>,
    ) -> Rpc<common::EraseCustomerResponse> {
        documents::forget(&self.0, request.get_ref()).await?;
        Ok(Response::new(common::EraseCustomerResponse {}))
    }

    async fn forget_project(
        &self,
        request: Request<pb::ForgetProjectRequest>,
    ) -> Rpc<pb::ForgetProjectResponse> {
        documents::forget_project(&self.0, request.get_ref()).await?;
        Ok(Response::new(pb::ForgetProjectResponse {}))
    }
}
