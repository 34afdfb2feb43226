//! Who hears of an approval's news (design/collaboration.md): a submit or a new revision
//! asks the project's active customers in-app and by mail (`approval_requested`); a
//! staff reply tells them in-app (`approval_commented`); a customer's decision or
//! comment tells the approval's creator and the project's team in-app
//! (`approval_decided`, `approval_commented`). Recipients are asked before the
//! transaction that writes the news into the outbox.

use atrium_common::auth::Principal;
use atrium_proto::identity::v1 as identity;
use atrium_proto::notifier::v1 as notifier;
use serde_json::json;
use uuid::Uuid;

use super::store::ApprovalRow;
use crate::AppState;
use crate::error::PortalError;
pub use crate::requests::notices::News;

fn notice(
    row: &ApprovalRow,
    (kind, recipient_kind, recipient_id): (&str, &str, String),
    (event, link): (Uuid, String),
) -> notifier::CreateNotificationRequest {
    notifier::CreateNotificationRequest {
        org_id: row.org_id.to_string(),
        recipient_kind: recipient_kind.to_owned(),
        idempotency_key: format!("{kind}:{}:{event}:{recipient_id}", row.approval_id),
        recipient_id,
        kind: kind.to_owned(),
        title: row.title.clone(),
        body: String::new(),
        link,
        params_json:
            json!({"title": row.title, "status": row.status.as_str(), "revision": row.revision})
                .to_string(),
    }
}

/// `kind` (`approval_requested`: also by mail) for the project's active customers.
pub async fn to_customers(
    state: &AppState,
    staff: &Principal,
    row: &ApprovalRow,
    kind: &str,
) -> Result<News, PortalError> {
    let mut tx = state.db.begin().await?;
    let ids = crate::assignment::store::customers_of(&mut tx, row.org_id, row.project_id).await?;
    tx.commit().await?;
    if ids.is_empty() {
        return Ok(News::default());
    }
    let asked = staff.request(identity::LookupCustomersRequest {
        customer_ids: ids.iter().map(ToString::to_string).collect(),
    });
    let found = state.identity.clone().lookup_customers(asked).await;
    let found = found.map_err(PortalError::Identity)?.into_inner();
    let org_name = found.organization.map(|o| o.name).unwrap_or_default();
    let settings = crate::settings::load(state, row.org_id).await?;
    let project =
        crate::project::store::find_project(&state.db, row.org_id, row.project_id).await?;
    let event = Uuid::now_v7();
    let path = format!("/customer/approvals/{}", row.approval_id);
    let variables = json!({
        "title": row.title,
        "project_name": project.map(|p| p.name).unwrap_or_default(),
        "revision": row.revision,
        "due_on": row.due_on.clone().unwrap_or_default(),
        "link": format!("{}{path}", state.public_url),
    });
    let mut news = News::default();
    for customer in found.customers.into_iter().filter(|c| c.status == "active") {
        if kind == "approval_requested" {
            let key = format!("{kind}:{}:{event}:{}", row.approval_id, customer.id);
            let mut mail = crate::requests::notices::mail(
                (&settings, &org_name),
                (kind, key),
                (&customer.email, &customer.name, &customer.locale),
                variables.clone(),
            );
            mail.org_id = row.org_id.to_string();
            news.mails.push(mail);
        }
        let to = (kind, "customer", customer.id.clone());
        news.notices.push(notice(row, to, (event, path.clone())));
    }
    Ok(news)
}

/// A customer's decision or comment (`action`) for the approval's creator and the
/// project's team, in-app.
pub async fn to_team(
    state: &AppState,
    row: &ApprovalRow,
    action: &str,
) -> Result<News, PortalError> {
    let team = crate::team::store::team_of(&state.db, row.org_id, row.project_id).await?;
    let mut ids: Vec<String> = team.into_iter().map(|m| m.staff_id.to_string()).collect();
    ids.push(row.created_by.to_string());
    ids.sort();
    ids.dedup();
    let kind = match action {
        "commented" => "approval_commented",
        _ => "approval_decided",
    };
    let event = Uuid::now_v7();
    let path = format!("/admin/approvals/{}", row.approval_id);
    let mut news = News::default();
    for id in ids {
        news.notices
            .push(notice(row, (kind, "staff", id), (event, path.clone())));
    }
    Ok(news)
}
