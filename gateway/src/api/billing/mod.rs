//! Invoices and the ledger as the API writes them (`design/billing.md`): every amount is
//! a money object, quantities and rates decimal strings.

use atrium_proto::billing::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod ledger;
mod payments;
mod quotes;

pub use ledger::*;
pub use payments::*;
pub use quotes::*;

use super::{Id, Paging, Patch, Time, text, time};

/// An amount in the minor units of its currency (cents for EUR, yen for JPY).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Money {
    pub amount_minor: i64,
    /// ISO 4217
    pub currency: String,
}

pub(crate) fn money(amount_minor: i64, currency: &str) -> Money {
    Money {
        amount_minor,
        currency: currency.to_owned(),
    }
}

pub(crate) fn customer_of(c: Option<pb::CustomerRef>) -> CustomerRef {
    let c = c.unwrap_or_default();
    CustomerRef {
        id: c.id.into(),
        name: c.name,
        email: c.email,
        company: c.company,
    }
}

pub(crate) fn tax_of(parts: Vec<pb::TaxPart>, currency: &str) -> Vec<TaxPart> {
    parts
        .into_iter()
        .map(|t| TaxPart {
            tax_rate: t.tax_rate,
            taxable: money(t.taxable, currency),
            tax: money(t.tax, currency),
        })
        .collect()
}

/// A line as sent.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct LineBody {
    pub description: String,
    /// A decimal with at most 4 decimals, more than 0: `"1.5"`.
    pub quantity: String,
    /// At least 0, in minor units.
    pub unit_price_minor: i64,
    /// A percentage 0–100 with at most 2 decimals: `"19"`, `"7.5"`.
    pub tax_rate: String,
    /// Likewise; default `"0"`.
    #[serde(default)]
    pub discount_percent: Option<String>,
}

impl From<LineBody> for pb::Line {
    fn from(l: LineBody) -> pb::Line {
        pb::Line {
            description: l.description,
            quantity: l.quantity,
            unit_price_minor: l.unit_price_minor,
            tax_rate: l.tax_rate,
            discount_percent: l.discount_percent.unwrap_or_default(),
            net: 0,
        }
    }
}

/// A line with its net: `round(quantity × unit_price × (1 − discount/100))`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Line {
    pub description: String,
    pub quantity: String,
    pub unit_price_minor: i64,
    pub tax_rate: String,
    pub discount_percent: String,
    pub net: Money,
}

impl Line {
    pub(crate) fn of(l: pb::Line, currency: &str) -> Line {
        Line {
            net: money(l.net, currency),
            description: l.description,
            quantity: l.quantity,
            unit_price_minor: l.unit_price_minor,
            tax_rate: l.tax_rate,
            discount_percent: l.discount_percent,
        }
    }
}

/// The tax of one rate, on the sum of the lines at that rate.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TaxPart {
    pub tax_rate: String,
    pub taxable: Money,
    pub tax: Money,
}

/// The customer's billing details as the document shows them.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CustomerRef {
    pub id: Id,
    pub name: String,
    pub email: String,
    pub company: String,
}

/// An invoice.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Invoice {
    pub id: Id,
    /// `INV-2026-0001`; `null` while draft.
    pub number: Option<String>,
    pub customer: CustomerRef,
    pub project_id: Option<Id>,
    #[schemars(extend("enum" = ["draft", "issued", "partially_paid", "paid", "void"]))]
    pub status: String,
    pub currency: String,
    /// `YYYY-MM-DD`; `null` while draft.
    pub issue_date: Option<String>,
    pub due_date: Option<String>,
    pub payment_terms_days: i32,
    pub lines: Vec<Line>,
    pub tax_breakdown: Vec<TaxPart>,
    pub subtotal: Money,
    pub tax_total: Money,
    pub total: Money,
    pub amount_credited: Money,
    pub amount_paid: Money,
    /// `total − amount_credited − amount_paid`, never below zero.
    pub amount_due: Money,
    /// Today − the due date while something is owed, else 0.
    pub days_overdue: i64,
    #[schemars(extend("enum" = ["current", "1-30", "31-60", "61-90", "90+"]))]
    pub aging_bucket: String,
    pub notes: String,
    pub created_at: Option<Time>,
    pub updated_at: Option<Time>,
    /// When staff last sent it by share link, and how often.
    pub sent_at: Option<Time>,
    pub sent_count: i64,
}

