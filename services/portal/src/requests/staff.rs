//! Staff and requests: every request of the organization with filters, one with its
//! whole thread (internal notes too), changes of status, priority, category, assignee
//! (active staff of the organization) and project, and replies or internal notes
//! (`requests.manage`, checked at the service's gate). The first public staff reply
//! stamps `first_response_at`; a close stamps `closed_at`.

use atrium_common::auth::Principal;
use atrium_common::ids::{CustomerId, ProjectId, StaffId};
use atrium_common::page::Page;
use atrium_proto::identity::v1 as identity;
use uuid::Uuid;

use super::notices::{self, News};
use super::store::{self, Filter, MessageRow, RequestRow};
use super::{Priority, RequestType, RequestView, Status, category, text};
use crate::AppState;
use crate::audit::Acting;
use crate::error::PortalError;

/// `parse` of a filter's text; empty is none, anything else unknown a 422 on `field`.
pub(crate) fn optional<T>(
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    field: &'static str,
) -> Result<Option<T>, PortalError> {
    match value.trim() {
        "" => Ok(None),
        text => parse(text).map(Some).ok_or(PortalError::InvalidField {
            field,
            problem: "is not one of its values",
        }),
    }
}

/// A page of requests under `filter`, newest first, and the next page's token.
pub(crate) async fn page_of(
    state: &AppState,
    principal: &Principal,
    filter: &Filter,
    page: Page,
) -> Result<(Vec<RequestRow>, String), PortalError> {
    let rows = store::list(&state.db, principal.org_id, filter, page.after, page.size).await?;
    let last = rows.last().map(|r| (r.created_at, r.request_id));
    let next = page.next_token(rows.len(), last);
    Ok((rows, next))
}

/// The filters of the staff list, as texts.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub status: String,
    pub request_type: String,
    pub priority: String,
    pub assignee_id: String,
    pub customer_id: String,
    pub project_id: String,
    pub q: String,
}

/// A page of the organization's requests.
pub async fn list(
    state: &AppState,
    staff: &Principal,
    query: &ListQuery,
    page: Page,
) -> Result<(Vec<RequestRow>, String), PortalError> {
    let q = query.q.trim();
    if q.chars().count() > 200 {
        return Err(PortalError::InvalidField {
            field: "q",
            problem: "must be at most 200 characters",
        });
    }
    let filter = Filter {
        status: optional(&query.status, Status::parse, "status")?,
        request_type: optional(&query.request_type, RequestType::parse, "type")?,
        priority: optional(&query.priority, Priority::parse, "priority")?,
        assignee_id: optional(&query.assignee_id, StaffId::parse, "assignee_id")?,
        customer_id: optional(&query.customer_id, CustomerId::parse, "customer_id")?,
        project_id: optional(&query.project_id, ProjectId::parse, "project_id")?,
        q: (!q.is_empty()).then(|| q.to_owned()),
    };
    page_of(state, staff, &filter, page).await
}

async fn find(state: &AppState, staff: &Principal, id: &str) -> Result<RequestRow, PortalError> {
    let id = Uuid::parse_str(id).map_err(|_| PortalError::RequestNotFound)?;
    store::find(&state.db, staff.org_id, None, id)
        .await?
        .ok_or(PortalError::RequestNotFound)
}

/// One request with its whole thread, internal notes included.
pub async fn get(
    state: &AppState,
    staff: &Principal,
    id: &str,
) -> Result<RequestView, PortalError> {
    let row = find(state, staff, id).await?;
    let messages = store::messages(&state.db, row.org_id, row.request_id, false).await?;
    Ok(RequestView { row, messages })
}

/// A staff change (`None`: unchanged; an empty assignee or project: none).
#[derive(Debug, Clone, Default)]
pub struct RequestChange {
    pub status: Option<String>,
    pub priority: Option<String>,
    pub category: Option<String>,
    pub assignee_id: Option<String>,
    pub project_id: Option<String>,
}

