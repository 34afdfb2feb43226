//! The signed-in customer's home page: every assigned project and gallery, read against
//! the assignments on this request, with the organization's branding and, while it is
//! theirs to see, the billing section (from the snapshot billing keeps here, read in the
//! same statement as the settings: no other service is asked), the count of their open
//! requests and of the approvals waiting for them (in that statement too; the oldest
//! five waiting are read only when there are some).

use atrium_common::auth::Principal;
use atrium_common::settings::OrgSettings;
use atrium_proto::billing::v1 as billing;

use crate::AppState;
use crate::approvals::{self, store::ApprovalRow};
use crate::assignment::store;
use crate::error::PortalError;
use crate::permissions;
use crate::project::Card;

pub struct Dashboard {
    /// Newest assignment first; galleries only while the `gallery` feature is on.
    pub projects: Vec<Card>,
    pub settings: OrgSettings,
    /// While feature `billing` is on and the customer holds `can_view_invoices`.
    pub billing: Option<billing::BillingSummary>,
    /// The customer's open and in-progress requests, while feature `requests` is on.
    pub open_requests: Option<i64>,
    /// How many approvals wait for the customer and the oldest five, while feature
    /// `approvals` is on.
    pub approvals: Option<(i64, Vec<ApprovalRow>)>,
}

pub async fn get(state: &AppState, customer: &Principal) -> Result<Dashboard, PortalError> {
    let whose = (customer.org_id, customer.customer_id());
    let (settings, permissions, snapshot, counts) =
        permissions::with_org_counted(state, whose).await?;
    let mut projects = store::list_cards(
        &state.db,
        customer.org_id,
        customer.customer_id(),
        settings.features.gallery,
    )
    .await?;
    let open_requests = settings.features.requests.then_some(counts.open_requests);
    // The oldest five are read only when the count found some.
    let approvals = match (settings.features.approvals, counts.pending_approvals) {
        (false, _) => None,
        (true, 0) => Some((0, Vec::new())),
        (true, n) => Some((n, approvals::store::oldest_pending(&state.db, whose).await?)),
    };
    if !settings.features.gallery {
        // Cover photos are shown through the gallery, which is off.
        projects
            .iter_mut()
            .for_each(|card| card.cover_item_id = None);
    }
    let shown = settings.features.billing && permissions.effective.can_view_invoices;
    let today = state.clock.now().date_naive();
    let billing = shown
        .then(|| crate::billing::summary_of(snapshot.as_deref(), today))
        .transpose()?;
    Ok(Dashboard {
        projects,
        settings,
        billing,
        open_requests,
        approvals,
    })
}
