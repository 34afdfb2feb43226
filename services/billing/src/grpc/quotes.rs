//! Quotes, as staff make and convert them and as the customer reads and decides them.

use atrium_common::grpc::timestamp;
use atrium_common::page::Page;
use atrium_proto::billing::v1 as pb;
use tonic::{Request, Response};

use super::customers::{customer, customer_or_link};
use super::{Billing, Rpc, customer_ref, line_input, staff, tax_parts};
use crate::error::BillingError;
use crate::quote::decision::{Channel, Decision};
use crate::quote::{self, QuoteFields, QuoteView};

impl From<QuoteView> for pb::Quote {
    fn from(v: QuoteView) -> pb::Quote {
        let content_sha256 = if v.row.number.is_some() {
            v.content_sha256()
        } else {
            String::new()
        };
        let row = v.row;
        let c = row.customer;
        let d = row.decision;
        let decision = d.decided_at.map(|at| pb::Decision {
            decision: row.status.as_str().to_owned(),
            name: d.decision_name.unwrap_or_default(),
            comment: d.decision_comment.unwrap_or_default(),
            at: Some(timestamp(at)),
            ip: d.decision_ip.unwrap_or_default(),
            user_agent: d.decision_user_agent.unwrap_or_default(),
            channel: d.decision_channel.unwrap_or_default(),
            link_id: d
                .decision_link_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            content_sha256: d.decision_content_sha256.unwrap_or_default(),
        });
        pb::Quote {
            id: row.quote_id.to_string(),
            number: row.number.unwrap_or_default(),
            customer: Some(customer_ref(
                row.customer_id,
                c.customer_name,
                c.customer_email,
                c.customer_company,
            )),
            status: v.status.to_owned(),
            currency: row.currency,
            valid_until: row.valid_until.to_string(),
            lines: v.lines.into_iter().map(Into::into).collect(),
            tax_breakdown: tax_parts(v.tax_breakdown),
            subtotal: row.subtotal,
            tax_total: row.tax_total,
            total: row.total,
            notes: row.notes,
            terms: row.terms,
            decision,
            sent_at: row.sent_at.map(timestamp),
            sent_count: row.sent_count,
            converted_to: row.converted_kind.zip(row.converted_id).map(|(kind, id)| {
                pb::Converted {
                    kind,
                    id: id.to_string(),
                }
            }),
            created_at: Some(timestamp(row.created_at)),
            content_sha256,
        }
    }
}

fn answer(view: QuoteView) -> Rpc<pb::QuoteResponse> {
    Ok(Response::new(pb::QuoteResponse {
        quote: Some(view.into()),
    }))
}

fn page(found: quote::QuotePage) -> Rpc<pb::ListQuotesResponse> {
    Ok(Response::new(pb::ListQuotesResponse {
        items: found.items.into_iter().map(Into::into).collect(),
        next_page_token: found.next_page_token,
    }))
}

#[tonic::async_trait]
impl pb::quote_service_server::QuoteService for Billing {
    async fn create_quote(
        &self,
        request: Request<pb::CreateQuoteRequest>,
    ) -> Rpc<pb::QuoteResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let fields = QuoteFields {
            customer_id: Some(r.customer_id),
            currency: Some(r.currency),
            valid_until: Some(r.valid_until),
            lines: Some(r.lines.into_iter().map(line_input).collect()),
            notes: Some(r.notes),
            terms: Some(r.terms),
        };
        answer(quote::create(&self.0, &principal, fields).await?)
    }

    async fn get_quote(&self, request: Request<pb::QuoteRequest>) -> Rpc<pb::QuoteResponse> {
        let principal = staff(&request)?;
        answer(quote::find(&self.0, principal.org_id, None, &request.get_ref().quote_id).await?)
    }

    async fn list_quotes(
        &self,
        request: Request<pb::ListQuotesRequest>,
    ) -> Rpc<pb::ListQuotesResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let page_of = Page::parse(r.page_size, &r.page_token).map_err(BillingError::Page)?;
        let customer_id = (!r.customer_id.is_empty())
            .then(|| quote::customer_id(&r.customer_id))
            .transpose()?;
        let key = (principal.org_id, customer_id);
        page(quote::list(&self.0, key, false, &r.status, page_of).await?)
    }

    async fn update_quote(
        &self,
        request: Request<pb::UpdateQuoteRequest>,
    ) -> Rpc<pb::QuoteResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let changes = QuoteFields {
            customer_id: r.customer_id,
            currency: r.currency,
            valid_until: r.valid_until,
            lines: r
                .set_lines
                .then(|| r.lines.into_iter().map(line_input).collect()),
            notes: r.notes,
            terms: r.terms,
        };
        answer(quote::update(&self.0, &principal, &r.quote_id, changes).await?)
    }

    async fn delete_quote(
        &self,
        request: Request<pb::QuoteRequest>,
    ) -> Rpc<pb::DeleteQuoteResponse> {
        let principal = staff(&request)?;
        quote::delete(&self.0, &principal, &request.get_ref().quote_id).await?;
        Ok(Response::new(pb::DeleteQuoteResponse {}))
    }

    async fn issue_quote(&self, request: Request<pb::QuoteRequest>) -> Rpc<pb::QuoteResponse> {
        let principal = staff(&request)?;
        answer(quote::issue(&self.0, &principal, &request.get_ref().quote_id).await?)
    }

    async fn convert_quote(
        &self,
        request: Request<pb::ConvertQuoteRequest>,
    ) -> Rpc<pb::QuoteResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        answer(quote::convert::convert(&self.0, &principal, &r.quote_id, &r.to).await?)
    }
}

#[tonic::async_trait]
impl pb::customer_quote_service_server::CustomerQuoteService for Billing {
    async fn list_my_quotes(
        &self,
        request: Request<pb::ListMyQuotesRequest>,
    ) -> Rpc<pb::ListQuotesResponse> {
        let principal = customer(self, &request).await?;
        let r = request.into_inner();
        let page_of = Page::parse(r.page_size, &r.page_token).map_err(BillingError::Page)?;
        let key = (principal.org_id, Some(principal.customer_id()));
        page(quote::list(&self.0, key, true, &r.status, page_of).await?)
    }

    async fn get_my_quote(&self, request: Request<pb::QuoteRequest>) -> Rpc<pb::QuoteResponse> {
        let r = request.get_ref();
        let about = ("quote", r.quote_id.as_str(), "");
        let principal = customer_or_link(self, &request, &r.link_id, about).await?;
        let mine = Some(principal.customer_id());
        let id = &r.quote_id;
        answer(quote::find(&self.0, principal.org_id, mine, id).await?)
    }

    async fn decide_quote(
        &self,
        request: Request<pb::DecideQuoteRequest>,
    ) -> Rpc<pb::QuoteResponse> {
        let r = request.get_ref();
        let about = ("quote", r.quote_id.as_str(), "");
        let principal = customer_or_link(self, &request, &r.link_id, about).await?;
        let r = request.into_inner();
        let channel = match uuid::Uuid::parse_str(&r.link_id) {
            Ok(link) => Channel::Link(link),
            Err(_) => Channel::Portal,
        };
        let decision = Decision {
            accept: r.accept,
            name: r.name,
            comment: r.comment,
            ip: r.client_ip,
            user_agent: r.user_agent,
            channel,
        };
        answer(quote::decision::decide(&self.0, &principal, &r.quote_id, decision).await?)
    }
}
