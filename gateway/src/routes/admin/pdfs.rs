//! The PDFs of billing documents as staff download them (`billing.view`; a draft invoice
//! or quote too): rendered by the billing service, the same bytes for the same document,
//! so the SHA-256 is the ETag.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::billing::v1 as pb;
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
        Route::get("/api/admin/invoices/{id}/pdf", "The invoice as a PDF", get(invoice)).staff(view).file(),
        Route::get("/api/admin/credit-notes/{id}/pdf", "The credit note as a PDF", get(credit_note)).staff(view).file(),
        Route::get("/api/admin/quotes/{id}/pdf", "The quote as a PDF", get(quote)).staff(view).file(),
        Route::get("/api/admin/orders/{id}/pdf", "The order as a PDF", get(order)).staff(view).file(),
        Route::get("/api/admin/customers/{id}/statement/pdf", "The customer's statement for a period as a PDF", get(statement))
            .staff(view).query::<StatementQuery>().file(),
    ]
}

/// The PDF the billing service renders for `request`, as a file answer.
pub(crate) fn pdf_answer(method: &Method, asked: &HeaderMap, r: pb::PdfResponse) -> Response {
    let name = (r.file_name.as_str(), "application/pdf", Disposition::Inline);
    held(method, asked, name, (r.pdf, r.sha256))
}

async fn render(
    (staff, method, asked): (StaffCall, Method, HeaderMap),
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
    let answer = call!(staff, pdfs.render_pdf(request));
    Ok(pdf_answer(&method, &asked, answer))
}

pub(crate) async fn invoice(
    staff: StaffCall,
    method: Method,
    asked: HeaderMap,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    render(
        (staff, method, asked),
        "invoice",
        id.to_string(),
        StatementQuery::default(),
    )
    .await
}

pub(crate) async fn credit_note(
    staff: StaffCall,
    method: Method,
    asked: HeaderMap,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    render(
        (staff, method, asked),
        "credit_note",
        id.to_string(),
        StatementQuery::default(),
    )
    .await
}

pub(crate) async fn quote(
    staff: StaffCall,
    method: Method,
    asked: HeaderMap,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    render(
        (staff, method, asked),
        "quote",
        id.to_string(),
        StatementQuery::default(),
    )
    .await
}

pub(crate) async fn order(
    staff: StaffCall,
    method: Method,
    asked: HeaderMap,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    render(
        (staff, method, asked),
        "order",
        id.to_string(),
        StatementQuery::default(),
    )
    .await
}

pub(crate) async fn statement(
    staff: StaffCall,
    method: Method,
    asked: HeaderMap,
    PathId(id): PathId,
    Query(query): Query<StatementQuery>,
) -> Result<Response, ApiError> {
    render((staff, method, asked), "statement", id.to_string(), query).await
}
