//! The signed-in customer's home page: every assigned project and gallery, the account
//! manager, the unread notification count and the organization's branding. Sections of
//! services that are not built yet (approvals, invoices, …) are absent, not empty.

use atrium_common::error::ApiError;
use atrium_proto::notifier::v1 as notifier;
use atrium_proto::portal::v1 as pb;
use axum::extract::State;
use axum::routing::get;
use schemars::JsonSchema;
use serde::Serialize;

use crate::GatewayState;
use crate::api::people::Contact;
use crate::api::projects::Card;
use crate::api::settings::branding_of;
use crate::extract::{ActsFor, CustomerSession, CustomerWithContext};
use crate::routes::Route;
use atrium_common::settings::Branding;
use atrium_proto::identity::v1 as identity;

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/customer/dashboard", "The customer's home page: assigned projects and galleries, account manager, \
             unread notifications, branding", get(dashboard))
            .customer().answers::<Dashboard>(200),
    ]
}

#[derive(Serialize, JsonSchema)]
pub(crate) struct Dashboard {
    /// Newest assignment first.
    pub projects: Vec<Card>,
    /// Shown while the organization shows team members.
    pub account_manager: Option<Contact>,
    pub unread_notifications: i64,
    pub branding: Branding,
}

async fn dashboard(
    State(state): State<GatewayState>,
    customer: CustomerWithContext,
) -> Result<axum::Json<Dashboard>, ApiError> {
    let CustomerWithContext {
        session,
        organization,
        account_manager,
        ..
    } = customer;
    load(&state, &session, organization, account_manager)
        .await
        .map(axum::Json)
}

/// The dashboard of the signed-in customer (the page shows the same).
pub(crate) async fn load(
    state: &GatewayState,
    session: &CustomerSession,
    organization: Option<identity::Organization>,
    account_manager: Option<identity::Staff>,
) -> Result<Dashboard, ApiError> {
    let mut portal = state.clients.dashboard.clone();
    let mut notifications = state.clients.notifications.clone();
    let (home, unread) = tokio::join!(
        portal.get_dashboard(session.request(pb::GetDashboardRequest {})),
        notifications.count_unread(session.request(notifier::CountUnreadRequest {})),
    );
    let home = home?.into_inner();
    let unread = unread?.into_inner().unread_count;
    let manager = account_manager
        .filter(|_| home.show_team_members)
        .map(|s| Contact::new(&s.name, &s.title, &s.email, &s.phone));
    let org_name = organization.map(|org| org.name);
    Ok(Dashboard {
        branding: branding_of(home.branding.unwrap_or_default(), org_name),
        projects: home.projects.into_iter().map(Card::from).collect(),
        account_manager: manager,
        unread_notifications: unread,
    })
}