impl From<pb::Invoice> for Invoice {
    fn from(i: pb::Invoice) -> Invoice {
        let c = i.currency.as_str();
        Invoice {
            id: i.id.into(),
            number: text(&i.number),
            customer: customer_of(i.customer),
            project_id: text(&i.project_id).map(Id),
            status: i.status,
            issue_date: text(&i.issue_date),
            due_date: text(&i.due_date),
            payment_terms_days: i.payment_terms_days,
            lines: i.lines.into_iter().map(|l| Line::of(l, c)).collect(),
            tax_breakdown: tax_of(i.tax_breakdown, c),
            subtotal: money(i.subtotal, c),
            tax_total: money(i.tax_total, c),
            total: money(i.total, c),
            amount_credited: money(i.amount_credited, c),
            amount_paid: money(i.amount_paid, c),
            amount_due: money(i.amount_due, c),
            days_overdue: i.days_overdue,
            aging_bucket: i.aging_bucket,
            notes: i.notes,
            created_at: time(i.created_at.as_ref()),
            updated_at: time(i.updated_at.as_ref()),
            sent_at: time(i.sent_at.as_ref()),
            sent_count: i.sent_count,
            currency: i.currency,
        }
    }
}

/// The body of `POST /api/admin/invoices`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewInvoice {
    pub customer_id: String,
    /// ISO 4217, such as `EUR`.
    pub currency: String,
    #[serde(default)]
    pub lines: Vec<LineBody>,
    pub project_id: Option<String>,
    pub notes: Option<String>,
    /// Default 30.
    pub payment_terms_days: Option<i32>,
}

/// The body of `PATCH /api/admin/invoices/{id}` (a draft only).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct InvoicePatch {
    pub customer_id: Patch<String>,
    pub currency: Patch<String>,
    /// Replaces every line.
    pub lines: Patch<Vec<LineBody>>,
    pub project_id: Patch<String>,
    pub notes: Patch<String>,
    pub payment_terms_days: Patch<i32>,
}

/// The body of `…/issue`; a missing body is `{}`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct IssueInvoice {
    /// `YYYY-MM-DD`; default today.
    pub issue_date: Option<String>,
}

/// The query of `GET /api/admin/invoices`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct InvoiceFilter {
    #[schemars(extend("enum" = ["draft", "issued", "partially_paid", "paid", "void"]))]
    pub status: Option<String>,
    pub customer_id: Option<String>,
    /// `true`: only those still owed past their due date.
    #[schemars(with = "Option<bool>")]
    pub overdue: Option<String>,
    /// A number or the customer's name, email or company, in part.
    pub q: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}

/// The seller's details printed on every document.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BillingSettings {
    pub legal_name: String,
    pub address: String,
    pub vat_id: String,
    pub payment_instructions: String,
    /// What a new invoice's terms are when it names none.
    pub payment_terms_days: i32,
}

impl From<pb::BillingSettings> for BillingSettings {
    fn from(s: pb::BillingSettings) -> BillingSettings {
        BillingSettings {
            legal_name: s.legal_name,
            address: s.address,
            vat_id: s.vat_id,
            payment_instructions: s.payment_instructions,
            payment_terms_days: s.payment_terms_days,
        }
    }
}

/// The body of `PATCH /api/admin/billing/settings`; `null` clears a text.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct BillingSettingsPatch {
    pub legal_name: Patch<String>,
    pub address: Patch<String>,
    pub vat_id: Patch<String>,
    pub payment_instructions: Patch<String>,
    pub payment_terms_days: Patch<i32>,
}
