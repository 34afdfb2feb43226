//! Who hears of a request's news (design/collaboration.md): a new request or a
//! customer's reply goes to the assignee (unassigned: every active member holding
//! `requests.manage`) in-app and by mail (`request_received`); a public staff reply or a
//! status change goes to the customer in-app and by mail (`request_updated`). An internal
//! note is news to nobody. Recipients are asked of identity before the transaction that
//! writes the news into the outbox.

use atrium_common::auth::Principal;
use atrium_common::db::Tx;
use atrium_common::outbox;
use atrium_common::settings::OrgSettings;
use atrium_proto::identity::v1 as identity;
use atrium_proto::notifier::v1 as notifier;
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::store::RequestRow;
use crate::AppState;
use crate::error::PortalError;

/// The mails and in-app notices one change writes.
#[derive(Default)]
pub struct News {
    pub(crate) mails: Vec<notifier::EnqueueEmailRequest>,
    pub(crate) notices: Vec<notifier::CreateNotificationRequest>,
}

impl News {
    /// Writes the news into the outbox, in the transaction of the change.
    pub async fn write(&self, tx: &mut Tx, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
        for mail in &self.mails {
            outbox::enqueue_email(tx, mail, now).await?;
        }
        for notice in &self.notices {
            outbox::create_notification(tx, notice, now).await?;
        }
        Ok(())
    }
}

/// The request's customer and the organization's name, asked as `asker`.
async fn customer_of(
    state: &AppState,
    asker: &Principal,
    row: &RequestRow,
) -> Result<(Option<identity::Customer>, String), PortalError> {
    let asked = asker.request(identity::LookupCustomersRequest {
        customer_ids: vec![row.customer_id.to_string()],
    });
    let found = state
        .identity
        .clone()
        .lookup_customers(asked)
        .await
        .map_err(PortalError::Identity)?
        .into_inner();
    let org_name = found.organization.map(|o| o.name).unwrap_or_default();
    Ok((found.customers.into_iter().next(), org_name))
}

