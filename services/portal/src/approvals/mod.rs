//! Approvals (design/collaboration.md): deliverables staff put before a project's
//! customers, revision by revision. The customer side lives here: the approvals of the
//! projects assigned to them (re-checked on every call, drafts never shown), the first
//! read of a revision recorded as `viewed`, decisions (`can_approve_work`, one winner of
//! racing ones) and comments (`can_add_comments`). Staff's side is in `staff`.

pub mod files;
pub mod notices;
pub mod staff;
pub mod store;

use atrium_common::auth::Principal;
use atrium_common::page::Page;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::AppState;
use crate::audit::Acting;
use crate::error::PortalError;
use crate::{customer_projects, permissions, settings};
use store::{ApprovalRow, EventRow, FileRow, Filter};

atrium_common::text_enum! {
    /// `draft → pending → approved | changes_requested`; a new revision goes back to
    /// `pending`.
    pub enum Status {
        Draft = "draft",
        Pending = "pending",
        Approved = "approved",
        ChangesRequested = "changes_requested",
    }
}

atrium_common::text_enum! {
    /// A step of the history.
    pub enum Action {
        Created = "created",
        FileAdded = "file_added",
        Submitted = "submitted",
        Viewed = "viewed",
        RevisionSubmitted = "revision_submitted",
        Approved = "approved",
        ChangesRequested = "changes_requested",
        Commented = "commented",
    }
}

/// An approval with its files and, on single reads, its history.
pub struct ApprovalView {
    pub row: ApprovalRow,
    pub files: Vec<FileRow>,
    pub history: Vec<EventRow>,
}

impl ApprovalView {
    /// When a customer first read the current revision.
    pub fn viewed_at(&self) -> Option<DateTime<Utc>> {
        self.history
            .iter()
            .find(|e| e.action == Action::Viewed && e.revision == self.row.revision)
            .map(|e| e.at)
    }
}

fn invalid(field: &'static str, problem: &'static str) -> PortalError {
    PortalError::InvalidField { field, problem }
}

/// A step `action` by the caller on the approval's current revision.
pub(crate) fn step(
    principal: &Principal,
    row: &ApprovalRow,
    (action, comment): (Action, Option<String>),
    at: DateTime<Utc>,
) -> EventRow {
    EventRow {
        event_id: Uuid::now_v7(),
        at,
        actor_kind: principal.kind.as_str().to_owned(),
        actor_id: Some(principal.subject_id),
        action,
        revision: row.revision,
        comment,
    }
}

/// The status and revision an approval was read at, and the error when it changed since.
pub(crate) type Guard = Option<((Status, i32), PortalError)>;

/// Writes one step in one transaction: the approval's row first when `guard` is given
/// (written only while its status and revision are still as read, else the guard's
/// error), then the step, its audit entry (`approval.<action>`) and its news.
pub(crate) async fn write_step(
    state: &AppState,
    acting: &Acting,
    (row, guard): (&ApprovalRow, Guard),
    (action, comment): (Action, Option<String>),
    news: &notices::News,
    now: DateTime<Utc>,
) -> Result<(), PortalError> {
    let mut tx = state.db.begin().await?;
    if let Some((seen, lost)) = guard
        && !store::update_if(&mut tx, row, seen).await?
    {
        return Err(lost);
    }
    let stepped = step(&acting.principal, row, (action, comment), now);
    store::record(&mut tx, (row.org_id, row.approval_id), &stepped).await?;
    let about = ("approval", row.approval_id.to_string());
    let audit = format!("approval.{}", action.as_str());
    acting.record(&mut tx, &audit, about, now).await?;
    news.write(&mut tx, now).await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(())
}

/// The approval with its files and history.
pub(crate) async fn view_of(
    state: &AppState,
    row: ApprovalRow,
) -> Result<ApprovalView, PortalError> {
    let (files, history) = tokio::try_join!(
        store::files(&state.db, row.org_id, row.approval_id),
        store::history(&state.db, row.org_id, row.approval_id)
    )?;
    Ok(ApprovalView {
        row,
        files,
        history,
    })
}

/// The `approvals` area is on for the customer's organization (else its routes are 404).
async fn feature_on(state: &AppState, customer: &Principal) -> Result<(), PortalError> {
    if settings::load(state, customer.org_id)
        .await?
        .features
        .approvals
    {
        Ok(())
    } else {
        Err(PortalError::FeatureOff)
    }
}

