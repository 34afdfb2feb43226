//! Whether a signed-in customer may see billing now, asked of the portal on every call:
//! feature `billing` on (else 404) and their `can_view_invoices` set (else 403 naming
//! it). Nothing is cached, so a change holds from the next request.

use atrium_common::auth::Principal;
use atrium_proto::portal::v1 as portal;

use crate::AppState;
use crate::error::BillingError;

pub async fn customer(state: &AppState, customer: &Principal) -> Result<(), BillingError> {
    let request = customer.request(portal::CheckMyAccessRequest {
        feature: "billing".to_owned(),
        permission: "can_view_invoices".to_owned(),
    });
    match state.access.clone().check_my_access(request).await {
        Ok(_) => Ok(()),
        Err(status) => Err(match status.code() {
            tonic::Code::NotFound => BillingError::BillingOff,
            tonic::Code::PermissionDenied => BillingError::CannotViewInvoices,
            _ => BillingError::Portal(status),
        }),
    }
}
