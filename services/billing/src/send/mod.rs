//! Sending an issued invoice, quote, credit note, order or a statement by email
//! (design/links.md):
//! each send asks the documents service for a new share link, then records the send on
//! the document and writes the mail (the link on its own line) and the audit entry into
//! the outbox in one transaction. A link whose mail never went is harmless: nobody
//! knows its token.

pub mod requested;
mod statement;
mod store;

use atrium_common::auth::Principal;
use atrium_common::ids::CustomerId;
use atrium_common::outbox;
use atrium_common::outbox::Acting;
use atrium_proto::documents::v1 as documents;
use atrium_proto::notifier::v1 as notifier;
use serde_json::json;
use uuid::Uuid;

use crate::AppState;
use crate::error::BillingError;
use crate::invoice::store::Snapshot;
use crate::money::{Currency, format_amount, format_date};
use crate::{credit_note, customers, invoice, notices, order, quote};

atrium_common::text_enum! {
    /// What billing sends by link.
    pub enum Kind {
        Invoice = "invoice",
        Quote = "quote",
        CreditNote = "credit_note",
        Order = "order",
        Statement = "statement",
    }
}

/// What the mail says of the document.
struct Outgoing {
    customer_id: CustomerId,
    currency: String,
    /// The total; a statement's closing balance.
    total: i64,
    /// Empty for a statement.
    number: String,
    /// The dates the mail names (`due_date`, `valid_until`; a statement's `from`, `to`).
    dates: Vec<(&'static str, chrono::NaiveDate)>,
    /// What the link names besides the subject (a statement's period and currency).
    extra: String,
}

/// The organization's document of `kind` and `id` as the mail tells of it (a
/// statement's `extra` holds its period and currency); a draft (or another step that
/// cannot be sent) is refused as the contract says.
async fn outgoing(
    state: &AppState,
    by: &Principal,
    (kind, id): (Kind, Uuid),
    extra: &str,
) -> Result<Outgoing, BillingError> {
    let db = &state.db;
    let org_id = by.org_id;
    let plain = |customer_id, currency, total, number| Outgoing {
        customer_id,
        currency,
        total,
        number,
        dates: Vec::new(),
        extra: String::new(),
    };
    Ok(match kind {
        Kind::Invoice => {
            let row = invoice::store::find(db, org_id, id)
                .await?
                .ok_or(BillingError::InvoiceNotFound)?;
            if matches!(row.status, invoice::Status::Draft | invoice::Status::Void) {
                return Err(BillingError::InvoiceNotIssued);
            }
            let mut out = plain(
                row.customer_id,
                row.currency,
                row.total,
                row.number.unwrap_or_default(),
            );
            out.dates.extend(row.due_date.map(|d| ("due_date", d)));
            out
        }
        Kind::Quote => {
            let row = quote::store::find(db, org_id, None, id)
                .await?
                .ok_or(BillingError::QuoteNotFound)?;
            if row.status == quote::Status::Draft {
                return Err(BillingError::InvalidTransition("be sent"));
            }
            let mut out = plain(
                row.customer_id,
                row.currency,
                row.total,
                row.number.unwrap_or_default(),
            );
            out.dates.push(("valid_until", row.valid_until));
            out
        }
        Kind::CreditNote => {
            let row = credit_note::store::find(db, org_id, None, id)
                .await?
                .ok_or(BillingError::CreditNoteNotFound)?;
            plain(row.customer_id, row.currency, row.total, row.number)
        }
        Kind::Order => {
            let row = order::store::find(db, org_id, None, id)
                .await?
                .ok_or(BillingError::OrderNotFound)?;
            plain(row.customer_id, row.currency, row.total, row.number)
        }
        Kind::Statement => statement::outgoing(state, by, id, extra).await?,
    })
}

fn not_found(kind: Kind) -> BillingError {
    match kind {
        Kind::Invoice => BillingError::InvoiceNotFound,
        Kind::Quote => BillingError::QuoteNotFound,
        Kind::CreditNote => BillingError::CreditNoteNotFound,
        Kind::Order => BillingError::OrderNotFound,
        Kind::Statement => BillingError::CustomerNotFound,
    }
}

/// Sends the organization's document of `kind` to its customer's address on file by a
/// new link (a statement: the customer `id`'s for `period`, from, to and currency);
/// answers the link (never its token).
pub async fn send(
    state: &AppState,
    acting: &Acting,
    (kind, id): (Kind, &str),
    (from, to, currency): (&str, &str, &str),
) -> Result<documents::ShareLink, BillingError> {
    let staff = &acting.principal;
    let id = Uuid::parse_str(id).map_err(|_| not_found(kind))?;
    let asked = crate::access::statement_extra(from, to, currency);
    let out = outgoing(state, staff, (kind, id), &asked).await?;
    let made = state
        .links
        .clone()
        .create_link(staff.request(documents::CreateLinkRequest {
            customer_id: out.customer_id.to_string(),
            subject: Some(documents::LinkSubject {
                kind: kind.as_str().to_owned(),
                id: id.to_string(),
                extra: out.extra.clone(),
            }),
        }))
        .await
        .map_err(BillingError::Documents)?
        .into_inner();
    deliver(state, acting, (kind, id), &out, made).await
}

/// A link holder's "Send again": when the token names a link of theirs (live, expired
/// or ended) whose document is still theirs and sendable, a new link goes to their
/// address on file. Anything else does nothing, and answers alike.
pub async fn renew(state: &AppState, acting: &Acting, token: &str) -> Result<(), BillingError> {
    let holder = &acting.principal;
    let asked = || {
        holder.request(documents::LinkTokenRequest {
            token: token.to_owned(),
        })
    };
    let found = state
        .links
        .clone()
        .find_link(asked())
        .await
        .map_err(BillingError::Documents)?
        .into_inner();
    let theirs = found.link.filter(|link| {
        found.found
            && link.org_id == holder.org_id.to_string()
            && link.customer_id == holder.subject_id.to_string()
    });
    let Some(subject) = theirs.and_then(|link| link.subject) else {
        return Ok(());
    };
    let Some((kind, id)) = Kind::parse(&subject.kind).zip(Uuid::parse_str(&subject.id).ok()) else {
        return Ok(());
    };
    let out = match outgoing(state, holder, (kind, id), &subject.extra).await {
        Ok(found) => found,
        Err(err @ BillingError::Database(_)) => return Err(err),
        Err(_) => return Ok(()),
    };
    if out.customer_id.0 != holder.subject_id {
        return Ok(());
    }
    let made = state
        .links
        .clone()
        .renew_link(asked())
        .await
        .map_err(BillingError::Documents)?
        .into_inner();
    deliver(state, acting, (kind, id), &out, made).await?;
    Ok(())
}

/// Mails the new link `made` of the document to its customer's address on file and
/// records the send on the document and in the audit trail, in one transaction.
async fn deliver(
    state: &AppState,
    acting: &Acting,
    (kind, id): (Kind, Uuid),
    out: &Outgoing,
    made: documents::CreateLinkResponse,
) -> Result<documents::ShareLink, BillingError> {
    let by = &acting.principal;
    // The address on file now, not the one the document was issued to.
    let (_, customer, org_name) =
        customers::snapshot(state, by, &out.customer_id.to_string()).await?;
    let sender = notices::sender(state, by, org_name).await?;
    let link = made.link.unwrap_or_default();
    let now = state.clock.now();
    let mail = mail(state, (kind, out), (&customer, &sender), &made.token, by);
    let mut tx = state.db.begin().await?;
    if !store::record_send(&mut tx, kind, (by.org_id, id), now).await? {
        return Err(not_found(kind));
    }
    outbox::enqueue_email(&mut tx, &mail, now).await?;
    let action = format!("{}.sent", kind.as_str());
    acting
        .record(&mut tx, &action, (kind.as_str(), id.to_string()), now)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(link)
}

/// The `<kind>_sent` mail in the customer's language, with the link on its own line.
fn mail(
    state: &AppState,
    (kind, out): (Kind, &Outgoing),
    (customer, sender): (&Snapshot, &notices::Sender),
    token: &str,
    by: &Principal,
) -> notifier::EnqueueEmailRequest {
    let locale = customer.customer_locale.as_str();
    let amount = Currency::parse(&out.currency)
        .map(|c| format_amount(out.total, c, locale))
        .unwrap_or_default();
    let mut variables = json!({});
    if kind != Kind::Statement {
        variables[format!("{}_number", kind.as_str())] = json!(out.number);
    }
    variables["amount"] = json!(amount);
    variables["link"] = json!(format!("{}/i/{token}", state.public_url));
    for (name, date) in &out.dates {
        variables[*name] = json!(format_date(*date, locale));
    }
    notifier::EnqueueEmailRequest {
        org_id: by.org_id.to_string(),
        // Each send is its own mail.
        idempotency_key: format!("{}_sent:{}", kind.as_str(), Uuid::now_v7()),
        template_key: format!("{}_sent", kind.as_str()),
        locale: locale.to_owned(),
        org_locale: String::new(),
        recipient_email: customer.customer_email.clone(),
        recipient_name: customer.customer_name.clone(),
        variables_json: variables.to_string(),
        org_name: sender.org_name.clone(),
        logo_url: sender.logo_url.clone(),
        sender_name: sender.sender_name.clone(),
    }
}