/// The customer's approval now: never a draft, its project assigned to them on this
/// very call (taken away: 403).
async fn mine(
    state: &AppState,
    customer: &Principal,
    approval_id: &str,
) -> Result<ApprovalRow, PortalError> {
    let id = Uuid::parse_str(approval_id).map_err(|_| PortalError::ApprovalNotFound)?;
    let row = store::find(&state.db, customer.org_id, id)
        .await?
        .filter(|row| row.status != Status::Draft)
        .ok_or(PortalError::ApprovalNotFound)?;
    let project = row.project_id.to_string();
    match customer_projects::check(state, customer, &project, "link").await {
        Err(PortalError::ProjectNotFound) => Err(PortalError::ApprovalNotFound),
        Err(other) => Err(other),
        Ok(()) => Ok(row),
    }
}

/// A page of the customer's approvals: pending first, then the newest.
pub async fn list_mine(
    state: &AppState,
    customer: &Principal,
    status: &str,
    page: Page,
) -> Result<(Vec<ApprovalView>, String), PortalError> {
    feature_on(state, customer).await?;
    let filter = Filter {
        customer_id: Some(customer.customer_id()),
        status: staff::status_filter(status)?,
        project_id: None,
    };
    staff::page_of(state, customer, filter, page).await
}

/// One of the customer's approvals; the first read of a revision records `viewed`.
pub async fn get_mine(
    state: &AppState,
    acting: &Acting,
    approval_id: &str,
) -> Result<ApprovalView, PortalError> {
    let customer = &acting.principal;
    feature_on(state, customer).await?;
    let row = mine(state, customer, approval_id).await?;
    let mut view = view_of(state, row).await?;
    if view.viewed_at().is_none() {
        let now = state.clock.now();
        let viewed = step(customer, &view.row, (Action::Viewed, None), now);
        let mut tx = state.db.begin().await?;
        let whose = (view.row.org_id, view.row.approval_id);
        if store::record(&mut tx, whose, &viewed).await? {
            tx.commit().await?;
            view.history.push(viewed);
        }
    }
    Ok(view)
}

/// One file of the customer's approval, for its download.
pub async fn file_mine(
    state: &AppState,
    customer: &Principal,
    (approval_id, file_id): (&str, &str),
) -> Result<FileRow, PortalError> {
    feature_on(state, customer).await?;
    let row = mine(state, customer, approval_id).await?;
    files::file_of(state, &row, file_id).await
}

/// What a customer decides of the current revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    RequestChanges,
}

/// The customer's decision (`can_approve_work`): only while pending, by one conditional
/// statement (a racing decision finds it decided: `APPROVAL_ALREADY_DECIDED`).
pub async fn respond(
    state: &AppState,
    acting: &Acting,
    approval_id: &str,
    (decision, comment): (&str, &str),
) -> Result<ApprovalView, PortalError> {
    let customer = &acting.principal;
    permissions::check_mine(state, customer, "approvals", "can_approve_work").await?;
    let decision = match decision.trim() {
        "approve" => Decision::Approve,
        "request_changes" => Decision::RequestChanges,
        _ => return Err(invalid("decision", "must be approve or request_changes")),
    };
    let comment = match (decision, comment.trim()) {
        (Decision::RequestChanges, "") => {
            return Err(invalid("comment", "is required to request changes"));
        }
        (_, "") => None,
        (_, text) => Some(crate::requests::text("comment", text, 10_000)?),
    };
    let mut row = mine(state, customer, approval_id).await?;
    if row.status != Status::Pending {
        return Err(PortalError::ApprovalAlreadyDecided);
    }
    let seen = (row.status, row.revision);
    let now = state.clock.now();
    let (status, action) = match decision {
        Decision::Approve => (Status::Approved, Action::Approved),
        Decision::RequestChanges => (Status::ChangesRequested, Action::ChangesRequested),
    };
    (row.status, row.decided_at, row.updated_at) = (status, Some(now), now);
    let news = notices::to_team(state, &row, action.as_str()).await?;
    let guard = Some((seen, PortalError::ApprovalAlreadyDecided));
    write_step(state, acting, (&row, guard), (action, comment), &news, now).await?;
    view_of(state, row).await
}

/// The customer's comment (`can_add_comments`), at any status but draft.
pub async fn comment_mine(
    state: &AppState,
    acting: &Acting,
    approval_id: &str,
    body: &str,
) -> Result<ApprovalView, PortalError> {
    let customer = &acting.principal;
    permissions::check_mine(state, customer, "approvals", "can_add_comments").await?;
    let body = crate::requests::text("body", body, 10_000)?;
    let row = mine(state, customer, approval_id).await?;
    let now = state.clock.now();
    let news = notices::to_team(state, &row, "commented").await?;
    let said = (Action::Commented, Some(body));
    write_step(state, acting, (&row, None), said, &news, now).await?;
    view_of(state, row).await
}
