//! The signed-in customer's home page: every assigned project and gallery, read against
//! the assignments on this request, with the organization's branding.

use atrium_common::auth::Principal;

use crate::AppState;
use crate::assignment::store;
use crate::error::PortalError;
use crate::project::Card;
use crate::settings;
use atrium_common::settings::OrgSettings;

pub struct Dashboard {
    /// Newest assignment first; galleries only while the `gallery` feature is on.
    pub projects: Vec<Card>,
    pub settings: OrgSettings,
}

pub async fn get(state: &AppState, customer: &Principal) -> Result<Dashboard, PortalError> {
    let settings = settings::load(state, customer.org_id).await?;
    let mut projects = store::list_cards(
        &state.db,
        customer.org_id,
        customer.customer_id(),
        settings.features.gallery,
    )
    .await?;
    if !settings.features.gallery {
        // Cover photos are shown through the gallery, which is off.
        projects
            .iter_mut()
            .for_each(|card| card.cover_item_id = None);
    }
    Ok(Dashboard { projects, settings })
}
