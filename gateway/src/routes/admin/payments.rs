//! Payments with their allocations, refunds and credit notes as staff book and read them
//! (`billing.view` to read, `billing.manage` to book, each booking once per
//! `Idempotency-Key`).

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::billing::v1 as pb;
use axum::routing::{get, post};
use http::StatusCode;

use crate::api::Page;
use crate::api::billing::{
    CreditNote, CreditNoteFilter, NewAllocations, NewPayment, NewRefund, Payment, PaymentFilter,
    Refund,
};
use crate::call;
use crate::extract::{IdempotencyKey, Json, PathId, Query, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let (view, manage) = (Permission::BillingView, Permission::BillingManage);
    vec![
        Route::post("/api/admin/payments", "Book a payment and its allocations to the customer's open invoices; the rest stays their credit", post(create))
            .staff(manage).body::<NewPayment>().answers::<Payment>(201).books_money(),
        Route::get("/api/admin/payments", "The organization's payments with their allocations, newest first", get(list))
            .staff(view).query::<PaymentFilter>().answers::<Page<Payment>>(200),
        Route::get("/api/admin/payments/{id}", "One payment with its allocations", get(read))
            .staff(view).answers::<Payment>(200),
        Route::post("/api/admin/payments/{id}/allocations", "Allocate more of a payment's credit to open invoices", post(allocate))
            .staff(manage).body::<NewAllocations>().answers::<Payment>(200).books_money(),
        Route::post("/api/admin/refunds", "Give back some of a customer's credit (of one payment, when named)", post(refund))
            .staff(manage).body::<NewRefund>().answers::<Refund>(201).books_money(),
        Route::get("/api/admin/refunds", "The organization's refunds, newest first", get(refunds))
            .staff(view).query::<PaymentFilter>().answers::<Page<Refund>>(200),
        Route::get("/api/admin/credit-notes", "The organization's credit notes, newest first", get(credit_notes))
            .staff(view).query::<CreditNoteFilter>().answers::<Page<CreditNote>>(200),
        Route::get("/api/admin/credit-notes/{id}", "One credit note with its lines", get(credit_note))
            .staff(view).answers::<CreditNote>(200),
    ]
}

fn payment(response: pb::PaymentResponse) -> Json<Payment> {
    Json(response.payment.unwrap_or_default().into())
}

pub(crate) async fn create(
    staff: StaffCall,
    IdempotencyKey(key): IdempotencyKey,
    Json(body): Json<NewPayment>,
) -> Result<(StatusCode, Json<Payment>), ApiError> {
    let request = pb::CreatePaymentRequest {
        customer_id: body.customer_id,
        amount_minor: body.amount.amount_minor,
        currency: body.amount.currency,
        received_on: body.received_on,
        method: body.method,
        reference: body.reference.unwrap_or_default(),
        allocations: body.allocations.into_iter().map(Into::into).collect(),
        idempotency_key: key,
    };
    let response = call!(staff, payments.create_payment(request));
    Ok((StatusCode::CREATED, payment(response)))
}

pub(crate) async fn list(
    staff: StaffCall,
    Query(filter): Query<PaymentFilter>,
) -> Answer<Page<Payment>> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let request = pb::ListPaymentsRequest {
        customer_id: filter.customer_id.unwrap_or_default(),
        page_size,
        page_token,
    };
    let response = call!(staff, payments.list_payments(request));
    let items = response.items.into_iter().map(Payment::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn read(staff: StaffCall, PathId(id): PathId) -> Answer<Payment> {
    let request = pb::PaymentRequest {
        payment_id: id.to_string(),
    };
    Ok(payment(call!(staff, payments.get_payment(request))))
}

pub(crate) async fn allocate(
    staff: StaffCall,
    PathId(id): PathId,
    IdempotencyKey(key): IdempotencyKey,
    Json(body): Json<NewAllocations>,
) -> Answer<Payment> {
    let request = pb::AllocatePaymentRequest {
        payment_id: id.to_string(),
        allocations: body.allocations.into_iter().map(Into::into).collect(),
        idempotency_key: key,
    };
    Ok(payment(call!(staff, payments.allocate_payment(request))))
}

pub(crate) async fn refund(
    staff: StaffCall,
    IdempotencyKey(key): IdempotencyKey,
    Json(body): Json<NewRefund>,
) -> Result<(StatusCode, Json<Refund>), ApiError> {
    let request = pb::CreateRefundRequest {
        customer_id: body.customer_id,
        amount_minor: body.amount.amount_minor,
        currency: body.amount.currency,
        payment_id: body.payment_id.unwrap_or_default(),
        reason: body.reason,
        idempotency_key: key,
    };
    let response = call!(staff, payments.create_refund(request));
    let refund = Refund::from(response.refund.unwrap_or_default());
    Ok((StatusCode::CREATED, Json(refund)))
}

pub(crate) async fn refunds(
    staff: StaffCall,
    Query(filter): Query<PaymentFilter>,
) -> Answer<Page<Refund>> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let request = pb::ListPaymentsRequest {
        customer_id: filter.customer_id.unwrap_or_default(),
        page_size,
        page_token,
    };
    let response = call!(staff, payments.list_refunds(request));
    let items = response.items.into_iter().map(Refund::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn credit_notes(
    staff: StaffCall,
    Query(filter): Query<CreditNoteFilter>,
) -> Answer<Page<CreditNote>> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let request = pb::ListCreditNotesRequest {
        invoice_id: filter.invoice_id.unwrap_or_default(),
        customer_id: filter.customer_id.unwrap_or_default(),
        page_size,
        page_token,
    };
    let response = call!(staff, credit_notes.list_credit_notes(request));
    let items = response.items.into_iter().map(CreditNote::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn credit_note(staff: StaffCall, PathId(id): PathId) -> Answer<CreditNote> {
    let request = pb::CreditNoteRequest {
        link_id: String::new(),
        credit_note_id: id.to_string(),
    };
    let response = call!(staff, credit_notes.get_credit_note(request));
    Ok(Json(response.credit_note.unwrap_or_default().into()))
}
