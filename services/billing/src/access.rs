//! Whether a signed-in customer may see billing now, asked of the portal on every call:
//! feature `billing` on (else 404) and their `can_view_invoices` set (else 403 naming
//! it). Nothing is cached, so a change holds from the next request. A share-link
//! holder's call is checked against its link instead (design/links.md: the feature and
//! the permissions do not apply to a document staff chose to send).

use atrium_common::auth::Principal;
use atrium_proto::documents::v1 as documents;
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

/// What a statement's link names besides the customer: its period and currency.
pub fn statement_extra(from: &str, to: &str, currency: &str) -> String {
    format!("{from}/{to}/{currency}")
}

/// A customer call, or a link holder's (`link_id` set by the gateway): the link must be
/// live, the principal's (its organization and customer), and about `subject` (kind, id
/// and a statement's [`statement_extra`], empty for other kinds), as the documents
/// service says; else `TokenInvalid`.
pub async fn customer_or_link(
    state: &AppState,
    customer_principal: &Principal,
    link_id: &str,
    (kind, id, extra): (&str, &str, &str),
) -> Result<(), BillingError> {
    if link_id.is_empty() {
        return customer(state, customer_principal).await;
    }
    let request = customer_principal.request(documents::CheckLinkRequest {
        link_id: link_id.to_owned(),
    });
    let link = match state.links.clone().check_link(request).await {
        Ok(link) => link.into_inner(),
        Err(status) if status.code() == tonic::Code::InvalidArgument => {
            return Err(BillingError::TokenInvalid);
        }
        Err(status) => return Err(BillingError::Documents(status)),
    };
    let about = link.subject.unwrap_or_default();
    if about.kind == kind && about.id == id && about.extra == extra {
        Ok(())
    } else {
        Err(BillingError::TokenInvalid)
    }
}