/// The staff to tell of a customer's news: the assignee, or every holder of
/// `requests.manage`; active members only.
async fn staff_to_tell(
    state: &AppState,
    asker: &Principal,
    row: &RequestRow,
) -> Result<Vec<identity::Staff>, PortalError> {
    let ids = match row.assignee_id {
        Some(id) => vec![id.to_string()],
        None => {
            let asked = asker.request(identity::ListStaffHoldingRequest {
                permission: "requests.manage".to_owned(),
            });
            let holders = state.staff.clone().list_staff_holding(asked).await;
            let holders = holders.map_err(PortalError::Identity)?.into_inner().items;
            holders.into_iter().map(|s| s.id).collect()
        }
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let asked = asker.request(identity::LookupStaffRequest { staff_ids: ids });
    let found = state.identity.clone().lookup_staff(asked).await;
    let found = found.map_err(PortalError::Identity)?.into_inner().staff;
    Ok(found.into_iter().filter(|s| s.status == "active").collect())
}

/// A mail of `template` from the organization, in `locale`.
pub(crate) fn mail(
    (settings, org_name): (&OrgSettings, &str),
    (template, key): (&str, String),
    (email, name, locale): (&str, &str, &str),
    variables: serde_json::Value,
) -> notifier::EnqueueEmailRequest {
    let b = &settings.branding;
    notifier::EnqueueEmailRequest {
        org_id: String::new(),
        idempotency_key: key,
        template_key: template.to_owned(),
        locale: locale.to_owned(),
        org_locale: settings.default_locale.as_str().to_owned(),
        recipient_email: email.to_owned(),
        recipient_name: name.to_owned(),
        variables_json: variables.to_string(),
        org_name: b
            .company_name
            .clone()
            .unwrap_or_else(|| org_name.to_owned()),
        logo_url: b
            .logo_url
            .clone()
            .filter(|_| b.show_logo)
            .unwrap_or_default(),
        sender_name: b.sender_name.clone().unwrap_or_default(),
    }
}

/// Whom a customer's news goes to, and the names and branding the mails carry: asked
/// before the transaction that writes the news.
pub struct StaffAudience {
    settings: OrgSettings,
    org_name: String,
    customer_name: String,
    staff: Vec<identity::Staff>,
}

/// The staff to tell of news on `row` (a new request, or a customer's reply).
pub async fn staff_audience(
    state: &AppState,
    asker: &Principal,
    row: &RequestRow,
) -> Result<StaffAudience, PortalError> {
    let settings = crate::settings::load(state, row.org_id).await?;
    let (customer, org_name) = customer_of(state, asker, row).await?;
    let staff = staff_to_tell(state, asker, row).await?;
    Ok(StaffAudience {
        settings,
        org_name,
        customer_name: customer.map(|c| c.name).unwrap_or_default(),
        staff,
    })
}

impl StaffAudience {
    /// The news of `row` (as now written: its number known) and the customer's
    /// `message` (none: the new request's description).
    pub fn received(&self, state: &AppState, row: &RequestRow, message: Option<&str>) -> News {
        let event = Uuid::now_v7();
        let path = format!("/admin/requests/{}", row.request_id);
        let variables = json!({
            "number": row.number,
            "title": row.title,
            "customer_name": self.customer_name,
            "message": message.unwrap_or(&row.description),
            "link": format!("{}{path}", state.public_url),
        });
        let mut news = News::default();
        for member in &self.staff {
            let key = format!("request_received:{}:{event}:{}", row.request_id, member.id);
            let mut mail = mail(
                (&self.settings, &self.org_name),
                ("request_received", key.clone()),
                (&member.email, &member.name, &member.locale),
                variables.clone(),
            );
            mail.org_id = row.org_id.to_string();
            news.mails.push(mail);
            news.notices.push(notifier::CreateNotificationRequest {
                org_id: row.org_id.to_string(),
                recipient_kind: "staff".to_owned(),
                recipient_id: member.id.clone(),
                kind: "request_received".to_owned(),
                title: format!("#{} {}", row.number, row.title),
                body: String::new(),
                link: path.clone(),
                idempotency_key: key,
                params_json: json!({"number": row.number, "title": row.title}).to_string(),
            });
        }
        news
    }
}

/// A public staff reply (`message`) or a status change, for the request's customer.
pub async fn to_customer(
    state: &AppState,
    staff: &Principal,
    row: &RequestRow,
    message: Option<&str>,
) -> Result<News, PortalError> {
    let settings = crate::settings::load(state, row.org_id).await?;
    let (customer, org_name) = customer_of(state, staff, row).await?;
    let Some(customer) = customer.filter(|c| c.status == "active") else {
        return Ok(News::default());
    };
    let event = Uuid::now_v7();
    let key = format!("request_updated:{}:{event}", row.request_id);
    let path = format!("/customer/requests/{}", row.request_id);
    let variables = json!({
        "number": row.number,
        "title": row.title,
        "status": row.status.as_str(),
        "message": message.unwrap_or_default(),
        "link": format!("{}{path}", state.public_url),
    });
    let mut mail = mail(
        (&settings, &org_name),
        ("request_updated", key.clone()),
        (&customer.email, &customer.name, &customer.locale),
        variables,
    );
    mail.org_id = row.org_id.to_string();
    let notice = notifier::CreateNotificationRequest {
        org_id: row.org_id.to_string(),
        recipient_kind: "customer".to_owned(),
        recipient_id: customer.id.clone(),
        kind: "request_updated".to_owned(),
        title: format!("#{} {}", row.number, row.title),
        body: String::new(),
        link: path,
        idempotency_key: key,
        params_json:
            json!({"number": row.number, "title": row.title, "status": row.status.as_str()})
                .to_string(),
    };
    Ok(News {
        mails: vec![mail],
        notices: vec![notice],
    })
}
