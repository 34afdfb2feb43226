//! What a link shows: the subject in the customer's view, asked of its owner with the
//! link's id, the organization that sent it and what the holder may do.

use std::net::IpAddr;

use atrium_common::error::ApiError;
use atrium_proto::billing::v1 as billing;
use atrium_proto::documents::v1 as documents;
use atrium_proto::identity::v1 as identity;
use schemars::JsonSchema;
use serde::Serialize;

use super::holder::{LinkHolder, dead, linked, open, token_invalid};
use crate::GatewayState;
use crate::api::billing::{CreditNote, InvoiceDetail, Order, Quote, Statement};
use crate::api::documents::CustomerDocument;
use crate::api::settings::PublicBranding;
use crate::extract::{ActsFor, Call};

/// The document a link opens, as the customer sees it, and who sent it.
#[derive(Serialize, JsonSchema)]
pub struct Linked {
    pub org: LinkedOrg,
    pub customer: LinkedCustomer,
    pub subject: LinkedSubject,
    pub expires_at: Option<crate::api::Time>,
    /// What the page offers: `download`, `accept` and `decline` (an open quote),
    /// `end_access`, `portal_access`.
    pub actions: Vec<&'static str>,
}

#[derive(Serialize, JsonSchema)]
pub struct LinkedOrg {
    pub name: String,
    pub branding: PublicBranding,
}

#[derive(Serialize, JsonSchema)]
pub struct LinkedCustomer {
    pub name: String,
}

/// The subject with its kind beside the customer's view of it.
#[derive(Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkedSubject {
    Invoice(InvoiceDetail),
    Quote(Quote),
    CreditNote(CreditNote),
    Order(Order),
    Statement(Statement),
    Document(CustomerDocument),
}

/// What the page may offer besides the document: its kind, the customer's name on it,
/// and whether it is a quote open to a decision.
pub struct Shown {
    pub subject: LinkedSubject,
    pub customer_name: String,
    pub open_quote: bool,
}

/// The customer the link was sent to, asked of identity as its holder (only themself is
/// found); `None` when identity does not answer.
pub async fn customer_of(holder: &Call<LinkHolder>) -> Option<identity::Customer> {
    let request = holder.session.request(identity::LookupCustomersRequest {
        customer_ids: vec![holder.link.customer_id.clone()],
    });
    let found = holder
        .state
        .clients
        .customers
        .clone()
        .lookup_customers(request)
        .await;
    found.ok()?.into_inner().customers.into_iter().next()
}

/// A statement link's period and currency (`from/to/currency`).
pub fn period_of(holder: &Call<LinkHolder>) -> (String, String, String) {
    let extra = holder
        .link
        .subject
        .as_ref()
        .map(|s| s.extra.clone())
        .unwrap_or_default();
    let mut parts = extra.splitn(3, '/').map(str::to_owned);
    (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    )
}

/// The subject in the customer's view, asked of its owner with the link's id.
pub async fn subject(holder: &Call<LinkHolder>) -> Result<Shown, ApiError> {
    let link_id = holder.link.id.clone();
    let (kind, id) = holder.subject();
    let name = |customer: &Option<billing::CustomerRef>| {
        customer
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    Ok(match kind.as_str() {
        "invoice" => {
            let request = billing::InvoiceRequest {
                invoice_id: id,
                link_id,
            };
            let invoice = linked!(holder, my_invoices.get_my_invoice(request))
                .invoice
                .unwrap_or_default();
            Shown {
                customer_name: name(&invoice.customer),
                subject: LinkedSubject::Invoice(invoice.into()),
                open_quote: false,
            }
        }
        "quote" => {
            let request = billing::QuoteRequest {
                quote_id: id,
                link_id,
            };
            let quote = linked!(holder, my_quotes.get_my_quote(request))
                .quote
                .unwrap_or_default();
            Shown {
                customer_name: name(&quote.customer),
                open_quote: quote.status == "sent",
                subject: LinkedSubject::Quote(quote.into()),
            }
        }
        "credit_note" => {
            let request = billing::CreditNoteRequest {
                credit_note_id: id,
                link_id,
            };
            let note = linked!(holder, my_credit_notes.get_my_credit_note(request))
                .credit_note
                .unwrap_or_default();
            Shown {
                customer_name: name(&note.customer),
                subject: LinkedSubject::CreditNote(note.into()),
                open_quote: false,
            }
        }
        "order" => {
            let request = billing::OrderRequest {
                order_id: id,
                link_id,
            };
            let order = linked!(holder, my_orders.get_my_order(request))
                .order
                .unwrap_or_default();
            Shown {
                customer_name: name(&order.customer),
                subject: LinkedSubject::Order(order.into()),
                open_quote: false,
            }
        }
        "statement" => {
            let (from, to, currency) = period_of(holder);
            let request = billing::StatementRequest {
                customer_id: String::new(),
                from,
                to,
                currency,
                link_id,
            };
            let (statement, customer) = tokio::join!(
                async { Ok::<_, ApiError>(linked!(holder, my_ledger.get_my_statement(request))) },
                customer_of(holder)
            );
            Shown {
                customer_name: customer.map(|c| c.name).unwrap_or_default(),
                subject: LinkedSubject::Statement(statement?.into()),
                open_quote: false,
            }
        }
        "document" => {
            let request = documents::DocumentRequest {
                document_id: id,
                link_id,
            };
            let (document, customer) = tokio::join!(
                async { Ok::<_, ApiError>(linked!(holder, my_documents.get_my_document(request))) },
                customer_of(holder)
            );
            Shown {
                customer_name: customer.map(|c| c.name).unwrap_or_default(),
                subject: LinkedSubject::Document(document?.document.unwrap_or_default().into()),
                open_quote: false,
            }
        }
        _ => return Err(token_invalid()),
    })
}

/// The organization's name and branding as its link pages show them.
pub async fn org_of(holder: &Call<LinkHolder>) -> Result<LinkedOrg, ApiError> {
    let branding =
        crate::routes::public::branding::branding(&holder.state, holder.link.org_id.clone())
            .await?;
    Ok(LinkedOrg {
        name: branding.company_name.clone().unwrap_or_default(),
        branding,
    })
}

/// The live link `token` names, counting `count`, and what it shows.
pub async fn view(
    state: &GatewayState,
    ip: IpAddr,
    token: &str,
    count: &str,
) -> Result<(Call<LinkHolder>, Linked), ApiError> {
    let holder = open(state, ip, token, count).await?;
    let (shown, org) = tokio::try_join!(subject(&holder), org_of(&holder))?;
    let mut actions = vec!["download"];
    if shown.open_quote {
        actions.extend(["accept", "decline"]);
    }
    actions.extend(["end_access", "portal_access"]);
    let expires_at = crate::api::time(holder.link.expires_at.as_ref());
    let linked = Linked {
        org,
        customer: LinkedCustomer {
            name: shown.customer_name,
        },
        subject: shown.subject,
        expires_at,
        actions,
    };
    Ok((holder, linked))
}
