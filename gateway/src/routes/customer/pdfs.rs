//! The PDFs of the customer's own issued billing documents, under the same gates as the
//! documents themselves.

use atrium_common::error::ApiError;
use atrium_proto::billing::v1 as pb;
use axum::response::Response;
use axum::routing::get;
use http::{HeaderMap, Method};

use crate::api::billing::StatementQuery;
use crate::call;
use crate::extract::{CustomerCall, PathId, Query};
use crate::routes::Route;
use crate::routes::admin::pdfs::pdf_answer;

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let gated = ["PERMISSION_DENIED", "NOT_FOUND"];
    vec![
        Route::get("/api/customer/invoices/{id}/pdf", "The invoice as a PDF", get(invoice)).customer().file().errors(&gated),
        Route::get("/api/customer/credit-notes/{id}/pdf", "The credit note as a PDF", get(credit_note)).customer().file().errors(&gated),
        Route::get("/api/customer/quotes/{id}/pdf", "The quote as a PDF", get(quote)).customer().file().errors(&gated),
        Route::get("/api/customer/orders/{id}/pdf", "The order as a PDF", get(order)).customer().file().errors(&gated),
        Route::get("/api/customer/statement/pdf", "The customer's statement for a period as a PDF", get(statement))
            .customer().query::<StatementQuery>().file().errors(&gated),
    ]
}

async fn render(
    (customer, method, asked): (CustomerCall, Method, HeaderMap),
    kind: &str,
    id: String,
    query: StatementQuery,
) -> Result<Response, ApiError> {
    let r = query.request(String::new());
    let request = pb::PdfRequest {
        kind: kind.to_owned(),
        id,
        from: r.from,
        to: r.to,
        currency: r.currency,
    };
    let answer = call!(customer, my_pdfs.render_my_pdf(request));
    Ok(pdf_answer(&method, &asked, answer))
}

pub(crate) async fn invoice(
    customer: CustomerCall,
    method: Method,
    asked: HeaderMap,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    render(
        (customer, method, asked),
        "invoice",
        id.to_string(),
        StatementQuery::default(),
    )
    .await
}

pub(crate) async fn credit_note(
    customer: CustomerCall,
    method: Method,
    asked: HeaderMap,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    render(
        (customer, method, asked),
        "credit_note",
        id.to_string(),
        StatementQuery::default(),
    )
    .await
}

pub(crate) async fn quote(
    customer: CustomerCall,
    method: Method,
    asked: HeaderMap,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    render(
        (customer, method, asked),
        "quote",
        id.to_string(),
        StatementQuery::default(),
    )
    .await
}

pub(crate) async fn order(
    customer: CustomerCall,
    method: Method,
    asked: HeaderMap,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    render(
        (customer, method, asked),
        "order",
        id.to_string(),
        StatementQuery::default(),
    )
    .await
}

pub(crate) async fn statement(
    customer: CustomerCall,
    method: Method,
    asked: HeaderMap,
    Query(query): Query<StatementQuery>,
) -> Result<Response, ApiError> {
    render((customer, method, asked), "statement", String::new(), query).await
}
