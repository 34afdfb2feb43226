//! The signed-in customer's own invoices and ledger, each call checked with the portal
//! (or, for one document opened by a share link, with the documents service).

use atrium_common::auth::{Principal, SubjectKind};
use atrium_common::page::Page;
use atrium_proto::billing::v1 as pb;
use tonic::{Request, Response, Status as GrpcStatus};

use super::{Billing, Rpc};
use crate::access;
use crate::error::BillingError;
use crate::invoice::{self, Status, store::Filter};
use crate::ledger;

/// The customer calling, once the portal says billing is theirs to see.
pub(super) async fn customer<T>(
    billing: &Billing,
    request: &Request<T>,
) -> Result<Principal, GrpcStatus> {
    let principal = Principal::require(request, SubjectKind::Customer)?;
    access::customer(&billing.0, &principal).await?;
    Ok(principal)
}

/// The customer calling about one subject (kind, id), or a share-link holder the gateway
/// names with `link_id`: then the link, not the portal, says whether they may see it.
pub(super) async fn customer_or_link<T>(
    billing: &Billing,
    request: &Request<T>,
    link_id: &str,
    subject: (&str, &str, &str),
) -> Result<Principal, GrpcStatus> {
    let principal = Principal::require(request, SubjectKind::Customer)?;
    access::customer_or_link(&billing.0, &principal, link_id, subject).await?;
    Ok(principal)
}

#[tonic::async_trait]
impl pb::customer_invoice_service_server::CustomerInvoiceService for Billing {
    async fn list_my_invoices(
        &self,
        request: Request<pb::ListMyInvoicesRequest>,
    ) -> Rpc<pb::ListInvoicesResponse> {
        let principal = customer(self, &request).await?;
        let r = request.into_inner();
        let page = Page::parse(r.page_size, &r.page_token).map_err(BillingError::Page)?;
        let status = match r.status.as_str() {
            "" => None,
            text => Some(
                Status::parse(text)
                    .filter(|s| *s != Status::Draft)
                    .ok_or_else(|| {
                        BillingError::field(
                            "status",
                            "must be issued, partially_paid, paid or void",
                        )
                    })?,
            ),
        };
        let filter = Filter {
            customer_id: Some(principal.customer_id()),
            status,
            issued_only: true,
            ..Filter::default()
        };
        let found = invoice::list(&self.0, principal.org_id, &filter, page).await?;
        Ok(Response::new(pb::ListInvoicesResponse {
            items: found.items.into_iter().map(Into::into).collect(),
            next_page_token: found.next_page_token,
        }))
    }

    async fn get_my_invoice(
        &self,
        request: Request<pb::InvoiceRequest>,
    ) -> Rpc<pb::InvoiceResponse> {
        let r = request.get_ref();
        let about = ("invoice", r.invoice_id.as_str(), "");
        let principal = customer_or_link(self, &request, &r.link_id, about).await?;
        let view = invoice::find_mine(&self.0, &principal, &r.invoice_id).await?;
        let detail = invoice::detail(&self.0, view).await?;
        Ok(Response::new(pb::InvoiceResponse {
            invoice: Some(detail.into()),
        }))
    }
}

#[tonic::async_trait]
impl pb::customer_ledger_service_server::CustomerLedgerService for Billing {
    async fn get_my_statement(
        &self,
        request: Request<pb::StatementRequest>,
    ) -> Rpc<pb::StatementResponse> {
        let r = request.get_ref();
        let extra = crate::access::statement_extra(&r.from, &r.to, &r.currency);
        let me = Principal::require(&request, SubjectKind::Customer)?
            .subject_id
            .to_string();
        let about = ("statement", me.as_str(), extra.as_str());
        let principal = customer_or_link(self, &request, &r.link_id, about).await?;
        let key = (principal.org_id, principal.customer_id());
        let period = (r.from.as_str(), r.to.as_str());
        let found = ledger::statement::statement(&self.0, key, period, &r.currency).await?;
        super::ledger::statement_response(found)
    }

    async fn get_my_ledger(
        &self,
        request: Request<pb::MyLedgerRequest>,
    ) -> Rpc<pb::LedgerResponse> {
        let principal = customer(self, &request).await?;
        let r = request.into_inner();
        let page = Page::parse(r.page_size, &r.page_token).map_err(BillingError::Page)?;
        let currency = (!r.currency.is_empty()).then_some(r.currency.as_str());
        let key = (principal.org_id, principal.customer_id());
        let found = ledger::of(&self.0, key, currency, page).await?;
        Ok(Response::new(pb::LedgerResponse {
            balances: found.balances.into_iter().map(Into::into).collect(),
            items: found.items.into_iter().map(Into::into).collect(),
            next_page_token: found.next_page_token,
        }))
    }
}
