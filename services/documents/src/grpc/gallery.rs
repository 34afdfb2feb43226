//! `GalleryService` (staff), `CustomerGalleryService` and `GuestItemService`.

use atrium_common::grpc::{Rpc, timestamp};
use atrium_proto::documents::v1 as pb;
use tonic::{Request, Response, Streaming};

use super::{ChunkStream, Documents, acting, customer, download_stream, range_of, staff};
use crate::gallery::store::ItemRow;
use crate::gallery::{self, ItemChange, NewItem, RenditionFile, viewers};

impl From<ItemRow> for pb::Item {
    fn from(i: ItemRow) -> pb::Item {
        pb::Item {
            id: i.item_id.to_string(),
            project_id: i.project_id.to_string(),
            caption: i.caption,
            visibility: i.visibility,
            position: i.position,
            width: i.width,
            height: i.height,
            content_type: i.content_type,
            size: i.size,
            taken_at: i.taken_at.map(timestamp),
            created_at: Some(timestamp(i.created_at)),
        }
    }
}

fn info(file: &RenditionFile) -> pb::FileInfo {
    pb::FileInfo {
        name: file.name.clone(),
        size: file.size,
        content_type: file.content_type.clone(),
        sha256: file.sha256.clone(),
    }
}

fn items(rows: Vec<ItemRow>) -> Response<pb::ListItemsResponse> {
    Response::new(pb::ListItemsResponse {
        items: rows.into_iter().map(Into::into).collect(),
    })
}

fn item(row: ItemRow) -> Response<pb::ItemResponse> {
    Response::new(pb::ItemResponse {
        item: Some(row.into()),
    })
}

/// The rendition's bytes (or the asked range of them) after its description.
async fn send(
    state: &crate::AppState,
    file: RenditionFile,
    range: Option<&pb::ByteRange>,
) -> Rpc<ChunkStream> {
    let bytes = gallery::read(state, &file, range_of(range)).await?;
    Ok(download_stream(info(&file), bytes))
}

fn guest_key(guest: Option<&pb::GuestItemsRequest>) -> (&str, &str, &str) {
    guest.map_or(("", "", ""), |g| {
        (g.org_id.as_str(), g.slug.as_str(), g.guest_token.as_str())
    })
}

#[tonic::async_trait]
impl pb::gallery_service_server::GalleryService for Documents {
    async fn upload_item(
        &self,
        request: Request<Streaming<pb::UploadItemRequest>>,
    ) -> Rpc<pb::ItemResponse> {
        let acting = acting(&request)?;
        let (header, chunks) = super::upload_parts(request).await?;
        let new = NewItem {
            project_id: header.project_id,
            caption: header.caption,
            visibility: header.visibility,
            file_name: header.file_name,
        };
        Ok(item(gallery::create(&self.0, &acting, new, chunks).await?))
    }

    async fn list_items(
        &self,
        request: Request<pb::ListItemsRequest>,
    ) -> Rpc<pb::ListItemsResponse> {
        let principal = staff(&request)?;
        let rows = gallery::list(&self.0, &principal, &request.get_ref().project_id).await?;
        Ok(items(rows))
    }

    async fn get_item(&self, request: Request<pb::ItemRequest>) -> Rpc<pb::ItemResponse> {
        let principal = staff(&request)?;
        Ok(item(
            gallery::find(&self.0, &principal, &request.get_ref().item_id).await?,
        ))
    }

    async fn update_item(&self, request: Request<pb::UpdateItemRequest>) -> Rpc<pb::ItemResponse> {
        let acting = acting(&request)?;
        let r = request.into_inner();
        let change = ItemChange {
            caption: r.caption,
            visibility: r.visibility,
            position: r.position,
        };
        Ok(item(
            gallery::update(&self.0, &acting, &r.item_id, change).await?,
        ))
    }

    async fn delete_item(&self, request: Request<pb::ItemRequest>) -> Rpc<pb::DeleteItemResponse> {
        let acting = acting(&request)?;
        gallery::delete(&self.0, &acting, &request.get_ref().item_id).await?;
        Ok(Response::new(pb::DeleteItemResponse {}))
    }

