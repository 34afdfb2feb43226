//! Staff sending an issued document by share link, and its holder asking again.

use atrium_common::auth::{Principal, SubjectKind, client_ip};
use atrium_common::outbox::Acting;
use atrium_proto::billing::v1 as pb;
use tonic::{Request, Response};

use super::{Billing, Rpc, staff};
use crate::error::BillingError;
use crate::send::{self, Kind};

#[tonic::async_trait]
impl pb::sending_service_server::SendingService for Billing {
    async fn send_document(
        &self,
        request: Request<pb::SendDocumentRequest>,
    ) -> Rpc<pb::SendDocumentResponse> {
        let acting = Acting {
            principal: staff(&request)?,
            ip: client_ip(&request),
        };
        let r = request.get_ref();
        let kind = Kind::parse(&r.kind).ok_or_else(|| {
            BillingError::field(
                "kind",
                "must be invoice, quote, credit_note, order or statement",
            )
        })?;
        let period = (r.from.as_str(), r.to.as_str(), r.currency.as_str());
        let sent = send::send(&self.0, &acting, (kind, &r.id), period).await?;
        Ok(Response::new(pb::SendDocumentResponse {
            link_id: sent.id,
            expires_at: sent.expires_at,
        }))
    }

    async fn renew_document(
        &self,
        request: Request<pb::RenewDocumentRequest>,
    ) -> Rpc<pb::RenewDocumentResponse> {
        let acting = Acting {
            principal: Principal::require(&request, SubjectKind::Customer)?,
            ip: client_ip(&request),
        };
        send::renew(&self.0, &acting, &request.get_ref().token).await?;
        Ok(Response::new(pb::RenewDocumentResponse {}))
    }

    async fn send_open_documents(
        &self,
        request: Request<pb::SendOpenDocumentsRequest>,
    ) -> Rpc<pb::RenewDocumentResponse> {
        let acting = Acting {
            principal: Principal::require(&request, SubjectKind::Customer)?,
            ip: client_ip(&request),
        };
        send::requested::send_open(&self.0, &acting).await?;
        Ok(Response::new(pb::RenewDocumentResponse {}))
    }
}
