//! The erase relayed from identity's outbox (internal: called as a service).

use atrium_proto::billing::v1 as pb;
use atrium_proto::common::v1 as common;
use tonic::{Request, Response};

use super::{Billing, Rpc};

#[tonic::async_trait]
impl pb::erasure_service_server::ErasureService for Billing {
    async fn erase_customer(
        &self,
        request: Request<common::EraseCustomerRequest>,
    ) -> Rpc<common::EraseCustomerResponse> {
        crate::erasure::erase(&self.0, request.get_ref()).await?;
        Ok(Response::new(common::EraseCustomerResponse {}))
    }
}
