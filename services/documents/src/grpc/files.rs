//! `FileService`: other services' attachments.

use atrium_common::auth::{Principal, SubjectKind};
use atrium_common::grpc::{Rpc, timestamp};
use atrium_proto::documents::v1 as pb;
use tonic::{Request, Response, Status, Streaming};

use super::{ChunkStream, Documents, download_stream, range_of};
use crate::files::{self, store::AttachmentRow};

/// The staff member or customer the owner service acts for.
fn signed<T>(request: &Request<T>) -> Result<Principal, Status> {
    Principal::require(request, SubjectKind::Staff)
        .or_else(|_| Principal::require(request, SubjectKind::Customer))
}

fn stored(row: AttachmentRow) -> pb::StoredFile {
    pb::StoredFile {
        id: row.file_id.to_string(),
        owner: Some(pb::FileOwner {
            kind: row.owner_kind,
            id: row.owner_id,
        }),
        file: Some(pb::FileInfo {
            name: row.file_name,
            size: row.size,
            content_type: row.content_type,
            sha256: row.sha256,
        }),
        created_at: Some(timestamp(row.created_at)),
    }
}

#[tonic::async_trait]
impl pb::file_service_server::FileService for Documents {
    async fn put_file(
        &self,
        request: Request<Streaming<pb::PutFileRequest>>,
    ) -> Rpc<pb::StoredFile> {
        let principal = signed(&request)?;
        let (header, chunks) = super::upload_parts(request).await?;
        let owner = header.owner.unwrap_or_default();
        let file = (
            owner.kind.as_str(),
            owner.id.as_str(),
            header.file_name.as_str(),
        );
        let row = files::put(&self.0, &principal, file, chunks).await?;
        Ok(Response::new(stored(row)))
    }

    async fn get_file(&self, request: Request<pb::FileRequest>) -> Rpc<pb::StoredFile> {
        let principal = signed(&request)?;
        let row = files::get(&self.0, &principal, &request.get_ref().file_id).await?;
        Ok(Response::new(stored(row)))
    }

    type ReadFileStream = ChunkStream;

    async fn read_file(&self, request: Request<pb::ReadFileRequest>) -> Rpc<ChunkStream> {
        let principal = signed(&request)?;
        let r = request.get_ref();
        let (row, bytes) =
            files::read(&self.0, &principal, &r.file_id, range_of(r.range.as_ref())).await?;
        let info = stored(row).file.unwrap_or_default();
        Ok(download_stream(info, bytes))
    }

    async fn delete_files(
        &self,
        request: Request<pb::DeleteFilesRequest>,
    ) -> Rpc<pb::DeleteFilesResponse> {
        let principal = signed(&request)?;
        let owner = request.get_ref().owner.clone().unwrap_or_default();
        let deleted = files::delete_owned(&self.0, &principal, (&owner.kind, &owner.id)).await?;
        Ok(Response::new(pb::DeleteFilesResponse {
            deleted: i32::try_from(deleted).unwrap_or(i32::MAX),
        }))
    }
}

fn logo_info(row: &crate::logo::LogoRow) -> pb::FileInfo {
    pb::FileInfo {
        name: row.file_name.clone(),
        size: row.size,
        content_type: row.content_type.clone(),
        sha256: row.sha256.clone(),
    }
}

#[tonic::async_trait]
impl pb::logo_service_server::LogoService for Documents {
    async fn set_logo(
        &self,
        request: Request<Streaming<pb::UploadLogoRequest>>,
    ) -> Rpc<pb::FileInfo> {
        let principal = super::staff(&request)?;
        let (file_name, chunks) = super::upload_parts(request).await?;
        let row = crate::logo::set(&self.0, &principal, &file_name, chunks).await?;
        Ok(Response::new(logo_info(&row)))
    }

    async fn get_logo(&self, request: Request<pb::LogoRequest>) -> Rpc<pb::FileInfo> {
        let row = crate::logo::get(&self.0, &request.get_ref().org_id).await?;
        Ok(Response::new(logo_info(&row)))
    }

    type DownloadLogoStream = ChunkStream;

    async fn download_logo(&self, request: Request<pb::LogoRequest>) -> Rpc<ChunkStream> {
        let r = request.get_ref();
        let (row, bytes) =
            crate::logo::read(&self.0, &r.org_id, range_of(r.range.as_ref())).await?;
        Ok(download_stream(logo_info(&row), bytes))
    }
}
