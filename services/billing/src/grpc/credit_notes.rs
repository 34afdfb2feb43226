//! Credit notes, as staff book and read them and as the customer reads their own.

use atrium_common::grpc::timestamp;
use atrium_common::page::Page;
use atrium_proto::billing::v1 as pb;
use tonic::{Request, Response};

use super::customers::{customer, customer_or_link};
use super::{Billing, Rpc, customer_ref, line_input, staff};
use crate::credit_note::store::{CreditNoteRow, Filter};
use crate::credit_note::{self, Credit, CreditNoteView};
use crate::error::BillingError;
use crate::invoice;

/// A credit note without its lines (as lists and invoices show them).
pub(super) fn encode(row: CreditNoteRow) -> pb::CreditNote {
    let c = row.customer;
    pb::CreditNote {
        id: row.credit_note_id.to_string(),
        number: row.number,
        invoice_id: row.invoice_id.to_string(),
        invoice_number: row.invoice_number,
        customer: Some(customer_ref(
            row.customer_id,
            c.customer_name,
            c.customer_email,
            c.customer_company,
        )),
        currency: row.currency,
        issue_date: row.issue_date.to_string(),
        reason: row.reason,
        lines: Vec::new(),
        subtotal: row.subtotal,
        tax_total: row.tax_total,
        total: row.total,
        created_at: Some(timestamp(row.created_at)),
        sent_at: row.sent_at.map(timestamp),
        sent_count: row.sent_count,
    }
}

fn answer(view: CreditNoteView) -> Rpc<pb::CreditNoteResponse> {
    Ok(Response::new(pb::CreditNoteResponse {
        credit_note: Some(pb::CreditNote {
            lines: view.lines.into_iter().map(Into::into).collect(),
            ..encode(view.row)
        }),
    }))
}

fn page(found: credit_note::CreditNotePage) -> Rpc<pb::ListCreditNotesResponse> {
    Ok(Response::new(pb::ListCreditNotesResponse {
        items: found.items.into_iter().map(encode).collect(),
        next_page_token: found.next_page_token,
    }))
}

#[tonic::async_trait]
impl pb::credit_note_service_server::CreditNoteService for Billing {
    async fn create_credit_note(
        &self,
        request: Request<pb::CreateCreditNoteRequest>,
    ) -> Rpc<pb::CreditNoteResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let credit = match (r.lines.is_empty(), r.amount_minor, r.currency.is_empty()) {
            (false, 0, true) => Credit::Lines(r.lines.into_iter().map(line_input).collect()),
            (true, amount_minor, false) => Credit::Amount {
                amount_minor,
                currency: r.currency,
            },
            _ => {
                return Err(BillingError::field("lines", "give either lines or an amount").into());
            }
        };
        let key = (r.invoice_id.as_str(), r.idempotency_key.as_str());
        answer(credit_note::create(&self.0, &principal, key, &r.reason, credit).await?)
    }

    async fn get_credit_note(
        &self,
        request: Request<pb::CreditNoteRequest>,
    ) -> Rpc<pb::CreditNoteResponse> {
        let principal = staff(&request)?;
        let id = &request.get_ref().credit_note_id;
        answer(credit_note::find(&self.0, principal.org_id, None, id).await?)
    }

    async fn list_credit_notes(
        &self,
        request: Request<pb::ListCreditNotesRequest>,
    ) -> Rpc<pb::ListCreditNotesResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let page_of = Page::parse(r.page_size, &r.page_token).map_err(BillingError::Page)?;
        let invoice_id = match r.invoice_id.as_str() {
            "" => None,
            text => Some(
                uuid::Uuid::parse_str(text)
                    .map_err(|_| BillingError::field("invoice_id", "must be a UUID"))?,
            ),
        };
        let customer_id = match r.customer_id.as_str() {
            "" => None,
            text => Some(invoice::customer_id(text)?),
        };
        let filter = Filter {
            invoice_id,
            customer_id,
        };
        page(credit_note::list(&self.0, principal.org_id, filter, page_of).await?)
    }
}

#[tonic::async_trait]
impl pb::customer_credit_note_service_server::CustomerCreditNoteService for Billing {
    async fn list_my_credit_notes(
        &self,
        request: Request<pb::ListMyCreditNotesRequest>,
    ) -> Rpc<pb::ListCreditNotesResponse> {
        let principal = customer(self, &request).await?;
        let r = request.into_inner();
        let page_of = Page::parse(r.page_size, &r.page_token).map_err(BillingError::Page)?;
        let filter = Filter {
            invoice_id: None,
            customer_id: Some(principal.customer_id()),
        };
        page(credit_note::list(&self.0, principal.org_id, filter, page_of).await?)
    }

    async fn get_my_credit_note(
        &self,
        request: Request<pb::CreditNoteRequest>,
    ) -> Rpc<pb::CreditNoteResponse> {
        let r = request.get_ref();
        let about = ("credit_note", r.credit_note_id.as_str(), "");
        let principal = customer_or_link(self, &request, &r.link_id, about).await?;
        let id = &r.credit_note_id;
        let mine = Some(principal.customer_id());
        answer(credit_note::find(&self.0, principal.org_id, mine, id).await?)
    }
}
