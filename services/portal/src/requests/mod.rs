//! Requests (design/collaboration.md): job requests and support tickets a customer opens,
//! numbered per organization, with a thread of public messages and staff's internal
//! notes. The customer side lives here (`requests` on, `can_submit_requests` to create
//! and reply); staff's in `staff`. No customer-facing read ever holds an internal note:
//! the store's customer queries leave them out in the statement.

pub mod notices;
pub mod staff;
pub mod stats;
pub mod store;

use atrium_common::auth::Principal;
use atrium_common::ids::ProjectId;
use atrium_common::page::Page;
use uuid::Uuid;

use crate::AppState;
use crate::audit::Acting;
use crate::error::PortalError;
use crate::{permissions, settings};
use store::{Filter, MessageRow, RequestRow};

atrium_common::text_enum! {
    /// What a request is.
    pub enum RequestType {
        Job = "job",
        Support = "support",
    }
}

atrium_common::text_enum! {
    pub enum Priority {
        Low = "low",
        Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
}

atrium_common::text_enum! {
    /// `open → in_progress → closed`; a customer's message reopens a closed one.
    pub enum Status {
        Open = "open",
        InProgress = "in_progress",
        Closed = "closed",
    }
}

/// The categories of each type.
fn categories(kind: RequestType) -> &'static [&'static str] {
    match kind {
        RequestType::Job => &["design", "development", "content", "strategy", "other"],
        RequestType::Support => &["billing", "access", "bug", "feedback", "other"],
    }
}

fn invalid(field: &'static str, problem: &'static str) -> PortalError {
    PortalError::InvalidField { field, problem }
}

/// A category of `kind`, or the 422 naming it.
pub(crate) fn category(kind: RequestType, text: &str) -> Result<String, PortalError> {
    let text = text.trim();
    if categories(kind).contains(&text) {
        Ok(text.to_owned())
    } else {
        Err(invalid(
            "category",
            match kind {
                RequestType::Job => "must be design, development, content, strategy or other",
                RequestType::Support => "must be billing, access, bug, feedback or other",
            },
        ))
    }
}

/// A trimmed text of 1..=`max` characters.
pub(crate) fn text(field: &'static str, value: &str, max: usize) -> Result<String, PortalError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(invalid(field, "is required"));
    }
    if value.chars().count() > max {
        return Err(invalid(
            field,
            if max == 200 {
                "must be at most 200 characters"
            } else {
                "must be at most 10000 characters"
            },
        ));
    }
    Ok(value.to_owned())
}

pub(crate) fn priority(text: &str) -> Result<Priority, PortalError> {
    match text.trim() {
        "" => Ok(Priority::Normal),
        text => {
            Priority::parse(text).ok_or(invalid("priority", "must be low, normal, high or urgent"))
        }
    }
}

/// A request and its thread (public messages only for the customer).
pub struct RequestView {
    pub row: RequestRow,
    pub messages: Vec<MessageRow>,
}

/// What a customer gives when opening a request.
#[derive(Debug, Clone, Default)]
pub struct NewRequest {
    pub request_type: String,
    pub category: String,
    pub title: String,
    pub description: String,
    pub priority: String,
    pub project_id: String,
}

/// The area is on for the customer's organization (else its routes are 404).
async fn feature_on(state: &AppState, customer: &Principal) -> Result<(), PortalError> {
    if settings::load(state, customer.org_id)
        .await?
        .features
        .requests
    {
        Ok(())
    } else {
        Err(PortalError::FeatureOff)
    }
}

/// The customer's request (another's, or none, is `RequestNotFound`).
async fn mine(
    state: &AppState,
    customer: &Principal,
    request_id: &str,
) -> Result<RequestRow, PortalError> {
    let id = Uuid::parse_str(request_id).map_err(|_| PortalError::RequestNotFound)?;
    store::find(&state.db, customer.org_id, Some(customer.customer_id()), id)
        .await?
        .ok_or(PortalError::RequestNotFound)
}

