//! Staff and approvals (`projects.view` to read, `projects.manage` to change, checked at
//! the service's gate): a draft on a project, submit, new revisions, replies, and changes
//! of title, description and due date. The files are in `files`.

use atrium_common::auth::Principal;
use atrium_common::page::Page;
use uuid::Uuid;

use super::store::{self, ApprovalRow, Filter};
use super::{Action, ApprovalView, Status, notices, step, view_of, write_step};
use crate::AppState;
use crate::audit::Acting;
use crate::error::PortalError;
use crate::project::parse_project_id;
use crate::requests::text;

fn invalid(field: &'static str, problem: &'static str) -> PortalError {
    PortalError::InvalidField { field, problem }
}

/// A list's `status` filter: empty is none.
pub(crate) fn status_filter(text: &str) -> Result<Option<Status>, PortalError> {
    crate::requests::staff::optional(text, Status::parse, "status")
}

/// A page of approvals under `filter` (without their history) and the next token.
pub(crate) async fn page_of(
    state: &AppState,
    principal: &Principal,
    filter: Filter,
    page: Page,
) -> Result<(Vec<ApprovalView>, String), PortalError> {
    let rows = store::list(&state.db, principal.org_id, filter, page.after, page.size).await?;
    let last = rows.last().map(|r| (r.created_at, r.approval_id));
    let next = page.next_token(rows.len(), last);
    let views = rows
        .into_iter()
        .map(|row| ApprovalView {
            row,
            files: Vec::new(),
            history: Vec::new(),
        })
        .collect();
    Ok((views, next))
}

/// A due date: empty is none, else `YYYY-MM-DD`.
fn due_on(text: &str) -> Result<Option<String>, PortalError> {
    match text.trim() {
        "" => Ok(None),
        day => chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map(|d| Some(d.format("%Y-%m-%d").to_string()))
            .map_err(|_| invalid("due_on", "must be a date as YYYY-MM-DD")),
    }
}

fn description(text: &str) -> Result<String, PortalError> {
    let text = text.trim();
    if text.chars().count() > 10_000 {
        return Err(invalid("description", "must be at most 10000 characters"));
    }
    Ok(text.to_owned())
}

/// The organization's approval.
pub(crate) async fn find(
    state: &AppState,
    staff: &Principal,
    approval_id: &str,
) -> Result<ApprovalRow, PortalError> {
    let id = Uuid::parse_str(approval_id).map_err(|_| PortalError::ApprovalNotFound)?;
    store::find(&state.db, staff.org_id, id)
        .await?
        .ok_or(PortalError::ApprovalNotFound)
}

/// What staff give for a new approval.
#[derive(Debug, Clone, Default)]
pub struct NewApproval {
    pub project_id: String,
    pub title: String,
    pub description: String,
    pub due_on: String,
}

/// A draft on one of the organization's projects, revision 1.
pub async fn create(
    state: &AppState,
    acting: &Acting,
    new: NewApproval,
) -> Result<ApprovalView, PortalError> {
    let staff = &acting.principal;
    let project_id = parse_project_id(&new.project_id)?;
    let title = text("title", &new.title, 200)?;
    let description = description(&new.description)?;
    let due_on = due_on(&new.due_on)?;
    crate::project::store::find_project(&state.db, staff.org_id, project_id)
        .await?
        .ok_or(PortalError::ProjectNotFound)?;
    let now = state.clock.now();
    let row = ApprovalRow {
        approval_id: Uuid::now_v7(),
        org_id: staff.org_id,
        project_id,
        title,
        description,
        status: Status::Draft,
        revision: 1,
        due_on,
        created_by: staff.subject_id,
        created_at: now,
        updated_at: now,
        decided_at: None,
    };
    let mut tx = state.db.begin().await?;
    store::insert(&mut tx, &row).await?;
    let created = step(staff, &row, (Action::Created, None), now);
    store::record(&mut tx, (row.org_id, row.approval_id), &created).await?;
    let about = ("approval", row.approval_id.to_string());
    acting
        .record(&mut tx, "approval.created", about, now)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    view_of(state, row).await
}

/// A page of the organization's approvals, newest first.
pub async fn list(
    state: &AppState,
    staff: &Principal,
    (status, project_id): (&str, &str),
    page: Page,
) -> Result<(Vec<ApprovalView>, String), PortalError> {
    let filter = Filter {
        customer_id: None,
        status: status_filter(status)?,
        project_id: crate::requests::staff::optional(
            project_id,
            atrium_common::ids::ProjectId::parse,
            "project_id",
        )?,
    };
    page_of(state, staff, filter, page).await
}

