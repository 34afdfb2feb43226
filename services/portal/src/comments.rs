//! Project comments (design/collaboration.md): customers holding `can_add_comments` (the
//! assignment checked on every call) and staff comment on a project, oldest first. A
//! customer's comment tells the project's team in-app; a staff comment tells the
//! project's assigned customers in-app.

use atrium_common::auth::{Principal, SubjectKind};
use atrium_common::db::{Db, Tx};
use atrium_common::ids::{OrgId, ProjectId};
use atrium_common::outbox::{self, Acting};
use atrium_common::sql;
use atrium_proto::notifier::v1 as notifier;
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::AppState;
use crate::error::PortalError;
use crate::project::parse_project_id;

/// A comment as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommentRow {
    pub comment_id: Uuid,
    pub author_kind: String,
    pub author_id: Option<Uuid>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// The most comments one read answers (the newest of them, oldest first).
const MOST: i64 = 500;

async fn list_of(
    db: &Db,
    (org_id, project_id): (OrgId, ProjectId),
) -> Result<Vec<CommentRow>, sqlx::Error> {
    let mut rows: Vec<CommentRow> = sql!(db db, query_as(
        "select comment_id, author_kind, author_id, body, created_at from project_comment \
         where org_id = $1 and project_id = $2 order by created_at desc, comment_id desc limit $3"
    ) [org_id, project_id, MOST] fetch_all)?;
    rows.reverse();
    Ok(rows)
}

async fn insert(
    tx: &mut Tx,
    (org_id, project_id): (OrgId, ProjectId),
    c: &CommentRow,
) -> Result<(), sqlx::Error> {
    sql!(tx tx, query(
        "insert into project_comment (comment_id, org_id, project_id, author_kind, author_id, \
         body, created_at) values ($1, $2, $3, $4, $5, $6, $7)"
    ) [c.comment_id, org_id, project_id, &c.author_kind, c.author_id, &c.body, c.created_at] execute)
    .map(drop)
}

/// The project the caller may comment on now: a staff member's of the organization, a
/// customer's assigned to them with `can_add_comments` (`write`) held.
async fn project_of(
    state: &AppState,
    principal: &Principal,
    project_id: &str,
    write: bool,
) -> Result<ProjectId, PortalError> {
    let id = parse_project_id(project_id)?;
    if principal.kind == SubjectKind::Customer {
        // The assignment only: no feature switch gates comments.
        crate::customer_projects::check(state, principal, &id.to_string(), "link").await?;
        if write {
            let mine = crate::permissions::mine(state, principal).await?;
            if !mine.effective.can_add_comments {
                return Err(PortalError::PermissionMissing("can_add_comments"));
            }
        }
    } else {
        crate::project::store::find_project(&state.db, principal.org_id, id)
            .await?
            .ok_or(PortalError::ProjectNotFound)?;
    }
    Ok(id)
}

/// The project's comments, oldest first.
pub async fn list(
    state: &AppState,
    principal: &Principal,
    project_id: &str,
) -> Result<Vec<CommentRow>, PortalError> {
    let id = project_of(state, principal, project_id, false).await?;
    Ok(list_of(&state.db, (principal.org_id, id)).await?)
}

/// Adds the caller's comment and tells the other side in-app.
pub async fn add(
    state: &AppState,
    acting: &Acting,
    project_id: &str,
    body: &str,
) -> Result<CommentRow, PortalError> {
    let principal = &acting.principal;
    let id = project_of(state, principal, project_id, true).await?;
    let body = crate::requests::text("body", body, 10_000)?;
    let now = state.clock.now();
    let customer = principal.kind == SubjectKind::Customer;
    let row = CommentRow {
        comment_id: Uuid::now_v7(),
        author_kind: if customer { "customer" } else { "staff" }.to_owned(),
        author_id: Some(principal.subject_id),
        body,
        created_at: now,
    };
    let whose = (principal.org_id, id);
    let recipients: Vec<(&str, String)> = if customer {
        let team = crate::team::store::team_of(&state.db, principal.org_id, id).await?;
        team.into_iter()
            .map(|member| ("staff", member.staff_id.to_string()))
            .collect()
    } else {
        let mut tx = state.db.begin().await?;
        let ids = crate::assignment::store::customers_of(&mut tx, principal.org_id, id).await?;
        tx.commit().await?;
        ids.into_iter()
            .map(|c| ("customer", c.to_string()))
            .collect()
    };
    let mut tx = state.db.begin().await?;
    insert(&mut tx, whose, &row).await?;
    for (kind, recipient) in recipients {
        let link = match kind {
            "staff" => format!("/admin/projects/{id}"),
            _ => format!("/customer/projects/{id}"),
        };
        let notice = notifier::CreateNotificationRequest {
            org_id: principal.org_id.to_string(),
            recipient_kind: kind.to_owned(),
            recipient_id: recipient.clone(),
            kind: "project_commented".to_owned(),
            title: "New comment on a project".to_owned(),
            body: String::new(),
            link,
            idempotency_key: format!("project_commented:{}:{recipient}", row.comment_id),
            params_json: json!({"project_id": id.to_string()}).to_string(),
        };
        outbox::create_notification(&mut tx, &notice, now).await?;
    }
    acting
        .record(
            &mut tx,
            "project.commented",
            ("project", id.to_string()),
            now,
        )
        .await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(row)
}

/// GDPR erase: the customer's comments go.
pub async fn forget(
    tx: &mut Tx,
    (org_id, customer_id): (OrgId, atrium_common::ids::CustomerId),
) -> Result<u64, sqlx::Error> {
    sql!(tx tx, query(
        "delete from project_comment where org_id = $1 and author_kind = 'customer' \
         and author_id = $2"
    ) [org_id, customer_id] execute)
}
