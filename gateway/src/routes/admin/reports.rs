//! Billing reports (`billing.view`): the aging of open invoices.

use atrium_common::roles::Permission;
use atrium_proto::billing::v1 as pb;
use axum::routing::get;

use crate::api::billing::{AgingQuery, AgingReport, AgingRow};
use crate::call;
use crate::extract::{Json, Query, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/admin/reports/aging", "Open invoice amounts per customer and currency by days past due, with the organization's totals", get(aging))
            .staff(Permission::BillingView).query::<AgingQuery>().answers::<AgingReport>(200),
    ]
}

pub(crate) async fn aging(
    staff: StaffCall,
    Query(query): Query<AgingQuery>,
) -> Answer<AgingReport> {
    let request = pb::AgingReportRequest {
        as_of: query.as_of.unwrap_or_default(),
    };
    let response = call!(staff, invoices.get_aging_report(request));
    Ok(Json(AgingReport {
        as_of: response.as_of,
        items: response.rows.into_iter().map(AgingRow::from).collect(),
        totals: response.totals.into_iter().map(AgingRow::from).collect(),
    }))
}
