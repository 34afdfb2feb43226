//! The organization's email outbox (`settings.manage`): every message with its status
//! and attempts (never bodies, variables or links), and queueing a failed one again.

use atrium_common::roles::Permission;
use atrium_proto::notifier::v1 as pb;
use axum::routing::{get, post};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::api::{Id, Page, Paging, Time, text, time};
use crate::call;
use crate::extract::Json;
use crate::extract::PathId;
use crate::extract::{Query, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/admin/outbox", "The organization's emails with status and attempts (never bodies or links)", get(list))
            .staff(Permission::SettingsManage).query::<OutboxFilter>()
            .answers::<Page<OutboxEntry>>(200),
        Route::post("/api/admin/outbox/{id}/retry", "Queue a failed email again", post(retry))
            .staff(Permission::SettingsManage).answers::<OutboxEntry>(200).errors(&["CONFLICT"]),
    ]
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub(crate) struct OutboxFilter {
    #[schemars(extend("enum" = ["queued", "held", "sent", "failed"]))]
    pub status: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}

/// One message of the outbox.
#[derive(Serialize, JsonSchema)]
pub(crate) struct OutboxEntry {
    pub id: Id,
    pub template: String,
    pub locale: String,
    pub recipient: String,
    #[schemars(extend("enum" = ["queued", "held", "sent", "failed"]))]
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: Option<Time>,
    pub updated_at: Option<Time>,
    pub sent_at: Option<Time>,
    /// When a queued message is tried next.
    pub next_attempt_at: Option<Time>,
}

impl From<pb::OutboxEntry> for OutboxEntry {
    fn from(entry: pb::OutboxEntry) -> OutboxEntry {
        let waiting = entry.status == "queued";
        OutboxEntry {
            id: entry.id.into(),
            last_error: text(&entry.last_error),
            created_at: time(entry.created_at.as_ref()),
            updated_at: time(entry.updated_at.as_ref()),
            sent_at: time(entry.sent_at.as_ref()),
            next_attempt_at: time(entry.next_attempt_at.as_ref().filter(|_| waiting)),
            template: entry.template_key,
            locale: entry.locale,
            recipient: entry.recipient_email,
            status: entry.status,
            attempts: entry.attempts,
        }
    }
}

pub(crate) async fn list(
    staff: StaffCall,
    Query(filter): Query<OutboxFilter>,
) -> Answer<Page<OutboxEntry>> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let request = pb::ListOutboxRequest {
        page_size,
        page_token,
        status: filter.status.unwrap_or_default(),
    };
    let response = call!(staff, email.list_outbox(request));
    let items = response.items.into_iter().map(OutboxEntry::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn retry(staff: StaffCall, id: PathId) -> Answer<OutboxEntry> {
    let request = pb::RetryEmailRequest {
        email_id: id.to_string(),
    };
    let response = call!(staff, email.retry_email(request));
    Ok(Json(response.entry.unwrap_or_default().into()))
}
