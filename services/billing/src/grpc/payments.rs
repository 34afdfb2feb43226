//! Payments, allocations and refunds, as staff book and read them and as the customer
//! reads their own.

use atrium_common::grpc::timestamp;
use atrium_common::page::Page;
use atrium_proto::billing::v1 as pb;
use tonic::{Request, Response};

use super::customers::customer;
use super::{Billing, Rpc, customer_ref, staff};
use crate::error::BillingError;
use crate::invoice;
use crate::payment::refund::{self, NewRefund};
use crate::payment::store::RefundRow;
use crate::payment::{self, AllocationInput, NewPayment, PaymentView};

impl From<PaymentView> for pb::Payment {
    fn from(v: PaymentView) -> pb::Payment {
        let unallocated = v.unallocated();
        let c = v.row_customer();
        let row = v.row;
        pb::Payment {
            id: row.payment_id.to_string(),
            customer: Some(c),
            currency: row.currency,
            amount: row.amount,
            received_on: row.received_on.to_string(),
            method: row.method,
            reference: row.reference,
            allocations: v
                .allocations
                .into_iter()
                .map(|a| pb::Allocation {
                    invoice_id: a.invoice_id.to_string(),
                    invoice_number: a.invoice_number,
                    amount_minor: a.amount,
                })
                .collect(),
            refunded: row.refunded,
            unallocated,
            created_at: Some(timestamp(row.created_at)),
        }
    }
}

impl PaymentView {
    fn row_customer(&self) -> pb::CustomerRef {
        let c = self.row.customer.clone();
        customer_ref(
            self.row.customer_id,
            c.customer_name,
            c.customer_email,
            c.customer_company,
        )
    }
}

impl From<RefundRow> for pb::Refund {
    fn from(r: RefundRow) -> pb::Refund {
        let c = r.customer;
        pb::Refund {
            id: r.refund_id.to_string(),
            customer: Some(customer_ref(
                r.customer_id,
                c.customer_name,
                c.customer_email,
                c.customer_company,
            )),
            currency: r.currency,
            amount: r.amount,
            payment_id: r.payment_id.map(|id| id.to_string()).unwrap_or_default(),
            reason: r.reason,
            created_at: Some(timestamp(r.created_at)),
        }
    }
}

fn inputs(allocations: Vec<pb::Allocation>) -> Vec<AllocationInput> {
    allocations
        .into_iter()
        .map(|a| AllocationInput {
            invoice_id: a.invoice_id,
            amount_minor: a.amount_minor,
        })
        .collect()
}

fn answer(view: PaymentView) -> Rpc<pb::PaymentResponse> {
    Ok(Response::new(pb::PaymentResponse {
        payment: Some(view.into()),
    }))
}

/// The customer a staff list is narrowed to (empty: all).
fn which(text: &str) -> Result<Option<atrium_common::ids::CustomerId>, BillingError> {
    (!text.is_empty())
        .then(|| invoice::customer_id(text))
        .transpose()
}

#[tonic::async_trait]
impl pb::payment_service_server::PaymentService for Billing {
    async fn create_payment(
        &self,
        request: Request<pb::CreatePaymentRequest>,
    ) -> Rpc<pb::PaymentResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let new = NewPayment {
            customer_id: r.customer_id,
            amount_minor: r.amount_minor,
            currency: r.currency,
            received_on: r.received_on,
            method: r.method,
            reference: r.reference,
            allocations: inputs(r.allocations),
        };
        answer(payment::record(&self.0, &principal, new, &r.idempotency_key).await?)
    }

    async fn allocate_payment(
        &self,
        request: Request<pb::AllocatePaymentRequest>,
    ) -> Rpc<pb::PaymentResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let allocations = inputs(r.allocations);
        let key = &r.idempotency_key;
        answer(payment::allocate(&self.0, &principal, &r.payment_id, &allocations, key).await?)
    }

    async fn get_payment(&self, request: Request<pb::PaymentRequest>) -> Rpc<pb::PaymentResponse> {
        let principal = staff(&request)?;
        let id = &request.get_ref().payment_id;
        answer(payment::find(&self.0, principal.org_id, None, id).await?)
    }

    async fn list_payments(
        &self,
        request: Request<pb::ListPaymentsRequest>,
    ) -> Rpc<pb::ListPaymentsResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let page = Page::parse(r.page_size, &r.page_token).map_err(BillingError::Page)?;
        let found = payment::list(&self.0, principal.org_id, which(&r.customer_id)?, page).await?;
        Ok(Response::new(pb::ListPaymentsResponse {
            items: found.items.into_iter().map(Into::into).collect(),
            next_page_token: found.next_page_token,
        }))
    }

    async fn create_refund(
        &self,
        request: Request<pb::CreateRefundRequest>,
    ) -> Rpc<pb::RefundResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let new = NewRefund {
            customer_id: r.customer_id,
            amount_minor: r.amount_minor,
            currency: r.currency,
            payment_id: r.payment_id,
            reason: r.reason,
        };
        let booked = refund::refund(&self.0, &principal, new, &r.idempotency_key).await?;
        Ok(Response::new(pb::RefundResponse {
            refund: Some(booked.into()),
        }))
    }

    async fn list_refunds(
        &self,
        request: Request<pb::ListPaymentsRequest>,
    ) -> Rpc<pb::ListRefundsResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let page = Page::parse(r.page_size, &r.page_token).map_err(BillingError::Page)?;
        let found = refund::list(&self.0, principal.org_id, which(&r.customer_id)?, page).await?;
        Ok(Response::new(pb::ListRefundsResponse {
            items: found.items.into_iter().map(Into::into).collect(),
            next_page_token: found.next_page_token,
        }))
    }
}

#[tonic::async_trait]
impl pb::customer_payment_service_server::CustomerPaymentService for Billing {
    async fn list_my_payments(
        &self,
        request: Request<pb::ListMyPaymentsRequest>,
    ) -> Rpc<pb::ListMyPaymentsResponse> {
        let principal = customer(self, &request).await?;
        let r = request.into_inner();
        let first = r.page_token.is_empty();
        let page = Page::parse(r.page_size, &r.page_token).map_err(BillingError::Page)?;
        let mine = Some(principal.customer_id());
        let found = payment::list(&self.0, principal.org_id, mine, page).await?;
        let refunds = if first {
            let newest = Page::parse(100, "").map_err(BillingError::Page)?;
            refund::list(&self.0, principal.org_id, mine, newest)
                .await?
                .items
        } else {
            Vec::new()
        };
        Ok(Response::new(pb::ListMyPaymentsResponse {
            items: found.items.into_iter().map(Into::into).collect(),
            next_page_token: found.next_page_token,
            refunds: refunds.into_iter().map(Into::into).collect(),
        }))
    }
}
