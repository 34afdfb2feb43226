//! A customer's ledger as staff read it (`billing.view`).

use atrium_common::roles::Permission;
use atrium_proto::billing::v1 as pb;
use axum::routing::get;

use crate::api::billing::{Ledger, LedgerQuery};
use crate::call;
use crate::extract::{Json, PathId, Query, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/admin/customers/{id}/ledger", "The customer's balances and ledger entries, newest first", get(read))
            .staff(Permission::BillingView).query::<LedgerQuery>().answers::<Ledger>(200),
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
