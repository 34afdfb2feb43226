//! "Request access" (design/links.md): a customer who typed their email on a link page
//! gets one mail with a fresh link to each of their open invoices (issued or partly
//! paid) and open quotes (sent, still valid), to the address on file. Called as the
//! customer identity found for that email; nothing is mailed when nothing is open.

use atrium_common::outbox::{self, Acting};
use atrium_proto::documents::v1 as documents;
use atrium_proto::notifier::v1 as notifier;
use serde_json::{Value, json};
use uuid::Uuid;

use super::Kind;
use crate::AppState;
use crate::error::BillingError;
use crate::money::{Currency, format_amount};
use crate::{customers, invoice, notices, quote};

/// The most documents of each kind one mail links.
const MOST: i64 = 25;

/// An open document the mail links: its kind, id, number and amount.
struct Open {
    kind: Kind,
    id: Uuid,
    number: String,
    currency: String,
    amount: i64,
}

/// The customer's open invoices and quotes, newest first.
async fn open_documents(state: &AppState, acting: &Acting) -> Result<Vec<Open>, BillingError> {
    let holder = &acting.principal;
    let customer_id = Some(holder.customer_id());
    let invoices = invoice::store::Filter {
        customer_id,
        status: None,
        issued_only: true,
        overdue_on: None,
        q: None,
    };
    let invoices = invoice::store::list(&state.db, holder.org_id, &invoices, None, MOST).await?;
    let today = state.clock.now().date_naive();
    let quotes = quote::store::Filter {
        customer_id,
        status: Some(quote::Status::Sent),
        expired: false,
        issued_only: true,
        today: Some(today),
    };
    let quotes = quote::store::list(&state.db, holder.org_id, quotes, None, MOST).await?;
    let owed = invoices.into_iter().filter(|row| {
        matches!(
            row.status,
            invoice::Status::Issued | invoice::Status::PartiallyPaid
        )
    });
    let mut open: Vec<Open> = owed
        .map(|row| Open {
            kind: Kind::Invoice,
            id: row.invoice_id,
            number: row.number.clone().unwrap_or_default(),
            amount: row.total - row.amount_credited - row.amount_paid,
            currency: row.currency,
        })
        .collect();
    open.extend(quotes.into_iter().map(|row| Open {
        kind: Kind::Quote,
        id: row.quote_id,
        number: row.number.unwrap_or_default(),
        amount: row.total,
        currency: row.currency,
    }));
    Ok(open)
}

/// Mails the customer a fresh link to each open document; answers how many it linked.
pub async fn send_open(state: &AppState, acting: &Acting) -> Result<usize, BillingError> {
    let holder = &acting.principal;
    let open = open_documents(state, acting).await?;
    if open.is_empty() {
        return Ok(0);
    }
    let (_, customer, org_name) =
        customers::snapshot(state, holder, &holder.subject_id.to_string()).await?;
    let sender = notices::sender(state, holder, org_name).await?;
    let locale = customer.customer_locale.as_str();
    let mut listed = Vec::with_capacity(open.len());
    for document in &open {
        let request = holder.request(documents::CreateLinkRequest {
            customer_id: holder.subject_id.to_string(),
            subject: Some(documents::LinkSubject {
                kind: document.kind.as_str().to_owned(),
                id: document.id.to_string(),
                extra: String::new(),
            }),
        });
        let made = state
            .links
            .clone()
            .create_my_link(request)
            .await
            .map_err(BillingError::Documents)?
            .into_inner();
        let amount = Currency::parse(&document.currency)
            .map(|c| format_amount(document.amount, c, locale))
            .unwrap_or_default();
        listed.push(json!({
            "kind": document.kind.as_str(),
            "number": document.number,
            "amount": amount,
            "link": format!("{}/i/{}", state.public_url, made.token),
        }));
    }
    let mail = notifier::EnqueueEmailRequest {
        org_id: holder.org_id.to_string(),
        idempotency_key: format!("documents_requested:{}", Uuid::now_v7()),
        template_key: "documents_requested".to_owned(),
        locale: locale.to_owned(),
        org_locale: String::new(),
        recipient_email: customer.customer_email.clone(),
        recipient_name: customer.customer_name.clone(),
        variables_json: variables(state, listed).to_string(),
        org_name: sender.org_name.clone(),
        logo_url: sender.logo_url.clone(),
        sender_name: sender.sender_name.clone(),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    outbox::enqueue_email(&mut tx, &mail, now).await?;
    let about = ("customer", holder.subject_id.to_string());
    acting
        .record(&mut tx, "customer.documents_requested", about, now)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(open.len())
}

/// The mail's variables: each document with its link, and the portal's sign-in page.
fn variables(state: &AppState, documents: Vec<Value>) -> Value {
    json!({
        "documents": documents,
        "link": format!("{}/customer/login", state.public_url),
    })
}
