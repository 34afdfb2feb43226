//! A customer's ledger as staff read it (`billing.view`).

use atrium_common::roles::Permission;
use atrium_proto::billing::v1 as pb;
use axum::routing::{get, post};
use http::StatusCode;

use crate::api::billing::{
    Ledger, LedgerEntry, LedgerQuery, NewAdjustment, Statement, StatementQuery,
};
use crate::call;
use crate::extract::{IdempotencyKey, Json, PathId, Query, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/admin/customers/{id}/ledger", "The customer's balances and ledger entries, newest first", get(read))
            .staff(Permission::BillingView).query::<LedgerQuery>().answers::<Ledger>(200),
        Route::post("/api/admin/customers/{id}/ledger/adjustments", "Book a manual correction once per Idempotency-Key (the same key and body answer the first entry again)", post(adjust))
            .staff(Permission::BillingManage).body::<NewAdjustment>().answers::<LedgerEntry>(201)
            .books_money(),
        Route::get("/api/admin/customers/{id}/statement", "The customer's statement for a period in one currency", get(statement))
            .staff(Permission::BillingView).query::<StatementQuery>().answers::<Statement>(200),
    ]
}

pub(crate) async fn read(
    staff: StaffCall,
    PathId(id): PathId,
    Query(query): Query<LedgerQuery>,
) -> Answer<Ledger> {
    let (page_size, page_token) = query.paging.size_and_token()?;
    let request = pb::CustomerLedgerRequest {
        customer_id: id.to_string(),
        currency: query.currency.unwrap_or_default(),
        page_size,
        page_token,
    };
    Ok(Json(
        call!(staff, ledger.get_customer_ledger(request)).into(),
    ))
}

pub(crate) async fn adjust(
    staff: StaffCall,
    PathId(id): PathId,
    IdempotencyKey(key): IdempotencyKey,
    Json(body): Json<NewAdjustment>,
) -> Result<(StatusCode, Json<LedgerEntry>), atrium_common::error::ApiError> {
    let request = pb::AddAdjustmentRequest {
        customer_id: id.to_string(),
        amount_minor: body.amount.amount_minor,
        currency: body.amount.currency,
        direction: body.direction,
        reason: body.reason,
        idempotency_key: key,
    };
    let response = call!(staff, ledger.add_adjustment(request));
    let entry = LedgerEntry::from(response.entry.unwrap_or_default());
    Ok((StatusCode::CREATED, Json(entry)))
}

pub(crate) async fn statement(
    staff: StaffCall,
    PathId(id): PathId,
    Query(query): Query<StatementQuery>,
) -> Answer<Statement> {
    let request = query.request(id.to_string());
    Ok(Json(call!(staff, ledger.get_statement(request)).into()))
}
