//! The PDFs of the customer's own issued billing documents, under the same gates as the
//! documents themselves. One handler serves every kind: the route says which.

use atrium_common::error::ApiError;
use axum::extract::MatchedPath;
use axum::response::Response;
use axum::routing::get;
use http::{HeaderMap, Method};

use crate::api::billing::StatementQuery;
use crate::call;
use crate::extract::{CustomerCall, PathId, Query};
use crate::routes::Route;
use crate::routes::admin::pdfs::{kind_of, pdf_answer, pdf_request};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let gated = ["PERMISSION_DENIED", "NOT_FOUND"];
    vec![
        Route::get("/api/customer/invoices/{id}/pdf", "The invoice as a PDF", get(document)).customer().file().errors(&gated),
        Route::get("/api/customer/credit-notes/{id}/pdf", "The credit note as a PDF", get(document)).customer().file().errors(&gated),
        Route::get("/api/customer/quotes/{id}/pdf", "The quote as a PDF", get(document)).customer().file().errors(&gated),
        Route::get("/api/customer/orders/{id}/pdf", "The order as a PDF", get(document)).customer().file().errors(&gated),
        Route::get("/api/customer/statement/pdf", "The customer's statement for a period as a PDF", get(statement))
            .customer().query::<StatementQuery>().file().errors(&gated),
    ]
}

pub(crate) async fn document(
    customer: CustomerCall,
    (route, method, asked): (MatchedPath, Method, HeaderMap),
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    let request = pdf_request(kind_of(&route), id.to_string(), StatementQuery::default());
    Ok(pdf_answer(
        &method,
        &asked,
        call!(customer, my_pdfs.render_my_pdf(request)),
    ))
}

pub(crate) async fn statement(
    customer: CustomerCall,
    (method, asked): (Method, HeaderMap),
    Query(query): Query<StatementQuery>,
) -> Result<Response, ApiError> {
    let request = pdf_request("statement", String::new(), query);
    Ok(pdf_answer(
        &method,
        &asked,
        call!(customer, my_pdfs.render_my_pdf(request)),
    ))
}
