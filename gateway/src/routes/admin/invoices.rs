//! Staff's invoices (`billing.view` to read, `billing.manage` to change): drafts edited
//! freely, then issued with a gap-free number and booked in the customer's ledger.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::billing::v1 as pb;
use axum::routing::{delete, get, patch, post};
use http::StatusCode;

use crate::api::Page;
use crate::api::billing::{
    CreditNote, Invoice, InvoiceDetail, InvoiceFilter, InvoicePatch, IssueInvoice, NewCreditNote,
    NewInvoice, VoidInvoice,
};
use crate::call;
use crate::extract::{IdempotencyKey, Json, OptionalJson, PathId, Query, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let (view, manage) = (Permission::BillingView, Permission::BillingManage);
    vec![
        Route::post("/api/admin/invoices", "Create a draft invoice for one of the organization's customers", post(create))
            .staff(manage).body::<NewInvoice>().answers::<Invoice>(201),
        Route::get("/api/admin/invoices", "The organization's invoices, newest first", get(list))
            .staff(view).query::<InvoiceFilter>().answers::<Page<Invoice>>(200),
        Route::get("/api/admin/invoices/{id}", "One invoice with its payments and credit notes", get(read))
            .staff(view).answers::<InvoiceDetail>(200),
        Route::patch("/api/admin/invoices/{id}", "Change a draft (else 409 INVOICE_NOT_DRAFT)", patch(update))
            .staff(manage).body::<InvoicePatch>().answers::<Invoice>(200).errors(&["INVOICE_NOT_DRAFT"]),
        Route::delete("/api/admin/invoices/{id}", "Delete a draft (else 409 INVOICE_NOT_DRAFT)", delete(remove))
            .staff(manage).no_content().errors(&["INVOICE_NOT_DRAFT"]),
        Route::post("/api/admin/invoices/{id}/issue", "Issue a draft: its number, due date and ledger entry", post(issue))
            .staff(manage).body::<IssueInvoice>().answers::<Invoice>(200).errors(&["INVALID_TRANSITION"]),
        Route::post("/api/admin/invoices/{id}/void", "Void an invoice nothing was paid on: a credit note for all that is due", post(void))
            .staff(manage).body::<VoidInvoice>().answers::<Invoice>(200)
            .errors(&["INVALID_TRANSITION", "INVOICE_HAS_PAYMENTS"]),
        Route::post("/api/admin/invoices/{id}/credit-notes", "Credit part of an issued invoice, at most its amount_due", post(credit))
            .staff(manage).body::<NewCreditNote>().answers::<CreditNote>(201).books_money()
            .errors(&["INVALID_TRANSITION"]),
    ]
}

fn invoice_request(PathId(id): &PathId) -> pb::InvoiceRequest {
    pb::InvoiceRequest {
        link_id: String::new(),
        invoice_id: id.to_string(),
    }
}

fn answer(response: pb::InvoiceResponse) -> Invoice {
    response.invoice.unwrap_or_default().into()
}

pub(crate) async fn create(
    staff: StaffCall,
    Json(body): Json<NewInvoice>,
) -> Result<(StatusCode, Json<Invoice>), ApiError> {
    let request = pb::CreateInvoiceRequest {
        customer_id: body.customer_id,
        currency: body.currency,
        lines: body.lines.into_iter().map(Into::into).collect(),
        project_id: body.project_id.unwrap_or_default(),
        notes: body.notes.unwrap_or_default(),
        payment_terms_days: body.payment_terms_days,
    };
    let response = call!(staff, invoices.create_invoice(request));
    Ok((StatusCode::CREATED, Json(answer(response))))
}

pub(crate) async fn list(
    staff: StaffCall,
    Query(filter): Query<InvoiceFilter>,
) -> Answer<Page<Invoice>> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let overdue = match filter.overdue.as_deref() {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::invalid_field("overdue", "must be true or false")),
    };
    let request = pb::ListInvoicesRequest {
        status: filter.status.unwrap_or_default(),
        customer_id: filter.customer_id.unwrap_or_default(),
        overdue,
        q: filter.q.unwrap_or_default(),
        page_size,
        page_token,
    };
    let response = call!(staff, invoices.list_invoices(request));
    let items = response.items.into_iter().map(Invoice::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn read(staff: StaffCall, id: PathId) -> Answer<InvoiceDetail> {
    let response = call!(staff, invoices.get_invoice(invoice_request(&id)));
    Ok(Json(response.invoice.unwrap_or_default().into()))
}

pub(crate) async fn update(
    staff: StaffCall,
    PathId(id): PathId,
    Json(body): Json<InvoicePatch>,
) -> Answer<Invoice> {
    let lines = body.lines.required("lines", "cannot be null")?;
    let request = pb::UpdateInvoiceRequest {
        invoice_id: id.to_string(),
        customer_id: body.customer_id.required("customer_id", "cannot be null")?,
        currency: body.currency.required("currency", "cannot be null")?,
        set_lines: lines.is_some(),
        lines: lines
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        project_id: body.project_id.text(),
        notes: body.notes.text(),
        payment_terms_days: body
            .payment_terms_days
            .required("payment_terms_days", "cannot be null")?,
    };
    let response = call!(staff, invoices.update_invoice(request));
    Ok(Json(answer(response)))
}

pub(crate) async fn remove(staff: StaffCall, id: PathId) -> Result<StatusCode, ApiError> {
    call!(staff, invoices.delete_invoice(invoice_request(&id)));
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn issue(
    staff: StaffCall,
    PathId(id): PathId,
    OptionalJson(body): OptionalJson<IssueInvoice>,
) -> Answer<Invoice> {
    let request = pb::IssueInvoiceRequest {
        invoice_id: id.to_string(),
        issue_date: body.issue_date.unwrap_or_default(),
    };
    let response = call!(staff, invoices.issue_invoice(request));
    Ok(Json(answer(response)))
}

pub(crate) async fn void(
    staff: StaffCall,
    PathId(id): PathId,
    Json(body): Json<VoidInvoice>,
) -> Answer<Invoice> {
    let request = pb::VoidInvoiceRequest {
        invoice_id: id.to_string(),
        reason: body.reason,
    };
    let response = call!(staff, invoices.void_invoice(request));
    Ok(Json(answer(response)))
}

pub(crate) async fn credit(
    staff: StaffCall,
    PathId(id): PathId,
    IdempotencyKey(key): IdempotencyKey,
    Json(body): Json<NewCreditNote>,
) -> Result<(StatusCode, Json<CreditNote>), ApiError> {
    let (amount_minor, currency) = match body.amount {
        Some(amount) => (amount.amount_minor, amount.currency),
        None => (0, String::new()),
    };
    let request = pb::CreateCreditNoteRequest {
        invoice_id: id.to_string(),
        reason: body.reason,
        lines: body
            .lines
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        amount_minor,
        currency,
        idempotency_key: key,
    };
    let response = call!(staff, credit_notes.create_credit_note(request));
    let note = CreditNote::from(response.credit_note.unwrap_or_default());
    Ok((StatusCode::CREATED, Json(note)))
}
