//! Quotes, their decisions, and sales orders as the API writes them.

use atrium_proto::billing::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CustomerRef, Line, LineBody, Money, TaxPart, customer_of, money, tax_of};
use crate::api::{Id, Paging, Patch, Time, text, time};

/// The customer's decision on a quote, with its evidence.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Decision {
    #[schemars(extend("enum" = ["accepted", "declined"]))]
    pub decision: String,
    /// The typed signature.
    pub name: Option<String>,
    pub comment: Option<String>,
    pub at: Option<Time>,
    pub ip: String,
    pub user_agent: String,
    #[schemars(extend("enum" = ["portal", "link"]))]
    pub channel: String,
    pub link_id: Option<Id>,
    /// The SHA-256 of the quote's content as the customer saw it.
    pub content_sha256: String,
}

/// What an accepted quote became.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Converted {
    #[schemars(extend("enum" = ["invoice", "order"]))]
    pub kind: String,
    pub id: Id,
}

/// A quote.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Quote {
    pub id: Id,
    /// `Q-2026-0001`; `null` while draft.
    pub number: Option<String>,
    pub customer: CustomerRef,
    /// `expired`: sent, and today is past `valid_until`.
    #[schemars(extend("enum" = ["draft", "sent", "accepted", "declined", "expired"]))]
    pub status: String,
    pub currency: String,
    /// `YYYY-MM-DD`
    pub valid_until: String,
    pub lines: Vec<Line>,
    pub tax_breakdown: Vec<TaxPart>,
    pub subtotal: Money,
    pub tax_total: Money,
    pub total: Money,
    pub notes: String,
    pub terms: String,
    pub decision: Option<Decision>,
    pub sent_at: Option<Time>,
    pub sent_count: i32,
    pub converted_to: Option<Converted>,
    /// The SHA-256 of its canonical content (`null` while draft).
    pub content_sha256: Option<String>,
    pub created_at: Option<Time>,
}

impl From<pb::Quote> for Quote {
    fn from(q: pb::Quote) -> Quote {
        let c = q.currency.clone();
        Quote {
            id: q.id.into(),
            number: text(&q.number),
            customer: customer_of(q.customer),
            status: q.status,
            valid_until: q.valid_until,
            lines: q.lines.into_iter().map(|l| Line::of(l, &c)).collect(),
            tax_breakdown: tax_of(q.tax_breakdown, &c),
            subtotal: money(q.subtotal, &c),
            tax_total: money(q.tax_total, &c),
            total: money(q.total, &c),
            notes: q.notes,
            terms: q.terms,
            decision: q.decision.map(|d| Decision {
                decision: d.decision,
                name: text(&d.name),
                comment: text(&d.comment),
                at: time(d.at.as_ref()),
                ip: d.ip,
                user_agent: d.user_agent,
                channel: d.channel,
                link_id: text(&d.link_id).map(Id),
                content_sha256: d.content_sha256,
            }),
            sent_at: time(q.sent_at.as_ref()),
            sent_count: q.sent_count,
            converted_to: q.converted_to.map(|k| Converted {
                kind: k.kind,
                id: k.id.into(),
            }),
            content_sha256: text(&q.content_sha256),
            created_at: time(q.created_at.as_ref()),
            currency: q.currency,
        }
    }
}

/// The body of `POST /api/admin/quotes`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewQuote {
    pub customer_id: String,
    /// ISO 4217
    pub currency: String,
    /// `YYYY-MM-DD`; may lie in the past.
    pub valid_until: String,
    #[serde(default)]
    pub lines: Vec<LineBody>,
    pub notes: Option<String>,
    pub terms: Option<String>,
}

/// The body of `PATCH /api/admin/quotes/{id}` (a draft only).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct QuotePatch {
    pub customer_id: Patch<String>,
    pub currency: Patch<String>,
    pub valid_until: Patch<String>,
    pub lines: Patch<Vec<LineBody>>,
    pub notes: Patch<String>,
    pub terms: Patch<String>,
}

/// The query of the quote lists.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct QuoteFilter {
    #[schemars(extend("enum" = ["draft", "sent", "accepted", "declined", "expired"]))]
    pub status: Option<String>,
    /// Staff only.
    pub customer_id: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}

/// The body of `POST /api/admin/quotes/{id}/convert`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ConvertQuote {
    #[schemars(extend("enum" = ["invoice", "order"]))]
    pub to: String,
}

/// The body of `POST /api/customer/quotes/{id}/accept`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct AcceptQuote {
    /// The typed signature: your full name.
    pub name: String,
    pub comment: Option<String>,
}

/// The body of `POST /api/customer/quotes/{id}/decline`; a missing body is `{}`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct DeclineQuote {
    pub reason: Option<String>,
}

/// A sales order.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Order {
    pub id: Id,
    /// `SO-2026-0001`
    pub number: String,
    pub customer: CustomerRef,
    #[schemars(extend("enum" = ["open", "fulfilled", "cancelled"]))]
    pub status: String,
    pub currency: String,
    pub lines: Vec<Line>,
    pub tax_breakdown: Vec<TaxPart>,
    pub subtotal: Money,
    pub tax_total: Money,
    pub total: Money,
    pub notes: String,
    pub quote_id: Option<Id>,
    /// The draft invoice made from it.
    pub invoice_id: Option<Id>,
    pub created_at: Option<Time>,
    /// When staff last sent it by share link, and how often.
    pub sent_at: Option<Time>,
    pub sent_count: i64,
}

impl From<pb::Order> for Order {
    fn from(o: pb::Order) -> Order {
        let c = o.currency.clone();
        Order {
            id: o.id.into(),
            number: o.number,
            customer: customer_of(o.customer),
            status: o.status,
            lines: o.lines.into_iter().map(|l| Line::of(l, &c)).collect(),
            tax_breakdown: tax_of(o.tax_breakdown, &c),
            subtotal: money(o.subtotal, &c),
            tax_total: money(o.tax_total, &c),
            total: money(o.total, &c),
            notes: o.notes,
            quote_id: text(&o.quote_id).map(Id),
            invoice_id: text(&o.invoice_id).map(Id),
            created_at: time(o.created_at.as_ref()),
            sent_at: time(o.sent_at.as_ref()),
            sent_count: o.sent_count,
            currency: o.currency,
        }
    }
}

/// The body of `POST /api/admin/orders`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewOrder {
    pub customer_id: String,
    pub currency: String,
    pub lines: Vec<LineBody>,
    pub notes: Option<String>,
}

/// The query of the order lists.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct OrderFilter {
    #[schemars(extend("enum" = ["open", "fulfilled", "cancelled"]))]
    pub status: Option<String>,
    /// Staff only.
    pub customer_id: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}