pub async fn get(
    state: &AppState,
    staff: &Principal,
    approval_id: &str,
) -> Result<ApprovalView, PortalError> {
    let row = find(state, staff, approval_id).await?;
    view_of(state, row).await
}

/// What a change gives (`None`: unchanged; an empty due date: none).
#[derive(Debug, Clone, Default)]
pub struct ApprovalPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub due_on: Option<String>,
}

/// Changes the title, description or due date, at any status.
pub async fn update(
    state: &AppState,
    acting: &Acting,
    approval_id: &str,
    patch: ApprovalPatch,
) -> Result<ApprovalView, PortalError> {
    let mut row = find(state, &acting.principal, approval_id).await?;
    let seen = (row.status, row.revision);
    if let Some(title) = &patch.title {
        row.title = text("title", title, 200)?;
    }
    if let Some(text) = &patch.description {
        row.description = description(text)?;
    }
    if let Some(day) = &patch.due_on {
        row.due_on = due_on(day)?;
    }
    let now = state.clock.now();
    row.updated_at = now;
    let mut tx = state.db.begin().await?;
    if !store::update_if(&mut tx, &row, seen).await? {
        return Err(PortalError::ChangedMeanwhile);
    }
    let about = ("approval", row.approval_id.to_string());
    acting
        .record(&mut tx, "approval.updated", about, now)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    view_of(state, row).await
}

/// `draft → pending` (at least one file); the project's active customers are asked.
pub async fn submit(
    state: &AppState,
    acting: &Acting,
    approval_id: &str,
) -> Result<ApprovalView, PortalError> {
    let staff = &acting.principal;
    let mut row = find(state, staff, approval_id).await?;
    if row.status != Status::Draft {
        return Err(PortalError::InvalidTransition);
    }
    if store::files(&state.db, row.org_id, row.approval_id)
        .await?
        .is_empty()
    {
        return Err(invalid("files", "needs at least one file to submit"));
    }
    let seen = (row.status, row.revision);
    let now = state.clock.now();
    (row.status, row.updated_at) = (Status::Pending, now);
    pending(state, acting, (row, seen), (Action::Submitted, None)).await
}

/// A new revision (from pending or changes_requested): back to pending, revision + 1,
/// the customers asked again; its files come after it.
pub async fn revise(
    state: &AppState,
    acting: &Acting,
    approval_id: &str,
    comment: &str,
) -> Result<ApprovalView, PortalError> {
    let staff = &acting.principal;
    let mut row = find(state, staff, approval_id).await?;
    match row.status {
        Status::Approved => return Err(PortalError::ApprovalAlreadyDecided),
        Status::Draft => return Err(PortalError::InvalidTransition),
        Status::Pending | Status::ChangesRequested => {}
    }
    let comment = match comment.trim() {
        "" => None,
        body => Some(text("body", body, 10_000)?),
    };
    let seen = (row.status, row.revision);
    let now = state.clock.now();
    (row.status, row.revision, row.decided_at, row.updated_at) =
        (Status::Pending, row.revision + 1, None, now);
    pending(
        state,
        acting,
        (row, seen),
        (Action::RevisionSubmitted, comment),
    )
    .await
}

/// Writes `row` (now pending) when it is still as `seen`, with its step, and asks the
/// project's customers.
async fn pending(
    state: &AppState,
    acting: &Acting,
    (row, seen): (ApprovalRow, (Status, i32)),
    (action, comment): (Action, Option<String>),
) -> Result<ApprovalView, PortalError> {
    let staff = &acting.principal;
    let now = row.updated_at;
    let news = notices::to_customers(state, staff, &row, "approval_requested").await?;
    let guard = Some((seen, PortalError::ChangedMeanwhile));
    write_step(state, acting, (&row, guard), (action, comment), &news, now).await?;
    view_of(state, row).await
}

/// A staff reply; the project's customers are told in-app (not while a draft).
pub async fn comment(
    state: &AppState,
    acting: &Acting,
    approval_id: &str,
    body: &str,
) -> Result<ApprovalView, PortalError> {
    let staff = &acting.principal;
    let body = text("body", body, 10_000)?;
    let row = find(state, staff, approval_id).await?;
    let now = state.clock.now();
    let news = if row.status == Status::Draft {
        notices::News::default()
    } else {
        notices::to_customers(state, staff, &row, "approval_commented").await?
    };
    let said = (Action::Commented, Some(body));
    write_step(state, acting, (&row, None), said, &news, now).await?;
    view_of(state, row).await
}
