//! PDFs, for staff and for the customer's own documents.

use atrium_proto::billing::v1 as pb;
use tonic::{Request, Response};

use super::customers::customer_or_link;
use super::{Billing, Rpc, staff};
use crate::pdf::render::{Period, Rendered, render};

fn answer(r: Rendered) -> Rpc<pb::PdfResponse> {
    Ok(Response::new(pb::PdfResponse {
        pdf: r.bytes,
        file_name: r.file_name,
        sha256: r.sha256,
    }))
}

fn period(r: &pb::PdfRequest) -> Period<'_> {
    Period {
        from: &r.from,
        to: &r.to,
        currency: &r.currency,
    }
}

#[tonic::async_trait]
impl pb::pdf_service_server::PdfService for Billing {
    async fn render_pdf(&self, request: Request<pb::PdfRequest>) -> Rpc<pb::PdfResponse> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        answer(render(&self.0, &principal, (&r.kind, &r.id), period(r)).await?)
    }
}

#[tonic::async_trait]
impl pb::customer_pdf_service_server::CustomerPdfService for Billing {
    async fn render_my_pdf(&self, request: Request<pb::PdfRequest>) -> Rpc<pb::PdfResponse> {
        let r = request.get_ref();
        let extra = match r.kind.as_str() {
            "statement" => crate::access::statement_extra(&r.from, &r.to, &r.currency),
            _ => String::new(),
        };
        let about = (r.kind.as_str(), r.id.as_str(), extra.as_str());
        let principal = customer_or_link(self, &request, &r.link_id, about).await?;
        answer(render(&self.0, &principal, (&r.kind, &r.id), period(r)).await?)
    }
}
