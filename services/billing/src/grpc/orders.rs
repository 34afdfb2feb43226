//! Sales orders, as staff make and move them and as the customer reads their own.

use atrium_common::grpc::timestamp;
use atrium_common::page::Page;
use atrium_proto::billing::v1 as pb;
use tonic::{Request, Response};

use super::customers::{customer, customer_or_link};
use super::{Billing, Rpc, customer_ref, line_input, staff, tax_parts};
use crate::error::BillingError;
use crate::order::{self, NewOrder, OrderView, Status};

impl From<OrderView> for pb::Order {
    fn from(v: OrderView) -> pb::Order {
        let row = v.row;
        let c = row.customer;
        let id = |id: Option<uuid::Uuid>| id.map(|id| id.to_string()).unwrap_or_default();
        pb::Order {
            id: row.order_id.to_string(),
            number: row.number,
            customer: Some(customer_ref(
                row.customer_id,
                c.customer_name,
                c.customer_email,
                c.customer_company,
            )),
            status: row.status.as_str().to_owned(),
            currency: row.currency,
            lines: v.lines.into_iter().map(Into::into).collect(),
            tax_breakdown: tax_parts(v.tax_breakdown),
            subtotal: row.subtotal,
            tax_total: row.tax_total,
            total: row.total,
            notes: row.notes,
            quote_id: id(row.quote_id),
            invoice_id: id(row.invoice_id),
            created_at: Some(timestamp(row.created_at)),
            sent_at: row.sent_at.map(timestamp),
            sent_count: row.sent_count,
        }
    }
}

fn answer(view: OrderView) -> Rpc<pb::OrderResponse> {
    Ok(Response::new(pb::OrderResponse {
        order: Some(view.into()),
    }))
}

fn page(found: order::OrderPage) -> Rpc<pb::ListOrdersResponse> {
    Ok(Response::new(pb::ListOrdersResponse {
        items: found.items.into_iter().map(Into::into).collect(),
        next_page_token: found.next_page_token,
    }))
}

#[tonic::async_trait]
impl pb::order_service_server::OrderService for Billing {
    async fn create_order(
        &self,
        request: Request<pb::CreateOrderRequest>,
    ) -> Rpc<pb::OrderResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let new = NewOrder {
            customer_id: r.customer_id,
            currency: r.currency,
            lines: r.lines.into_iter().map(line_input).collect(),
            notes: r.notes,
        };
        answer(order::create(&self.0, &principal, new).await?)
    }

    async fn get_order(&self, request: Request<pb::OrderRequest>) -> Rpc<pb::OrderResponse> {
        let principal = staff(&request)?;
        answer(order::find(&self.0, principal.org_id, None, &request.get_ref().order_id).await?)
    }

    async fn list_orders(
        &self,
        request: Request<pb::ListOrdersRequest>,
    ) -> Rpc<pb::ListOrdersResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let page_of = Page::parse(r.page_size, &r.page_token).map_err(BillingError::Page)?;
        let customer_id = (!r.customer_id.is_empty())
            .then(|| crate::invoice::customer_id(&r.customer_id))
            .transpose()?;
        let key = (principal.org_id, customer_id);
        page(order::list(&self.0, key, &r.status, page_of).await?)
    }

    async fn fulfil_order(&self, request: Request<pb::OrderRequest>) -> Rpc<pb::OrderResponse> {
        let principal = staff(&request)?;
        let id = &request.get_ref().order_id;
        answer(order::close(&self.0, &principal, id, Status::Fulfilled).await?)
    }

    async fn cancel_order(&self, request: Request<pb::OrderRequest>) -> Rpc<pb::OrderResponse> {
        let principal = staff(&request)?;
        let id = &request.get_ref().order_id;
        answer(order::close(&self.0, &principal, id, Status::Cancelled).await?)
    }

    async fn invoice_order(&self, request: Request<pb::OrderRequest>) -> Rpc<pb::OrderResponse> {
        let principal = staff(&request)?;
        answer(order::invoice(&self.0, &principal, &request.get_ref().order_id).await?)
    }
}

#[tonic::async_trait]
impl pb::customer_order_service_server::CustomerOrderService for Billing {
    async fn list_my_orders(
        &self,
        request: Request<pb::ListMyOrdersRequest>,
    ) -> Rpc<pb::ListOrdersResponse> {
        let principal = customer(self, &request).await?;
        let r = request.into_inner();
        let page_of = Page::parse(r.page_size, &r.page_token).map_err(BillingError::Page)?;
        let key = (principal.org_id, Some(principal.customer_id()));
        page(order::list(&self.0, key, &r.status, page_of).await?)
    }

    async fn get_my_order(&self, request: Request<pb::OrderRequest>) -> Rpc<pb::OrderResponse> {
        let r = request.get_ref();
        let about = ("order", r.order_id.as_str(), "");
        let principal = customer_or_link(self, &request, &r.link_id, about).await?;
        let mine = Some(principal.customer_id());
        answer(order::find(&self.0, principal.org_id, mine, &r.order_id).await?)
    }
}
