//! Guests of a gallery, erasing a customer (relayed from identity) and billing's snapshots
//! of customers for the dashboard (relayed from billing).

use atrium_common::grpc::Rpc;
use atrium_proto::common::v1 as common;
use atrium_proto::portal::v1 as pb;
use tonic::{Request, Response};

use super::{Portal, project_response};
use crate::{erasure, guest};

#[tonic::async_trait]
impl pb::guest_gallery_service_server::GuestGalleryService for Portal {
    async fn open_gallery(
        &self,
        request: Request<pb::OpenGalleryRequest>,
    ) -> Rpc<pb::OpenGalleryResponse> {
        let r = request.get_ref();
        let session = guest::open(&self.0, &r.org_id, &r.slug, &r.password).await?;
        Ok(Response::new(pb::OpenGalleryResponse {
            guest_token: session.token,
            max_age: session.max_age,
        }))
    }

    async fn get_guest_gallery(
        &self,
        request: Request<pb::GetGuestGalleryRequest>,
    ) -> Rpc<pb::ProjectResponse> {
        let r = request.get_ref();
        let view = guest::read(&self.0, &r.org_id, &r.slug, &r.guest_token).await?;
        Ok(project_response(view))
    }
}

#[tonic::async_trait]
impl pb::erasure_service_server::ErasureService for Portal {
    async fn erase_customer(
        &self,
        request: Request<common::EraseCustomerRequest>,
    ) -> Rpc<common::EraseCustomerResponse> {
        erasure::erase_customer(&self.0, request.get_ref()).await?;
        Ok(Response::new(common::EraseCustomerResponse {}))
    }

    async fn forget_item(
        &self,
        request: Request<pb::ForgetItemRequest>,
    ) -> Rpc<pb::ForgetItemResponse> {
        crate::project::forget_item(&self.0, request.get_ref()).await?;
        Ok(Response::new(pb::ForgetItemResponse {}))
    }
}

#[tonic::async_trait]
impl pb::billing_snapshot_service_server::BillingSnapshotService for Portal {
    async fn put_billing_snapshot(
        &self,
        request: Request<pb::PutBillingSnapshotRequest>,
    ) -> Rpc<pb::PutBillingSnapshotResponse> {
        crate::billing::put(&self.0, request.get_ref()).await?;
        Ok(Response::new(pb::PutBillingSnapshotResponse {}))
    }
}
