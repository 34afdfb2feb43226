//! The mails identity sends, as requests for the notifier written to identity's outbox:
//! each carries a link built from the configured public URL (never a request's Host) and
//! an idempotency key naming the token it carries, so a relayed repeat is one mail.

use atrium_proto::notifier::v1 as notifier;
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::customer_store::CustomerRow;

/// A link mail to a customer.
pub struct LinkMail<'a> {
    pub template: &'static str,
    /// The page the link opens, e.g. `/customer/accept-invitation`.
    pub page: &'static str,
    pub token: &'a str,
    pub token_hash: &'a [u8],
    pub expires_at: DateTime<Utc>,
    pub org_name: &'a str,
    pub sender_name: &'a str,
}

pub fn customer_link_mail(
    state: &AppState,
    customer: &CustomerRow,
    mail: LinkMail<'_>,
) -> notifier::EnqueueEmailRequest {
    let link = format!(
        "{}{}?token={}",
        state.public_url.trim_end_matches('/'),
        mail.page,
        mail.token
    );
    let token_id: String = mail.token_hash[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    notifier::EnqueueEmailRequest {
        org_id: customer.org_id.to_string(),
        idempotency_key: format!("identity:{}:{token_id}", mail.template),
        template_key: mail.template.into(),
        locale: customer.locale.clone(),
        org_locale: String::new(),
        recipient_email: customer.email.clone(),
        recipient_name: customer.name.clone(),
        variables_json: serde_json::json!({
            "link": link,
            "expires_at": mail_time(mail.expires_at),
        })
        .to_string(),
        org_name: mail.org_name.to_owned(),
        logo_url: String::new(),
        sender_name: mail.sender_name.to_owned(),
    }
}

/// A time as mails show it: `2030-01-22 09:00 UTC`.
pub fn mail_time(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M UTC").to_string()
}