    async fn set_visibility(
        &self,
        request: Request<pb::SetVisibilityRequest>,
    ) -> Rpc<pb::ListItemsResponse> {
        let acting = acting(&request)?;
        let r = request.get_ref();
        let which = (r.project_id.as_str(), r.item_ids.as_slice());
        Ok(items(
            gallery::set_visibility(&self.0, &acting, which, &r.visibility).await?,
        ))
    }

    async fn get_rendition(&self, request: Request<pb::RenditionRequest>) -> Rpc<pb::FileInfo> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        let file =
            gallery::staff_rendition(&self.0, &principal, (&r.item_id, &r.rendition)).await?;
        Ok(Response::new(info(&file)))
    }

    type DownloadRenditionStream = ChunkStream;

    async fn download_rendition(&self, request: Request<pb::RenditionRequest>) -> Rpc<ChunkStream> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        let file =
            gallery::staff_rendition(&self.0, &principal, (&r.item_id, &r.rendition)).await?;
        send(&self.0, file, r.range.as_ref()).await
    }
}

#[tonic::async_trait]
impl pb::customer_gallery_service_server::CustomerGalleryService for Documents {
    async fn list_my_items(
        &self,
        request: Request<pb::ListItemsRequest>,
    ) -> Rpc<pb::ListItemsResponse> {
        let principal = customer(&request)?;
        let rows =
            viewers::customer_items(&self.0, &principal, &request.get_ref().project_id).await?;
        Ok(items(rows))
    }

    async fn get_my_rendition(&self, request: Request<pb::RenditionRequest>) -> Rpc<pb::FileInfo> {
        let principal = customer(&request)?;
        let r = request.get_ref();
        let file =
            viewers::customer_rendition(&self.0, &principal, (&r.item_id, &r.rendition)).await?;
        Ok(Response::new(info(&file)))
    }

    type DownloadMyRenditionStream = ChunkStream;

    async fn download_my_rendition(
        &self,
        request: Request<pb::RenditionRequest>,
    ) -> Rpc<ChunkStream> {
        let principal = customer(&request)?;
        let r = request.get_ref();
        let file =
            viewers::customer_rendition(&self.0, &principal, (&r.item_id, &r.rendition)).await?;
        send(&self.0, file, r.range.as_ref()).await
    }

    type DownloadMyGalleryStream = ChunkStream;

    async fn download_my_gallery(
        &self,
        request: Request<pb::ListItemsRequest>,
    ) -> Rpc<ChunkStream> {
        let principal = customer(&request)?;
        let bytes =
            viewers::customer_zip(&self.0, &principal, &request.get_ref().project_id).await?;
        let archive = pb::FileInfo {
            name: "gallery.zip".to_owned(),
            size: 0,
            content_type: "application/zip".to_owned(),
            sha256: String::new(),
        };
        Ok(download_stream(archive, bytes))
    }
}

#[tonic::async_trait]
impl pb::guest_item_service_server::GuestItemService for Documents {
    async fn list_guest_items(
        &self,
        request: Request<pb::GuestItemsRequest>,
    ) -> Rpc<pb::ListItemsResponse> {
        let r = request.get_ref();
        let rows = viewers::guest_items(&self.0, (&r.org_id, &r.slug, &r.guest_token)).await?;
        Ok(items(rows))
    }

    async fn get_guest_rendition(
        &self,
        request: Request<pb::GuestRenditionRequest>,
    ) -> Rpc<pb::FileInfo> {
        let r = request.get_ref();
        let file = viewers::guest_rendition(
            &self.0,
            guest_key(r.guest.as_ref()),
            (&r.item_id, &r.rendition),
        )
        .await?;
        Ok(Response::new(info(&file)))
    }

    type DownloadGuestRenditionStream = ChunkStream;

    async fn download_guest_rendition(
        &self,
        request: Request<pb::GuestRenditionRequest>,
    ) -> Rpc<ChunkStream> {
        let r = request.get_ref();
        let file = viewers::guest_rendition(
            &self.0,
            guest_key(r.guest.as_ref()),
            (&r.item_id, &r.rendition),
        )
        .await?;
        send(&self.0, file, r.range.as_ref()).await
    }
}