/// Opens a request (`can_submit_requests`); its project, if any, must be assigned to them.
pub async fn create(
    state: &AppState,
    acting: &Acting,
    new: NewRequest,
) -> Result<RequestView, PortalError> {
    let customer = &acting.principal;
    permissions::check_mine(state, customer, "requests", "can_submit_requests").await?;
    let kind = RequestType::parse(new.request_type.trim())
        .ok_or(invalid("type", "must be job or support"))?;
    let category = category(kind, &new.category)?;
    let title = text("title", &new.title, 200)?;
    let description = text("description", &new.description, 10_000)?;
    let priority = priority(&new.priority)?;
    let project_id = match new.project_id.trim() {
        "" => None,
        id => {
            let id = ProjectId::parse(id).ok_or(PortalError::ProjectNotFound)?;
            let assigned = crate::assignment::store::find_assigned(
                &state.db,
                customer.org_id,
                customer.customer_id(),
                id,
            )
            .await?;
            Some(assigned.ok_or(PortalError::ProjectNotFound)?.project_id)
        }
    };
    let now = state.clock.now();
    let mut row = RequestRow {
        request_id: Uuid::now_v7(),
        org_id: customer.org_id,
        number: 0,
        customer_id: customer.customer_id(),
        project_id,
        request_type: kind,
        category,
        title,
        description,
        priority,
        status: Status::Open,
        assignee_id: None,
        created_at: now,
        updated_at: now,
        first_response_at: None,
        closed_at: None,
    };
    let audience = notices::staff_audience(state, customer, &row).await?;
    let mut tx = state.db.begin().await?;
    row.number = store::next_number(&mut tx, customer.org_id).await?;
    store::insert(&mut tx, &row).await?;
    let about = ("request", row.request_id.to_string());
    acting
        .record(&mut tx, "request.created", about, now)
        .await?;
    audience
        .received(state, &row, None)
        .write(&mut tx, now)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(RequestView {
        row,
        messages: Vec::new(),
    })
}

/// A page of the customer's own requests, newest first.
pub async fn list_mine(
    state: &AppState,
    customer: &Principal,
    (status, kind): (&str, &str),
    page: Page,
) -> Result<(Vec<RequestRow>, String), PortalError> {
    feature_on(state, customer).await?;
    let filter = Filter {
        customer_id: Some(customer.customer_id()),
        status: staff::optional(status, Status::parse, "status")?,
        request_type: staff::optional(kind, RequestType::parse, "type")?,
        ..Filter::default()
    };
    staff::page_of(state, customer, &filter, page).await
}

/// One of the customer's requests with its public messages.
pub async fn get_mine(
    state: &AppState,
    customer: &Principal,
    request_id: &str,
) -> Result<RequestView, PortalError> {
    feature_on(state, customer).await?;
    let row = mine(state, customer, request_id).await?;
    let messages = store::messages(&state.db, row.org_id, row.request_id, true).await?;
    Ok(RequestView { row, messages })
}

/// The customer's reply (`can_submit_requests`); it reopens a closed request.
pub async fn reply_mine(
    state: &AppState,
    acting: &Acting,
    request_id: &str,
    body: &str,
) -> Result<RequestView, PortalError> {
    let customer = &acting.principal;
    permissions::check_mine(state, customer, "requests", "can_submit_requests").await?;
    let mut row = mine(state, customer, request_id).await?;
    let body = text("body", body, 10_000)?;
    let now = state.clock.now();
    if row.status == Status::Closed {
        row.status = Status::Open;
    }
    row.updated_at = now;
    let message = MessageRow {
        message_id: Uuid::now_v7(),
        author_kind: "customer".to_owned(),
        author_id: Some(customer.subject_id),
        body,
        internal: false,
        created_at: now,
    };
    let audience = notices::staff_audience(state, customer, &row).await?;
    let mut tx = state.db.begin().await?;
    if !store::update(&mut tx, &row).await? {
        return Err(PortalError::RequestNotFound);
    }
    store::insert_message(&mut tx, (row.org_id, row.request_id), &message).await?;
    let about = ("request", row.request_id.to_string());
    acting
        .record(&mut tx, "request.replied", about, now)
        .await?;
    let news = audience.received(state, &row, Some(&message.body));
    news.write(&mut tx, now).await?;
    tx.commit().await?;
    state.relay.wake();
    get_mine(state, customer, request_id).await
}

/// The customer closes their own request.
pub async fn close_mine(
    state: &AppState,
    acting: &Acting,
    request_id: &str,
) -> Result<RequestView, PortalError> {
    let customer = &acting.principal;
    feature_on(state, customer).await?;
    let mut row = mine(state, customer, request_id).await?;
    let now = state.clock.now();
    if row.status != Status::Closed {
        (row.status, row.closed_at, row.updated_at) = (Status::Closed, Some(now), now);
        let mut tx = state.db.begin().await?;
        if !store::update(&mut tx, &row).await? {
            return Err(PortalError::RequestNotFound);
        }
        let about = ("request", row.request_id.to_string());
        acting.record(&mut tx, "request.closed", about, now).await?;
        tx.commit().await?;
        state.relay.wake();
    }
    get_mine(state, customer, request_id).await
}
