//! The seller's details printed on every document (`billing.manage`).

use atrium_common::roles::Permission;
use atrium_proto::billing::v1 as pb;
use axum::routing::get;

use crate::api::billing::{BillingSettings, BillingSettingsPatch};
use crate::call;
use crate::extract::{Json, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let manage = Permission::BillingManage;
    vec![
        Route::get("/api/admin/billing/settings", "The seller's details and default payment terms", get(read))
            .staff(manage).answers::<BillingSettings>(200),
        Route::patch("/api/admin/billing/settings", "Change the seller's details or default payment terms", axum::routing::patch(update))
            .staff(manage).body::<BillingSettingsPatch>().answers::<BillingSettings>(200),
    ]
}

pub(crate) async fn read(staff: StaffCall) -> Answer<BillingSettings> {
    let response = call!(
        staff,
        billing_settings.get_billing_settings(pb::GetBillingSettingsRequest {})
    );
    Ok(Json(response.settings.unwrap_or_default().into()))
}

pub(crate) async fn update(
    staff: StaffCall,
    Json(body): Json<BillingSettingsPatch>,
) -> Answer<BillingSettings> {
    let request = pb::UpdateBillingSettingsRequest {
        legal_name: body.legal_name.text(),
        address: body.address.text(),
        vat_id: body.vat_id.text(),
        payment_instructions: body.payment_instructions.text(),
        payment_terms_days: body
            .payment_terms_days
            .required("payment_terms_days", "cannot be null")?,
    };
    let response = call!(staff, billing_settings.update_billing_settings(request));
    Ok(Json(response.settings.unwrap_or_default().into()))
}
