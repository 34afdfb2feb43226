//! Sending a published document by email (design/links.md): to a customer assigned to
//! its project, by a new share link. The link is made first; the send is then recorded
//! on the document, and the `document_sent` mail (the link on its own line) and the
//! audit entry go into the outbox, in one transaction. A link whose mail never went is
//! harmless: nobody knows its token.

use atrium_common::ids::CustomerId;
use atrium_common::outbox::{self, Acting};
use atrium_proto::identity::v1 as identity;
use atrium_proto::notifier::v1 as notifier;
use atrium_proto::portal::v1 as portal;
use serde_json::json;
use uuid::Uuid;

use super::changes::audience;
use super::staff::{find_visible, subject};
use super::store::{self, DocumentRow};
use super::workflow::Status;
use crate::AppState;
use crate::error::DocumentsError;
use crate::links::store::LinkRow;
use crate::links::{self, Subject, SubjectKind};

/// Whom the mail goes to, and from whom.
struct Addressed {
    email: String,
    name: String,
    locale: String,
    org_name: String,
    logo_url: String,
    sender_name: String,
}

/// Sends the organization's published document to `customer_id` (assigned to its
/// project now) by a new link; answers the link (never its token).
pub async fn send(
    state: &AppState,
    acting: &Acting,
    document_id: &str,
    customer_id: &str,
) -> Result<LinkRow, DocumentsError> {
    let staff = &acting.principal;
    links::may(staff, SubjectKind::Document.manage())?;
    let customer_id = CustomerId::parse(customer_id).ok_or(DocumentsError::InvalidField {
        field: "customer_id",
        problem: "must be a UUID",
    })?;
    let row = find_visible(state, staff, document_id).await?;
    if row.status != Status::Published {
        return Err(DocumentsError::NotPublished);
    }
    if !audience(state, staff, &row)
        .await?
        .contains(&customer_id.to_string())
    {
        return Err(DocumentsError::CustomerNotFound);
    }
    let to = addressed(state, acting, customer_id).await?;
    let about = Subject {
        kind: SubjectKind::Document,
        id: row.document_id.0,
        extra: String::new(),
    };
    let (link, token) = links::create(state, staff, customer_id, about).await?;
    let now = state.clock.now();
    let mail = mail(state, &row, &to, &token);
    let mut tx = state.db.begin().await?;
    if !store::record_send(&mut tx, (row.org_id, row.document_id), now).await? {
        return Err(DocumentsError::DocumentNotFound);
    }
    outbox::enqueue_email(&mut tx, &mail, now).await?;
    acting
        .record(&mut tx, "document.sent", subject(&row), now)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(link)
}

/// The customer's address on file and language, and the organization's branding.
async fn addressed(
    state: &AppState,
    acting: &Acting,
    customer_id: CustomerId,
) -> Result<Addressed, DocumentsError> {
    let staff = &acting.principal;
    let lookup = staff.request(identity::LookupCustomersRequest {
        customer_ids: vec![customer_id.to_string()],
    });
    let branding = staff.request(portal::GetBrandingRequest {
        org_id: staff.org_id.to_string(),
    });
    let mut customers = state.customers.clone();
    let mut settings = state.branding.clone();
    let (found, branding) = tokio::join!(
        customers.lookup_customers(lookup),
        settings.get_branding(branding)
    );
    let found = found.map_err(DocumentsError::Identity)?.into_inner();
    let branding = branding
        .map_err(DocumentsError::Portal)?
        .into_inner()
        .branding
        .unwrap_or_default();
    let customer = found
        .customers
        .into_iter()
        .find(|c| c.id == customer_id.to_string())
        .ok_or(DocumentsError::CustomerNotFound)?;
    let org_name = found.organization.map(|o| o.name).unwrap_or_default();
    Ok(Addressed {
        email: customer.email,
        name: customer.name,
        locale: customer.locale,
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

/// The `document_sent` mail in the customer's language, with the link on its own line.
fn mail(
    state: &AppState,
    row: &DocumentRow,
    to: &Addressed,
    token: &str,
) -> notifier::EnqueueEmailRequest {
    let variables = json!({
        "document_title": row.title,
        "link": format!("{}/i/{token}", state.public_url),
    });
    notifier::EnqueueEmailRequest {
        org_id: row.org_id.to_string(),
        // Each send is its own mail.
        idempotency_key: format!("document_sent:{}", Uuid::now_v7()),
        template_key: "document_sent".to_owned(),
        locale: to.locale.clone(),
        org_locale: String::new(),
        recipient_email: to.email.clone(),
        recipient_name: to.name.clone(),
        variables_json: variables.to_string(),
        org_name: to.org_name.clone(),
        logo_url: to.logo_url.clone(),
        sender_name: to.sender_name.clone(),
    }
}
