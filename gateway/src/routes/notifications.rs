//! In-app notifications, the same three routes for each tier: the caller's own list
//! (newest first, with `unread_count`), mark one read, mark all read. Another recipient's
//! notification is 404.

use atrium_common::error::ApiError;
use atrium_common::grpc::rfc3339;
use atrium_proto::notifier::v1 as pb;
use axum::extract::{FromRequestParts, Path, State};
use axum::routing::{get, post};
use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Route, Security, object, string, timestamp, uuid};
use crate::GatewayState;
use crate::extract::{ActsFor, PageQuery, QueryMap, path_id};

/// The notification routes under `prefix` (`/api/admin` or `/api/customer`) for callers
/// of type `S`.
pub fn routes_for<S>(prefix: &'static str, security: Security) -> Vec<Route>
where
    S: ActsFor + FromRequestParts<GatewayState, Rejection = ApiError> + Send + 'static,
{
    let path = |tail: &str| -> &'static str { format!("{prefix}/notifications{tail}").leak() };
    let mut list = super::list_of(notification_schema());
    list["properties"]["unread_count"] = json!({"type": "integer"});
    list["required"]
        .as_array_mut()
        .expect("required list")
        .push("unread_count".into());
    vec![
        Route {
            method: Method::GET,
            path: path(""),
            summary: "The caller's notifications, newest first, with the unread count",
            security,
            request: None,
            response: (200, list),
            errors: &["UNAUTHENTICATED", "VALIDATION_FAILED"],
            handler: get(list_notifications::<S>),
        },
        Route {
            method: Method::POST,
            path: path("/{id}/read"),
            summary: "Mark one of the caller's notifications read",
            security,
            request: None,
            response: (200, notification_schema()),
            errors: &["UNAUTHENTICATED", "CSRF_FAILED", "NOT_FOUND"],
            handler: post(mark_read::<S>),
        },
        Route {
            method: Method::POST,
            path: path("/read-all"),
            summary: "Mark every notification of the caller read",
            security,
            request: None,
            response: (204, Value::Null),
            errors: &["UNAUTHENTICATED", "CSRF_FAILED"],
            handler: post(mark_all_read::<S>),
        },
    ]
}

fn notification_schema() -> Value {
    let nullable = |format: Option<&str>| match format {
        Some(format) => json!({"type": ["string", "null"], "format": format}),
        None => json!({"type": ["string", "null"]}),
    };
    object(
        &[
            ("id", uuid()),
            ("kind", string()),
            ("title", string()),
            ("body", string()),
            ("link", nullable(None)),
            ("read_at", nullable(Some("date-time"))),
            ("created_at", timestamp()),
        ],
        &[
            "id",
            "kind",
            "title",
            "body",
            "link",
            "read_at",
            "created_at",
        ],
    )
}

fn notification_json(notification: pb::Notification) -> Value {
    json!({
        "id": notification.id,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "link": Some(notification.link).filter(|l| !l.is_empty()),
        "read_at": notification.read_at.as_ref().map(rfc3339),
        "created_at": notification.created_at.as_ref().map(rfc3339),
    })
}

async fn list_notifications<S: ActsFor>(
    State(state): State<GatewayState>,
    caller: S,
    QueryMap(query): QueryMap,
) -> Result<axum::Json<Value>, ApiError> {
    let page = PageQuery::parse(&query)?;
    let request = caller.request(pb::ListNotificationsRequest {
        page_size: page.page_size,
        page_token: page.page_token,
    });
    let response = state
        .clients
        .notifications
        .clone()
        .list_notifications(request)
        .await?
        .into_inner();
    let items: Vec<Value> = response.items.into_iter().map(notification_json).collect();
    Ok(axum::Json(json!({
        "items": items,
        "next_page_token": Some(response.next_page_token).filter(|t| !t.is_empty()),
        "unread_count": response.unread_count,
    })))
}

async fn mark_read<S: ActsFor>(
    State(state): State<GatewayState>,
    caller: S,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    let id = path_id(&id)?;
    let request = caller.request(pb::MarkReadRequest {
        notification_id: id.to_string(),
    });
    let response = state
        .clients
        .notifications
        .clone()
        .mark_read(request)
        .await?
        .into_inner();
    Ok(axum::Json(notification_json(
        response.notification.unwrap_or_default(),
    )))
}

async fn mark_all_read<S: ActsFor>(
    State(state): State<GatewayState>,
    caller: S,
) -> Result<StatusCode, ApiError> {
    state
        .clients
        .notifications
        .clone()
        .mark_all_read(caller.request(pb::MarkAllReadRequest {}))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
