//! The organization's audit trail (`audit.view`), newest first, filtered by actor, action
//! and a time range.

use atrium_common::error::ApiError;
use atrium_common::grpc::{rfc3339, timestamp as encode_time};
use atrium_common::roles::Permission;
use atrium_proto::identity::v1 as pb;
use axum::extract::State;
use axum::routing::get;
use http::Method;
use serde_json::{Value, json};

use super::{Route, Security, list_of, object, string, timestamp, uuid};
use crate::GatewayState;
use crate::extract::{ActsFor, PageQuery, QueryMap, StaffSession};

pub fn routes() -> Vec<Route> {
    vec![Route {
        method: Method::GET,
        path: "/api/admin/audit",
        summary: "The organization's audit trail (filters: actor_id, action, from, to as RFC 3339)",
        security: Security::Staff,
        request: None,
        response: (200, list_of(entry_schema())),
        errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "VALIDATION_FAILED"],
        handler: get(list),
    }]
}

fn entry_schema() -> Value {
    let party = object(&[("kind", string()), ("id", string())], &["kind", "id"]);
    object(
        &[
            ("id", uuid()),
            ("at", timestamp()),
            ("actor", party.clone()),
            ("action", string()),
            ("subject", party),
            ("ip", string()),
        ],
        &["id", "at", "actor", "action", "subject", "ip"],
    )
}

/// A filter value of at most `max` characters; empty is no filter.
fn text_filter(
    query: &std::collections::HashMap<String, String>,
    field: &str,
    max: usize,
) -> Result<String, ApiError> {
    let value = query.get(field).map(|v| v.trim()).unwrap_or_default();
    if value.chars().count() > max {
        return Err(ApiError::invalid_field(
            field,
            &format!("must be at most {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

fn time_filter(
    query: &std::collections::HashMap<String, String>,
    field: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    match query.get(field).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => chrono::DateTime::parse_from_rfc3339(text)
            .map(|t| Some(t.to_utc()))
            .map_err(|_| ApiError::invalid_field(field, "must be an RFC 3339 time")),
    }
}

async fn list(
    State(state): State<GatewayState>,
    session: StaffSession,
    QueryMap(query): QueryMap,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::AuditView)?;
    let page = PageQuery::parse(&query)?;
    let request = session.request(pb::ListAuditRequest {
        actor_id: text_filter(&query, "actor_id", 128)?,
        action: text_filter(&query, "action", 100)?,
        from: time_filter(&query, "from")?.map(encode_time),
        to: time_filter(&query, "to")?.map(encode_time),
        page_size: page.page_size,
        page_token: page.page_token,
    });
    let response = state
        .clients
        .audit
        .clone()
        .list_audit(request)
        .await?
        .into_inner();
    let items: Vec<Value> = response
        .items
        .iter()
        .map(|entry| {
            json!({
                "id": entry.id,
                "at": entry.at.as_ref().map(rfc3339),
                "actor": {"kind": entry.actor_kind, "id": entry.actor_id},
                "action": entry.action,
                "subject": {"kind": entry.subject_kind, "id": entry.subject_id},
                "ip": entry.ip,
            })
        })
        .collect();
    Ok(super::list_json(items, response.next_page_token))
}