/// Whether `id` is an active staff member of the organization, asked of identity.
async fn active_staff(
    state: &AppState,
    staff: &Principal,
    id: StaffId,
) -> Result<bool, PortalError> {
    let request = staff.request(identity::LookupStaffRequest {
        staff_ids: vec![id.to_string()],
    });
    let found = state
        .identity
        .clone()
        .lookup_staff(request)
        .await
        .map_err(PortalError::Identity)?
        .into_inner();
    Ok(found
        .staff
        .iter()
        .any(|s| s.id == id.to_string() && s.status == "active"))
}

/// Applies a staff change.
pub async fn update(
    state: &AppState,
    acting: &Acting,
    id: &str,
    change: RequestChange,
) -> Result<RequestView, PortalError> {
    let staff = &acting.principal;
    let mut row = find(state, staff, id).await?;
    let was = row.status;
    let now = state.clock.now();
    if let Some(status) = &change.status {
        let status = Status::parse(status.trim()).ok_or(PortalError::InvalidField {
            field: "status",
            problem: "must be open, in_progress or closed",
        })?;
        if status == Status::Closed && row.status != Status::Closed {
            row.closed_at = Some(now);
        }
        row.status = status;
    }
    if let Some(priority) = &change.priority {
        row.priority = super::priority(priority)?;
    }
    if let Some(text) = &change.category {
        row.category = category(row.request_type, text)?;
    }
    if let Some(assignee) = &change.assignee_id {
        row.assignee_id = match assignee.trim() {
            "" => None,
            text => {
                let id = StaffId::parse(text).ok_or(PortalError::StaffNotFound)?;
                if !active_staff(state, staff, id).await? {
                    return Err(PortalError::StaffNotFound);
                }
                Some(id)
            }
        };
    }
    if let Some(project) = &change.project_id {
        row.project_id = match project.trim() {
            "" => None,
            text => {
                let id = ProjectId::parse(text).ok_or(PortalError::ProjectNotFound)?;
                crate::project::store::find_project(&state.db, staff.org_id, id)
                    .await?
                    .ok_or(PortalError::ProjectNotFound)?;
                Some(id)
            }
        };
    }
    row.updated_at = now;
    let news = if row.status == was {
        News::default()
    } else {
        notices::to_customer(state, staff, &row, None).await?
    };
    let mut tx = state.db.begin().await?;
    if !store::update(&mut tx, &row).await? {
        return Err(PortalError::RequestNotFound);
    }
    let about = ("request", row.request_id.to_string());
    acting
        .record(&mut tx, "request.updated", about, now)
        .await?;
    news.write(&mut tx, now).await?;
    tx.commit().await?;
    state.relay.wake();
    get(state, staff, id).await
}

/// A staff reply (`internal: false`) or internal note on the request.
pub async fn reply(
    state: &AppState,
    acting: &Acting,
    id: &str,
    (body, internal): (&str, bool),
) -> Result<RequestView, PortalError> {
    let staff = &acting.principal;
    let mut row = find(state, staff, id).await?;
    let body = text("body", body, 10_000)?;
    let now = state.clock.now();
    if !internal && row.first_response_at.is_none() {
        row.first_response_at = Some(now);
    }
    row.updated_at = now;
    let message = MessageRow {
        message_id: Uuid::now_v7(),
        author_kind: "staff".to_owned(),
        author_id: Some(staff.subject_id),
        body,
        internal,
        created_at: now,
    };
    // An internal note is news to nobody.
    let news = if internal {
        News::default()
    } else {
        notices::to_customer(state, staff, &row, Some(&message.body)).await?
    };
    let mut tx = state.db.begin().await?;
    if !store::update(&mut tx, &row).await? {
        return Err(PortalError::RequestNotFound);
    }
    store::insert_message(&mut tx, (row.org_id, row.request_id), &message).await?;
    news.write(&mut tx, now).await?;
    let action = if internal {
        "request.noted"
    } else {
        "request.replied"
    };
    let about = ("request", row.request_id.to_string());
    acting.record(&mut tx, action, about, now).await?;
    tx.commit().await?;
    state.relay.wake();
    get(state, staff, id).await
}
