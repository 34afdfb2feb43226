//! In-app notifications, the same three routes for each signed-in tier: the caller's
//! own list (newest first, with `unread_count`), mark one read, mark all read. Another
//! recipient's notification is 404.

use atrium_common::error::ApiError;
use atrium_proto::notifier::v1 as pb;
use axum::extract::FromRequestParts;
use axum::routing::{get, post};
use http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;

use crate::GatewayState;
use crate::api::{Id, PageQuery, Time, text, time};
use crate::call;
use crate::extract::{ActsFor, Call, CustomerSession, Json, PathId, Query, StaffSession};
use crate::routes::{Answer, Route};

pub fn routes() -> Vec<Route> {
    let mut routes = routes_for::<StaffSession>("/api/admin", Route::any_staff);
    routes.extend(routes_for::<CustomerSession>(
        "/api/customer",
        Route::customer,
    ));
    routes
}

/// The notification routes under `prefix` for callers of type `S`, secured by `tier`.
fn routes_for<S>(prefix: &'static str, tier: fn(Route) -> Route) -> Vec<Route>
where
    S: ActsFor + FromRequestParts<GatewayState, Rejection = ApiError> + Send + 'static,
{
    let path = |tail: &str| -> &'static str { format!("{prefix}/notifications{tail}").leak() };
    vec![
        tier(Route::get(
            path(""),
            "The caller's notifications, newest first, with the unread count",
            get(list::<S>),
        ))
        .query::<PageQuery>()
        .answers::<Notifications>(200),
        tier(Route::post(
            path("/{id}/read"),
            "Mark one of the caller's notifications read",
            post(mark_read::<S>),
        ))
        .answers::<Notification>(200),
        tier(Route::post(
            path("/read-all"),
            "Mark every notification of the caller read",
            post(mark_all_read::<S>),
        ))
        .no_content(),
    ]
}

#[derive(Serialize, JsonSchema)]
pub(crate) struct Notification {
    pub id: Id,
    /// What it is about, e.g. `customer_gallery_assigned`.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Where in the portal it leads, if anywhere.
    pub link: Option<String>,
    /// The notice's parameters, for a reader's own wording of a known `kind`.
    pub params: serde_json::Map<String, serde_json::Value>,
    pub read_at: Option<Time>,
    pub created_at: Option<Time>,
}

impl From<pb::Notification> for Notification {
    fn from(n: pb::Notification) -> Notification {
        Notification {
            id: n.id.into(),
            link: text(&n.link),
            params: serde_json::from_str(&n.params_json).unwrap_or_default(),
            read_at: time(n.read_at.as_ref()),
            created_at: time(n.created_at.as_ref()),
            kind: n.kind,
            title: n.title,
            body: n.body,
        }
    }
}

/// A page of the caller's notifications and how many are unread.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Notifications {
    pub items: Vec<Notification>,
    pub next_page_token: Option<String>,
    pub unread_count: i64,
}

pub(crate) async fn list<S: ActsFor>(
    caller: Call<S>,
    Query(query): Query<PageQuery>,
) -> Answer<Notifications> {
    let (page_size, page_token) = query.paging.size_and_token()?;
    let request = pb::ListNotificationsRequest {
        page_size,
        page_token,
    };
    let response = call!(caller, notifications.list_notifications(request));
    Ok(Json(Notifications {
        items: response.items.into_iter().map(Notification::from).collect(),
        next_page_token: text(&response.next_page_token),
        unread_count: response.unread_count,
    }))
}

pub(crate) async fn mark_read<S: ActsFor>(caller: Call<S>, id: PathId) -> Answer<Notification> {
    let request = pb::MarkReadRequest {
        notification_id: id.to_string(),
    };
    let response = call!(caller, notifications.mark_read(request));
    Ok(Json(response.notification.unwrap_or_default().into()))
}

pub(crate) async fn mark_all_read<S: ActsFor>(caller: Call<S>) -> Result<StatusCode, ApiError> {
    call!(
        caller,
        notifications.mark_all_read(pb::MarkAllReadRequest {})
    );
    Ok(StatusCode::NO_CONTENT)
}
