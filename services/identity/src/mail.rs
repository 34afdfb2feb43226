//! The link mails identity sends, as requests for the notifier written to identity's outbox:
//! each carries a link built from the configured public URL (never a request's Host) and
//! an idempotency key naming the token it carries, so a relayed repeat is one mail.

use atrium_common::ids::OrgId;
use atrium_proto::notifier::v1 as notifier;
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::customer::Customer;
use crate::staff::StaffMember;

/// Who a link mail goes to.
pub struct Recipient<'a> {
    pub org_id: OrgId,
    pub email: &'a str,
    pub name: &'a str,
    /// Empty falls back to the organization's locale, then English.
    pub locale: &'a str,
}

impl<'a> From<&'a Customer> for Recipient<'a> {
    fn from(customer: &'a Customer) -> Recipient<'a> {
        Recipient {
            org_id: customer.org_id,
            email: &customer.email,
            name: &customer.name,
            locale: &customer.locale,
        }
    }
}

impl<'a> From<&'a StaffMember> for Recipient<'a> {
    fn from(staff: &'a StaffMember) -> Recipient<'a> {
        Recipient {
            org_id: staff.org_id,
            email: &staff.email,
            name: &staff.name,
            locale: "",
        }
    }
}

/// A link mail to a customer or a staff member.
pub struct LinkMail<'a> {
    pub template: &'static str,
    /// The page the link opens, e.g. `/customer/accept-invitation`.
    pub page: &'static str,
    pub token: &'a str,
    pub token_hash: &'a [u8],
    pub expires_at: DateTime<Utc>,
    pub org_name: &'a str,
    pub sender_name: &'a str,
    /// Variables of this template besides `link` and `expires_at`.
    pub extra: &'a [(&'static str, &'a str)],
}

pub fn link_mail(
    state: &AppState,
    recipient: Recipient<'_>,
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
    let mut variables = serde_json::json!({
        "link": link,
        "expires_at": mail_time(mail.expires_at),
    });
    for (name, value) in mail.extra {
        variables[*name] = serde_json::Value::from(*value);
    }
    notifier::EnqueueEmailRequest {
        org_id: recipient.org_id.to_string(),
        idempotency_key: format!("identity:{}:{token_id}", mail.template),
        template_key: mail.template.into(),
        locale: recipient.locale.to_owned(),
        org_locale: String::new(),
        recipient_email: recipient.email.to_owned(),
        recipient_name: recipient.name.to_owned(),
        variables_json: variables.to_string(),
        org_name: mail.org_name.to_owned(),
        logo_url: String::new(),
        sender_name: mail.sender_name.to_owned(),
    }
}

/// A time as mails show it: `2030-01-22 09:00 UTC`.
pub fn mail_time(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M UTC").to_string()
}
