//! The customer's invoices and ledger: only their own issued invoices, with feature
//! `billing` on (else 404) and `can_view_invoices` (else 403 naming it), checked by the
//! billing service on every request.

use atrium_proto::billing::v1 as pb;
use axum::routing::get;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::api::billing::{
    CreditNote, Invoice, InvoiceDetail, Ledger, LedgerQuery, MyPayments, Statement, StatementQuery,
};
use crate::api::{Page, PageQuery, Paging};
use crate::call;
use crate::extract::{CustomerCall, Json, PathId, Query};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    // 404 while the billing feature is off; 403 PERMISSION_DENIED without can_view_invoices.
    let gated = ["PERMISSION_DENIED", "NOT_FOUND"];
    vec![
        Route::get("/api/customer/invoices", "The customer's issued invoices, newest first", get(list))
            .customer().query::<MyInvoiceFilter>().answers::<Page<Invoice>>(200).errors(&gated),
        Route::get("/api/customer/invoices/{id}", "One of the customer's issued invoices with its payments and credit notes", get(read))
            .customer().answers::<InvoiceDetail>(200).errors(&gated),
        Route::get("/api/customer/credit-notes", "The customer's credit notes, newest first", get(credit_notes))
            .customer().query::<PageQuery>().answers::<Page<CreditNote>>(200).errors(&gated),
        Route::get("/api/customer/credit-notes/{id}", "One of the customer's credit notes", get(credit_note))
            .customer().answers::<CreditNote>(200).errors(&gated),
        Route::get("/api/customer/payments", "The customer's payments with their allocations, and their refunds", get(payments))
            .customer().query::<PageQuery>().answers::<MyPayments>(200).errors(&gated),
        Route::get("/api/customer/ledger", "The customer's balances and ledger entries, newest first", get(ledger))
            .customer().query::<LedgerQuery>().answers::<Ledger>(200).errors(&gated),
        Route::get("/api/customer/statement", "The customer's statement for a period in one currency", get(statement))
            .customer().query::<StatementQuery>().answers::<Statement>(200).errors(&gated),
    ]
}

/// The query of the customer's invoice list.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub(crate) struct MyInvoiceFilter {
    #[schemars(extend("enum" = ["issued", "partially_paid", "paid", "void"]))]
    pub status: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}

pub(crate) async fn list(
    customer: CustomerCall,
    Query(filter): Query<MyInvoiceFilter>,
) -> Answer<Page<Invoice>> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let request = pb::ListMyInvoicesRequest {
        status: filter.status.unwrap_or_default(),
        page_size,
        page_token,
    };
    let response = call!(customer, my_invoices.list_my_invoices(request));
    let items = response.items.into_iter().map(Invoice::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn read(customer: CustomerCall, PathId(id): PathId) -> Answer<InvoiceDetail> {
    let request = pb::InvoiceRequest {
        link_id: String::new(),
        invoice_id: id.to_string(),
    };
    let response = call!(customer, my_invoices.get_my_invoice(request));
    Ok(Json(response.invoice.unwrap_or_default().into()))
}

pub(crate) async fn ledger(
    customer: CustomerCall,
    Query(query): Query<LedgerQuery>,
) -> Answer<Ledger> {
    let (page_size, page_token) = query.paging.size_and_token()?;
    let request = pb::MyLedgerRequest {
        currency: query.currency.unwrap_or_default(),
        page_size,
        page_token,
    };
    Ok(Json(
        call!(customer, my_ledger.get_my_ledger(request)).into(),
    ))
}

pub(crate) async fn credit_notes(
    customer: CustomerCall,
    Query(query): Query<PageQuery>,
) -> Answer<Page<CreditNote>> {
    let (page_size, page_token) = query.paging.size_and_token()?;
    let request = pb::ListMyCreditNotesRequest {
        page_size,
        page_token,
    };
    let response = call!(customer, my_credit_notes.list_my_credit_notes(request));
    let items = response.items.into_iter().map(CreditNote::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn credit_note(customer: CustomerCall, PathId(id): PathId) -> Answer<CreditNote> {
    let request = pb::CreditNoteRequest {
        link_id: String::new(),
        credit_note_id: id.to_string(),
    };
    let response = call!(customer, my_credit_notes.get_my_credit_note(request));
    Ok(Json(response.credit_note.unwrap_or_default().into()))
}

pub(crate) async fn payments(
    customer: CustomerCall,
    Query(query): Query<PageQuery>,
) -> Answer<MyPayments> {
    let (page_size, page_token) = query.paging.size_and_token()?;
    let request = pb::ListMyPaymentsRequest {
        page_size,
        page_token,
    };
    Ok(Json(
        call!(customer, my_payments.list_my_payments(request)).into(),
    ))
}

pub(crate) async fn statement(
    customer: CustomerCall,
    Query(query): Query<StatementQuery>,
) -> Answer<Statement> {
    let request = query.request(String::new());
    Ok(Json(
        call!(customer, my_ledger.get_my_statement(request)).into(),
    ))
}
