//! The signed-in customer's home page: every assigned project and gallery, read against
//! the assignments on this request, with the organization's branding and, while it is
//! theirs to see, the billing section.

use atrium_common::auth::Principal;
use atrium_proto::billing::v1 as billing;

use crate::AppState;
use crate::assignment::store;
use crate::error::PortalError;
use crate::permissions::{self, Permissions};
use crate::project::Card;
use atrium_common::settings::OrgSettings;

pub struct Dashboard {
    /// Newest assignment first; galleries only while the `gallery` feature is on.
    pub projects: Vec<Card>,
    pub settings: OrgSettings,
    /// While feature `billing` is on and the customer holds `can_view_invoices`.
    pub billing: Option<billing::BillingSummary>,
}

pub async fn get(state: &AppState, customer: &Principal) -> Result<Dashboard, PortalError> {
    let whose = (customer.org_id, customer.customer_id());
    let (settings, permissions) = permissions::with_org(state, whose).await?;
    let cards = store::list_cards(
        &state.db,
        customer.org_id,
        customer.customer_id(),
        settings.features.gallery,
    );
    let (projects, billing) = tokio::join!(cards, billing_section(state, customer, &settings, &permissions));
    let mut projects = projects?;
    if !settings.features.gallery {
        // Cover photos are shown through the gallery, which is off.
        projects
            .iter_mut()
            .for_each(|card| card.cover_item_id = None);
    }
    Ok(Dashboard {
        projects,
        settings,
        billing: billing?,
    })
}

/// The billing section, decided here with the settings and permissions this request
/// already read, so billing is asked once and does not ask back (its customer routes
/// check with the portal on every call).
async fn billing_section(
    state: &AppState,
    customer: &Principal,
    settings: &OrgSettings,
    permissions: &Permissions,
) -> Result<Option<billing::BillingSummary>, PortalError> {
    if !settings.features.billing || !permissions.effective.can_view_invoices {
        return Ok(None);
    }
    let request = Principal::service().request(billing::BillingSummaryRequest {
        org_id: customer.org_id.to_string(),
        customer_id: customer.customer_id().to_string(),
    });
    let mut client = state.billing.clone();
    match client.get_billing_summary(request).await {
        Ok(summary) => Ok(Some(summary.into_inner())),
        Err(status) => Err(PortalError::Billing(status)),
    }
}
