//! The PDFs of billing documents as staff download them (`billing.view`; a draft invoice
//! or quote too): rendered by the billing service, the same bytes for the same document,
//! so the SHA-256 is the ETag. One handler serves every kind: the route says which.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::billing::v1 as pb;
use axum::extract::MatchedPath;
use axum::response::Response;
use axum::routing::get;
use http::{HeaderMap, Method};

use crate::api::billing::StatementQuery;
use crate::call;
use crate::extract::{PathId, Query, StaffCall};
use crate::routes::Route;
use crate::routes::files::{Disposition, held};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let view = Permission::BillingView;
    vec![
        Route::get("/api/admin/invoices/{id}/pdf", "The invoice as a PDF", get(document)).staff(view).file(),
        Route::get("/api/admin/credit-notes/{id}/pdf", "The credit note as a PDF", get(document)).staff(view).file(),
        Route::get("/api/admin/quotes/{id}/pdf", "The quote as a PDF", get(document)).staff(view).file(),
        Route::get("/api/admin/orders/{id}/pdf", "The order as a PDF", get(document)).staff(view).file(),
        Route::get("/api/admin/customers/{id}/statement/pdf", "The customer's statement for a period as a PDF", get(statement))
            .staff(view).query::<StatementQuery>().file(),
    ]
}

/// The kind of document a `…/{kind}/{id}/pdf` route renders.
pub(crate) fn kind_of(route: &MatchedPath) -> &'static str {
    let path = route.as_str();
    if path.contains("/credit-notes/") {
        "credit_note"
    } else if path.contains("/quotes/") {
        "quote"
    } else if path.contains("/orders/") {
        "order"
    } else {
        "invoice"
    }
}

/// What the billing service is asked to render.
pub(crate) fn pdf_request(kind: &str, id: String, query: StatementQuery) -> pb::PdfRequest {
    let r = query.request(String::new());
    pb::PdfRequest {
        link_id: String::new(),
        kind: kind.to_owned(),
        id,
        from: r.from,
        to: r.to,
        currency: r.currency,
    }
}

/// The rendered PDF as a file answer.
pub(crate) fn pdf_answer(method: &Method, asked: &HeaderMap, r: pb::PdfResponse) -> Response {
    let name = (r.file_name.as_str(), "application/pdf", Disposition::Inline);
    held(method, asked, name, (r.pdf, r.sha256))
}

pub(crate) async fn document(
    staff: StaffCall,
    (route, method, asked): (MatchedPath, Method, HeaderMap),
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    let request = pdf_request(kind_of(&route), id.to_string(), StatementQuery::default());
    Ok(pdf_answer(
        &method,
        &asked,
        call!(staff, pdfs.render_pdf(request)),
    ))
}

pub(crate) async fn statement(
    staff: StaffCall,
    (method, asked): (Method, HeaderMap),
    PathId(id): PathId,
    Query(query): Query<StatementQuery>,
) -> Result<Response, ApiError> {
    let request = pdf_request("statement", id.to_string(), query);
    Ok(pdf_answer(
        &method,
        &asked,
        call!(staff, pdfs.render_pdf(request)),
    ))
}
