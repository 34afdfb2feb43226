//! The organization's audit trail (`audit.view`), newest first, with filters.

use atrium_common::error::ApiError;
use atrium_common::grpc::timestamp as encode_time;
use atrium_common::roles::Permission;
use atrium_proto::identity::v1 as pb;
use axum::routing::get;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::api::{Id, Page, Paging, Time, time};
use crate::call;
use crate::extract::Json;
use crate::extract::{Query, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/admin/audit", "The organization's audit trail (filters: actor_id, action, from, to as RFC 3339)", get(list))
            .staff(Permission::AuditView).query::<AuditFilter>()
            .answers::<Page<AuditEntry>>(200),
    ]
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub(crate) struct AuditFilter {
    /// Entries of this actor (a staff or customer id, or an unknown email's hash).
    #[schemars(length(max = 128))]
    pub actor_id: Option<String>,
    /// Entries of this action, e.g. `customer.login`.
    #[schemars(length(max = 100))]
    pub action: Option<String>,
    /// From this time on (RFC 3339).
    #[schemars(extend("format" = "date-time"))]
    pub from: Option<String>,
    /// Before this time (RFC 3339).
    #[schemars(extend("format" = "date-time"))]
    pub to: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}

/// One entry of the trail.
#[derive(Serialize, JsonSchema)]
pub(crate) struct AuditEntry {
    pub id: Id,
    pub at: Option<Time>,
    pub actor: Party,
    /// `<subject>.<verb>`, e.g. `customer.invited`.
    pub action: String,
    pub subject: Party,
    pub ip: String,
}

#[derive(Serialize, JsonSchema)]
pub(crate) struct Party {
    pub kind: String,
    pub id: String,
}

fn text_filter(value: Option<String>, field: &str, max: usize) -> Result<String, ApiError> {
    let value = value.unwrap_or_default().trim().to_owned();
    if value.chars().count() > max {
        let problem = format!("must be at most {max} characters");
        return Err(ApiError::invalid_field(field, &problem));
    }
    Ok(value)
}

fn time_filter(value: Option<String>, field: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map(|t| Some(t.to_utc()))
            .map_err(|_| ApiError::invalid_field(field, "must be an RFC 3339 time")),
    }
}

pub(crate) async fn list(
    staff: StaffCall,
    Query(filter): Query<AuditFilter>,
) -> Answer<Page<AuditEntry>> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let request = pb::ListAuditRequest {
        actor_id: text_filter(filter.actor_id, "actor_id", 128)?,
        action: text_filter(filter.action, "action", 100)?,
        from: time_filter(filter.from, "from")?.map(encode_time),
        to: time_filter(filter.to, "to")?.map(encode_time),
        page_size,
        page_token,
    };
    let response = call!(staff, audit.list_audit(request));
    let items = response.items.into_iter().map(|entry| AuditEntry {
        id: entry.id.into(),
        at: time(entry.at.as_ref()),
        actor: Party {
            kind: entry.actor_kind,
            id: entry.actor_id,
        },
        action: entry.action,
        subject: Party {
            kind: entry.subject_kind,
            id: entry.subject_id,
        },
        ip: entry.ip,
    });
    Ok(Json(Page::of(items, response.next_page_token)))
}
