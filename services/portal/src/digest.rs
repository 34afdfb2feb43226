//! The assignment digest: each save sends every affected active customer one
//! `customer_gallery_assigned` mail and one in-app notification listing everything newly
//! shared with them, both written into the outbox in the save's transaction. Invited and
//! deactivated customers get neither.

use atrium_common::db::Tx;
use atrium_common::ids::{OrgId, ProjectId};
use atrium_common::outbox;
use atrium_proto::identity::v1 as identity;
use atrium_proto::notifier::v1 as notifier;
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use atrium_common::settings::OrgSettings;

/// A project newly shared with a customer.
pub struct Shared {
    pub project_id: ProjectId,
    pub name: String,
}

/// What every digest of one save has in common.
pub struct Save<'a> {
    /// Names this save in the idempotency keys.
    pub save_id: Uuid,
    pub org_id: OrgId,
    pub org_name: &'a str,
    pub settings: &'a OrgSettings,
    pub public_url: &'a str,
    pub at: DateTime<Utc>,
}

fn truncated(text: String, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text
    } else {
        let mut cut: String = text.chars().take(max_chars - 1).collect();
        cut.push('…');
        cut
    }
}

impl Save<'_> {
    /// Writes one customer's digest mail and notification; nothing for a customer who is
    /// not active or got nothing new.
    pub async fn send(
        &self,
        tx: &mut Tx,
        customer: &identity::Customer,
        shared: &[Shared],
    ) -> Result<(), sqlx::Error> {
        if customer.status != "active" || shared.is_empty() {
            return Ok(());
        }
        let key = format!("assigned:{}:{}", self.save_id, customer.id);
        let project_link = |id: ProjectId| format!("{}/customer/projects/{id}", self.public_url);
        let galleries: Vec<_> = shared
            .iter()
            .map(|s| json!({"name": s.name, "link": project_link(s.project_id)}))
            .collect();
        let (s, b) = (self.settings, &self.settings.branding);
        let mail = notifier::EnqueueEmailRequest {
            org_id: self.org_id.to_string(),
            idempotency_key: key.clone(),
            template_key: "customer_gallery_assigned".to_owned(),
            locale: customer.locale.clone(),
            org_locale: s.default_locale.as_str().to_owned(),
            recipient_email: customer.email.clone(),
            recipient_name: customer.name.clone(),
            variables_json: json!({
                "galleries": galleries,
                "link": format!("{}/customer/dashboard", self.public_url),
            })
            .to_string(),
            org_name: b
                .company_name
                .clone()
                .unwrap_or_else(|| self.org_name.to_owned()),
            logo_url: b
                .logo_url
                .clone()
                .filter(|_| b.show_logo)
                .unwrap_or_default(),
            sender_name: b.sender_name.clone().unwrap_or_default(),
        };
        outbox::enqueue_email(tx, &mail, self.at).await?;
        let (title, link) = match shared {
            [one] => (
                format!("Shared with you: {}", one.name),
                format!("/customer/projects/{}", one.project_id),
            ),
            many => (
                format!("{} new projects and galleries shared with you", many.len()),
                "/customer/dashboard".to_owned(),
            ),
        };
        let names: Vec<&str> = shared.iter().map(|s| s.name.as_str()).collect();
        let notification = notifier::CreateNotificationRequest {
            org_id: self.org_id.to_string(),
            recipient_kind: "customer".to_owned(),
            recipient_id: customer.id.clone(),
            kind: "assignment".to_owned(),
            title: truncated(title, 200),
            body: truncated(names.join(", "), 5000),
            link,
            idempotency_key: key,
            params_json: params(&names),
        };
        outbox::create_notification(tx, &notification, self.at).await
    }
}

/// The notice's parameters: how many were shared and the `names` of as many as fit the
/// notifier's 5000 characters, for each reader's pages to word in their language.
fn params(names: &[&str]) -> String {
    let mut shown = names.len();
    loop {
        let text = json!({ "count": names.len(), "names": &names[..shown] }).to_string();
        if text.len() <= 5000 || shown == 0 {
            return text;
        }
        shown -= 1;
    }
}
