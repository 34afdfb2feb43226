//! What billing tells a customer, written into this service's outbox in the transaction
//! of the change it tells of: the mail (template, in the customer's language, with the
//! organization's branding) and the in-app notice; and the in-app notices that tell the
//! members holding billing.manage of quote decisions and of payments others booked.

use atrium_common::auth::Principal;
use atrium_common::db::Tx;
use atrium_common::outbox;
use atrium_proto::identity::v1 as identity;
use atrium_proto::notifier::v1 as notifier;
use atrium_proto::portal::v1 as portal;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::AppState;
use crate::error::BillingError;
use crate::invoice::store::InvoiceRow;
use crate::money::{Currency, format_amount, format_date};

/// How the organization signs its mails.
pub struct Sender {
    pub(crate) org_name: String,
    pub(crate) logo_url: String,
    pub(crate) sender_name: String,
}

/// The organization's branding over its `org_name`, asked before the transaction that
/// mails.
pub async fn sender(
    state: &AppState,
    principal: &Principal,
    org_name: String,
) -> Result<Sender, BillingError> {
    let request = principal.request(portal::GetBrandingRequest {
        org_id: principal.org_id.to_string(),
    });
    let branding = state
        .branding
        .clone()
        .get_branding(request)
        .await
        .map_err(BillingError::Portal)?
        .into_inner()
        .branding
        .unwrap_or_default();
    Ok(Sender {
        org_name: if branding.company_name.is_empty() {
            org_name
        } else {
            branding.company_name
        },
        logo_url: if branding.show_logo {
            branding.logo_url
        } else {
            String::new()
        },
        sender_name: branding.sender_name,
    })
}

/// The `invoice_issued` mail and in-app notice to the invoice's customer.
pub async fn invoice_issued(
    tx: &mut Tx,
    (state, sender): (&AppState, &Sender),
    row: &InvoiceRow,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let locale = row.customer.customer_locale.as_str();
    let number = row.number.clone().unwrap_or_default();
    let amount = Currency::parse(&row.currency)
        .map(|c| format_amount(row.total, c, locale))
        .unwrap_or_default();
    let due = row
        .due_date
        .map(|d| format_date(d, locale))
        .unwrap_or_default();
    let path = format!("/customer/invoices/{}", row.invoice_id);
    let key = format!("invoice_issued:{}", row.invoice_id);
    let mail = notifier::EnqueueEmailRequest {
        org_id: row.org_id.to_string(),
        idempotency_key: key.clone(),
        template_key: "invoice_issued".to_owned(),
        locale: locale.to_owned(),
        org_locale: String::new(),
        recipient_email: row.customer.customer_email.clone(),
        recipient_name: row.customer.customer_name.clone(),
        variables_json: json!({
            "invoice_number": number,
            "amount": amount,
            "due_date": due,
            "link": format!("{}{path}", state.public_url),
        })
        .to_string(),
        org_name: sender.org_name.clone(),
        logo_url: sender.logo_url.clone(),
        sender_name: sender.sender_name.clone(),
    };
    outbox::enqueue_email(tx, &mail, now).await?;
    let notice = notifier::CreateNotificationRequest {
        org_id: row.org_id.to_string(),
        recipient_kind: "customer".to_owned(),
        recipient_id: row.customer_id.to_string(),
        kind: "invoice_issued".to_owned(),
        title: format!("Invoice {number}: {amount}"),
        body: String::new(),
        link: path,
        idempotency_key: key,
        params_json: json!({ "invoice_number": number, "amount": amount, "due_date": due })
            .to_string(),
    };
    outbox::create_notification(tx, &notice, now).await
}

/// The `quote_issued` mail and in-app notice to the quote's customer.
pub async fn quote_issued(
    tx: &mut Tx,
    (state, sender): (&AppState, &Sender),
    row: &crate::quote::store::QuoteRow,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let locale = row.customer.customer_locale.as_str();
    let number = row.number.clone().unwrap_or_default();
    let amount = Currency::parse(&row.currency)
        .map(|c| format_amount(row.total, c, locale))
        .unwrap_or_default();
    let valid_until = format_date(row.valid_until, locale);
    let path = format!("/customer/quotes/{}", row.quote_id);
    let key = format!("quote_issued:{}", row.quote_id);
    let variables = json!({ "quote_number": number, "amount": amount, "valid_until": valid_until });
    let mut mail_variables = variables.clone();
    mail_variables["link"] = json!(format!("{}{path}", state.public_url));
    let mail = notifier::EnqueueEmailRequest {
        org_id: row.org_id.to_string(),
        idempotency_key: key.clone(),
        template_key: "quote_issued".to_owned(),
        locale: locale.to_owned(),
        org_locale: String::new(),
        recipient_email: row.customer.customer_email.clone(),
        recipient_name: row.customer.customer_name.clone(),
        variables_json: mail_variables.to_string(),
        org_name: sender.org_name.clone(),
        logo_url: sender.logo_url.clone(),
        sender_name: sender.sender_name.clone(),
    };
    outbox::enqueue_email(tx, &mail, now).await?;
    let notice = notifier::CreateNotificationRequest {
        org_id: row.org_id.to_string(),
        recipient_kind: "customer".to_owned(),
        recipient_id: row.customer_id.to_string(),
        kind: "quote_issued".to_owned(),
        title: format!("Quote {number}: {amount}"),
        body: String::new(),
        link: path,
        idempotency_key: key,
        params_json: variables.to_string(),
    };
    outbox::create_notification(tx, &notice, now).await
}

/// The members holding billing.manage, asked of identity as `principal` before the
/// transaction that tells them; `except` (who made the change) is left out.
pub async fn managers(
    state: &AppState,
    principal: &Principal,
    except: Option<uuid::Uuid>,
) -> Result<Vec<identity::StaffRef>, BillingError> {
    let request = principal.request(identity::ListStaffHoldingRequest {
        permission: "billing.manage".to_owned(),
    });
    let found = state
        .staff
        .clone()
        .list_staff_holding(request)
        .await
        .map_err(BillingError::Identity)?
        .into_inner()
        .items;
    let except = except.map(|id| id.to_string());
    Ok(found
        .into_iter()
        .filter(|m| Some(&m.id) != except.as_ref())
        .collect())
}

/// One in-app notice for staff: its kind, English title (the console words known kinds
/// from `params`), link and the idempotency key it is written under per member.
pub struct StaffNotice {
    pub kind: &'static str,
    pub title: String,
    pub link: String,
    pub key: String,
    pub params: serde_json::Value,
}

/// `notice` to each of `staff`, in the transaction of the change it tells of.
pub async fn to_staff(
    tx: &mut Tx,
    org_id: atrium_common::ids::OrgId,
    staff: &[identity::StaffRef],
    notice: &StaffNotice,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    for member in staff {
        let request = notifier::CreateNotificationRequest {
            org_id: org_id.to_string(),
            recipient_kind: "staff".to_owned(),
            recipient_id: member.id.clone(),
            kind: notice.kind.to_owned(),
            title: notice.title.clone(),
            body: String::new(),
            link: notice.link.clone(),
            idempotency_key: format!("{}:{}", notice.key, member.id),
            params_json: notice.params.to_string(),
        };
        outbox::create_notification(tx, &request, now).await?;
    }
    Ok(())
}
