//! The signed-in customer's home page: every assigned project and gallery, the unread
//! notification count and the organization's branding. Sections of services that are
//! not built yet (approvals, invoices, …) are absent, not empty.

use atrium_common::error::ApiError;
use atrium_proto::notifier::v1 as notifier;
use atrium_proto::portal::v1 as pb;
use axum::extract::State;
use axum::routing::get;
use http::Method;
use serde::Serialize;
use serde_json::{Value, json};

use super::org_settings::{branding_json, branding_schema};
use super::{Route, Security, non_empty, object, string, uuid};
use crate::GatewayState;
use crate::extract::{ActsFor, CustomerWithContext};

pub fn routes() -> Vec<Route> {
    let date = json!({"type": ["string", "null"], "format": "date"});
    let project = object(
        &[
            ("id", uuid()),
            ("name", string()),
            ("kind", string()),
            ("starts_on", date.clone()),
            ("ends_on", date),
            ("status", string()),
            ("cover_url", json!({"type": ["string", "null"]})),
            ("progress", json!({"type": "integer"})),
        ],
        &[
            "id",
            "name",
            "kind",
            "starts_on",
            "ends_on",
            "status",
            "cover_url",
            "progress",
        ],
    );
    let schema = object(
        &[
            ("projects", json!({"type": "array", "items": project})),
            ("account_manager", {
                let mut contact = contact_schema();
                contact["type"] = json!(["object", "null"]);
                contact
            }),
            ("unread_notifications", json!({"type": "integer"})),
            ("branding", branding_schema()),
        ],
        &[
            "projects",
            "account_manager",
            "unread_notifications",
            "branding",
        ],
    );
    vec![Route {
        method: Method::GET,
        path: "/api/customer/dashboard",
        summary: "The customer's home page: assigned projects and galleries, account manager, unread notifications, branding",
        security: Security::Customer,
        request: None,
        response: (200, schema),
        errors: &["UNAUTHENTICATED"],
        handler: get(dashboard),
    }]
}

/// What a customer sees of a staff member: name, title and how to reach them.
pub fn contact_json(name: &str, title: &str, email: &str, phone: &str) -> Value {
    json!({
        "name": name,
        "title": non_empty(title),
        "email": email,
        "phone": non_empty(phone),
    })
}

/// The dashboard as JSON, written straight from the answer (a customer may hold hundreds
/// of projects: no JSON map is built per card).
#[derive(Serialize)]
struct DashboardJson {
    projects: Vec<CardJson>,
    account_manager: Option<Value>,
    unread_notifications: i64,
    branding: Value,
}

#[derive(Serialize)]
struct CardJson {
    id: String,
    name: String,
    kind: String,
    starts_on: Option<String>,
    ends_on: Option<String>,
    status: String,
    cover_url: Option<String>,
    progress: i32,
}

impl From<pb::ProjectCard> for CardJson {
    fn from(p: pb::ProjectCard) -> CardJson {
        let text = |s: String| (!s.is_empty()).then_some(s);
        CardJson {
            id: p.id,
            name: p.name,
            kind: p.kind,
            starts_on: text(p.starts_on),
            ends_on: text(p.ends_on),
            status: p.status,
            cover_url: text(p.cover_url),
            progress: p.progress,
        }
    }
}

/// Identity answered the organization and account manager with the session check; the
/// portal's part and the notifier's count are asked for at once.
async fn dashboard(
    State(state): State<GatewayState>,
    customer: CustomerWithContext,
) -> Result<axum::Json<DashboardJson>, ApiError> {
    let session = &customer.session;
    let mut portal = state.clients.dashboard.clone();
    let mut notifications = state.clients.notifications.clone();
    let (home, unread) = tokio::join!(
        portal.get_dashboard(session.request(pb::GetDashboardRequest {})),
        notifications.count_unread(session.request(notifier::CountUnreadRequest {})),
    );
    let home = home?.into_inner();
    let unread = unread?.into_inner().unread_count;
    let manager = customer
        .account_manager
        .filter(|_| home.show_team_members)
        .map(|s| contact_json(&s.name, &s.title, &s.email, &s.phone));
    let org_name = customer.organization.map(|org| org.name);
    Ok(axum::Json(DashboardJson {
        branding: branding_json(&home.branding.unwrap_or_default(), org_name.as_deref()),
        projects: home.projects.into_iter().map(CardJson::from).collect(),
        account_manager: manager,
        unread_notifications: unread,
    }))
}

pub fn contact_schema() -> Value {
    let nullable = json!({"type": ["string", "null"]});
    object(
        &[
            ("name", string()),
            ("title", nullable.clone()),
            ("email", string()),
            ("phone", nullable),
        ],
        &["name", "title", "email", "phone"],
    )
}
