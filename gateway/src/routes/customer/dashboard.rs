//! The signed-in customer's home page: every assigned project and gallery, the account
//! manager, the unread notification count, the organization's branding and, while it is
//! theirs to see, billing; the approvals waiting for them and their open requests while
//! those features are on.

use atrium_common::error::ApiError;
use atrium_proto::billing::v1 as billing;
use atrium_proto::notifier::v1 as notifier;
use atrium_proto::portal::v1 as pb;
use axum::extract::State;
use axum::routing::get;
use schemars::JsonSchema;
use serde::Serialize;

use crate::GatewayState;
use crate::api::billing::{Money, money};
use crate::api::people::Contact;
use crate::api::projects::Card;
use crate::api::settings::branding_of;
use crate::api::{Id, text};
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
    /// Present while feature `billing` is on and the customer holds `can_view_invoices`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing: Option<BillingCard>,
    /// Present while feature `requests` is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<RequestsCard>,
    /// Present while feature `approvals` is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approvals: Option<ApprovalsCard>,
}

/// The dashboard's approvals section: what waits for the customer's decision.
#[derive(Serialize, JsonSchema)]
pub(crate) struct ApprovalsCard {
    pub pending: i64,
    /// The five oldest pending.
    pub items: Vec<PendingApproval>,
}

#[derive(Serialize, JsonSchema)]
pub(crate) struct PendingApproval {
    pub id: Id,
    pub title: String,
    pub project_id: Id,
    /// `YYYY-MM-DD`.
    pub due_on: Option<String>,
}

/// The dashboard's requests section (public data only).
#[derive(Serialize, JsonSchema)]
pub(crate) struct RequestsCard {
    /// Open or in progress.
    pub open: i64,
}

/// The dashboard's billing section.
#[derive(Serialize, JsonSchema)]
pub(crate) struct BillingCard {
    /// Issued or partially paid.
    pub open_invoices: i64,
    /// Of those, past their due date.
    pub overdue_invoices: i64,
    /// Sent and not expired.
    pub open_quotes: i64,
    pub balances: Vec<CurrencyBalance>,
}

/// What the customer owes in one currency (negative: their credit).
#[derive(Serialize, JsonSchema)]
pub(crate) struct CurrencyBalance {
    pub currency: String,
    pub balance_due: Money,
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
    // The portal adds the billing section (asking billing) while it is the customer's.
    let (home, unread) = tokio::join!(
        portal.get_dashboard(session.request(pb::GetDashboardRequest {})),
        notifications.count_unread(session.request(notifier::CountUnreadRequest {})),
    );
    let mut home = home?.into_inner();
    let unread = unread?.into_inner().unread_count;
    let billing = home.billing.take().map(BillingCard::from);
    let manager = account_manager
        .filter(|_| home.show_team_members)
        .map(|s| Contact::new(&s.name, &s.title, &s.email, &s.phone));
    let org_name = organization.map(|org| org.name);
    Ok(Dashboard {
        branding: branding_of(home.branding.unwrap_or_default(), org_name),
        projects: home.projects.into_iter().map(Card::from).collect(),
        account_manager: manager,
        unread_notifications: unread,
        billing,
        requests: home.open_requests.map(|open| RequestsCard { open }),
        approvals: home.approvals.map(|a| ApprovalsCard {
            pending: a.pending,
            items: a
                .items
                .into_iter()
                .map(|i| PendingApproval {
                    id: i.id.into(),
                    title: i.title,
                    project_id: i.project_id.into(),
                    due_on: text(&i.due_on),
                })
                .collect(),
        }),
    })
}

impl From<billing::BillingSummary> for BillingCard {
    fn from(s: billing::BillingSummary) -> BillingCard {
        BillingCard {
            open_invoices: s.open_invoices,
            overdue_invoices: s.overdue_invoices,
            open_quotes: s.open_quotes,
            balances: s
                .balances
                .into_iter()
                .map(|b| CurrencyBalance {
                    balance_due: money(b.balance_due, &b.currency),
                    currency: b.currency,
                })
                .collect(),
        }
    }
}
