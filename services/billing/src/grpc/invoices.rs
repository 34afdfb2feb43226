//! Staff's invoices.

use atrium_common::page::Page;
use atrium_proto::billing::v1 as pb;
use tonic::{Request, Response};

use super::{Billing, Rpc, date, line_input, staff};
use crate::error::BillingError;
use crate::invoice::{self, DraftChanges, InvoiceView, NewDraft, Status, report, store::Filter};

fn answer(view: InvoiceView) -> Rpc<pb::InvoiceResponse> {
    Ok(Response::new(pb::InvoiceResponse {
        invoice: Some(view.into()),
    }))
}

fn optional(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

#[tonic::async_trait]
impl pb::invoice_service_server::InvoiceService for Billing {
    async fn create_invoice(
        &self,
        request: Request<pb::CreateInvoiceRequest>,
    ) -> Rpc<pb::InvoiceResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let draft = NewDraft {
            customer_id: r.customer_id,
            currency: r.currency,
            lines: r.lines.into_iter().map(line_input).collect(),
            project_id: optional(&r.project_id).map(str::to_owned),
            notes: r.notes,
            payment_terms_days: r.payment_terms_days,
        };
        answer(invoice::create(&self.0, &principal, draft).await?)
    }

    async fn get_invoice(&self, request: Request<pb::InvoiceRequest>) -> Rpc<pb::InvoiceResponse> {
        let principal = staff(&request)?;
        let view = invoice::find(&self.0, principal.org_id, &request.get_ref().invoice_id).await?;
        let detail = invoice::detail(&self.0, view).await?;
        Ok(Response::new(pb::InvoiceResponse {
            invoice: Some(detail.into()),
        }))
    }

    async fn void_invoice(
        &self,
        request: Request<pb::VoidInvoiceRequest>,
    ) -> Rpc<pb::InvoiceResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        answer(crate::credit_note::void(&self.0, &principal, &r.invoice_id, &r.reason).await?)
    }

    async fn list_invoices(
        &self,
        request: Request<pb::ListInvoicesRequest>,
    ) -> Rpc<pb::ListInvoicesResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let page = Page::parse(r.page_size, &r.page_token).map_err(BillingError::Page)?;
        let status = match optional(&r.status) {
            None => None,
            Some(text) => Some(Status::parse(text).ok_or_else(|| {
                BillingError::field(
                    "status",
                    "must be draft, issued, partially_paid, paid or void",
                )
            })?),
        };
        let customer_id = optional(&r.customer_id)
            .map(invoice::customer_id)
            .transpose()?;
        let filter = Filter {
            customer_id,
            status,
            issued_only: false,
            overdue_on: r.overdue.then(|| self.0.clock.now().date_naive()),
            q: optional(r.q.trim()),
        };
        let found = invoice::list(&self.0, principal.org_id, &filter, page).await?;
        Ok(Response::new(pb::ListInvoicesResponse {
            items: found.items.into_iter().map(Into::into).collect(),
            next_page_token: found.next_page_token,
        }))
    }

    async fn update_invoice(
        &self,
        request: Request<pb::UpdateInvoiceRequest>,
    ) -> Rpc<pb::InvoiceResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let changes = DraftChanges {
            customer_id: r.customer_id,
            currency: r.currency,
            lines: r
                .set_lines
                .then(|| r.lines.into_iter().map(line_input).collect()),
            project_id: r.project_id.map(|p| (!p.is_empty()).then_some(p)),
            notes: r.notes,
            payment_terms_days: r.payment_terms_days,
        };
        answer(invoice::update(&self.0, &principal, &r.invoice_id, changes).await?)
    }

    async fn delete_invoice(
        &self,
        request: Request<pb::InvoiceRequest>,
    ) -> Rpc<pb::DeleteInvoiceResponse> {
        let principal = staff(&request)?;
        invoice::delete(&self.0, &principal, &request.get_ref().invoice_id).await?;
        Ok(Response::new(pb::DeleteInvoiceResponse {}))
    }

    async fn issue_invoice(
        &self,
        request: Request<pb::IssueInvoiceRequest>,
    ) -> Rpc<pb::InvoiceResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let on = date(&r.issue_date, "issue_date")?;
        answer(invoice::issue(&self.0, &principal, &r.invoice_id, on).await?)
    }

    async fn get_aging_report(
        &self,
        request: Request<pb::AgingReportRequest>,
    ) -> Rpc<pb::AgingReportResponse> {
        let principal = staff(&request)?;
        let as_of = date(&request.get_ref().as_of, "as_of")?;
        let report = report::aging_report(&self.0, principal.org_id, as_of).await?;
        let row = |customer: Option<pb::CustomerRef>, currency: String, b: report::Buckets| {
            pb::AgingRow {
                customer,
                currency,
                current: b.current,
                d1_30: b.d1_30,
                d31_60: b.d31_60,
                d61_90: b.d61_90,
                d90_plus: b.d90_plus,
                total: b.total,
            }
        };
        let rows = report
            .rows
            .into_iter()
            .map(|r| {
                let customer = pb::CustomerRef {
                    id: r.customer_id.to_string(),
                    name: r.customer.customer_name,
                    email: r.customer.customer_email,
                    company: r.customer.customer_company,
                };
                row(Some(customer), r.currency, r.buckets)
            })
            .collect();
        let totals = report
            .totals
            .into_iter()
            .map(|(currency, b)| row(None, currency, b))
            .collect();
        Ok(Response::new(pb::AgingReportResponse {
            as_of: report.as_of.to_string(),
            rows,
            totals,
        }))
    }
}
