//! Credit notes, payments with their allocations, and refunds as the API writes them.

use atrium_proto::billing::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CustomerRef, Invoice, Line, LineBody, Money, MoneyBody, customer_of, money};
use crate::api::{Id, Paging, Time, text, time};

/// A credit note: money taken off an issued invoice.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CreditNote {
    pub id: Id,
    /// `CN-2026-0001`
    pub number: String,
    pub invoice_id: Id,
    pub invoice_number: String,
    pub customer: CustomerRef,
    pub currency: String,
    /// `YYYY-MM-DD`
    pub issue_date: String,
    pub reason: String,
    /// Empty when it credits one amount (and on lists).
    pub lines: Vec<Line>,
    pub subtotal: Money,
    pub tax_total: Money,
    pub total: Money,
    pub created_at: Option<Time>,
    /// When staff last sent it by share link, and how often.
    pub sent_at: Option<Time>,
    pub sent_count: i64,
}

impl From<pb::CreditNote> for CreditNote {
    fn from(n: pb::CreditNote) -> CreditNote {
        let c = n.currency.as_str();
        CreditNote {
            id: n.id.into(),
            number: n.number,
            invoice_id: n.invoice_id.into(),
            invoice_number: n.invoice_number,
            customer: customer_of(n.customer),
            issue_date: n.issue_date,
            reason: n.reason,
            lines: n.lines.into_iter().map(|l| Line::of(l, c)).collect(),
            subtotal: money(n.subtotal, c),
            tax_total: money(n.tax_total, c),
            total: money(n.total, c),
            created_at: time(n.created_at.as_ref()),
            sent_at: time(n.sent_at.as_ref()),
            sent_count: n.sent_count,
            currency: n.currency,
        }
    }
}

/// The body of `POST /api/admin/invoices/{id}/credit-notes` (with an `Idempotency-Key`):
/// `lines` priced like an invoice's, or one `amount` in the invoice's currency.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewCreditNote {
    pub reason: String,
    pub lines: Option<Vec<LineBody>>,
    pub amount: Option<MoneyBody>,
}

/// The body of `POST /api/admin/invoices/{id}/void`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct VoidInvoice {
    pub reason: String,
}

/// A payment allocated to an invoice, as the invoice shows it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct InvoicePayment {
    pub payment_id: Id,
    /// `YYYY-MM-DD`
    pub received_on: String,
    pub method: String,
    pub amount: Money,
    pub allocated_at: Option<Time>,
}

/// One invoice with what was paid and credited on it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct InvoiceDetail {
    #[serde(flatten)]
    pub invoice: Invoice,
    /// Its allocations, oldest first.
    pub payments: Vec<InvoicePayment>,
    /// Newest first.
    pub credit_notes: Vec<CreditNote>,
}

impl From<pb::Invoice> for InvoiceDetail {
    fn from(mut i: pb::Invoice) -> InvoiceDetail {
        let payments = std::mem::take(&mut i.payments);
        let credit_notes = std::mem::take(&mut i.credit_notes);
        let c = i.currency.clone();
        InvoiceDetail {
            payments: payments
                .into_iter()
                .map(|p| InvoicePayment {
                    payment_id: p.payment_id.into(),
                    received_on: p.received_on,
                    method: p.method,
                    amount: money(p.amount, &c),
                    allocated_at: time(p.allocated_at.as_ref()),
                })
                .collect(),
            credit_notes: credit_notes.into_iter().map(Into::into).collect(),
            invoice: i.into(),
        }
    }
}

/// The query of `GET /api/admin/credit-notes`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct CreditNoteFilter {
    pub invoice_id: Option<String>,
    pub customer_id: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}

/// Part of a payment applied to one invoice.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Allocation {
    pub invoice_id: Id,
    pub number: String,
    pub amount: Money,
}

/// A payment received, with its allocations; `unallocated` is the customer's credit.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Payment {
    pub id: Id,
    pub customer: CustomerRef,
    pub amount: Money,
    /// `YYYY-MM-DD`
    pub received_on: String,
    #[schemars(extend("enum" = ["bank_transfer", "card", "cash", "other"]))]
    pub method: String,
    pub reference: Option<String>,
    pub allocations: Vec<Allocation>,
    pub refunded: Money,
    pub unallocated: Money,
    pub created_at: Option<Time>,
}

impl From<pb::Payment> for Payment {
    fn from(p: pb::Payment) -> Payment {
        let c = p.currency.as_str();
        Payment {
            id: p.id.into(),
            customer: customer_of(p.customer),
            amount: money(p.amount, c),
            received_on: p.received_on,
            method: p.method,
            reference: text(&p.reference),
            allocations: p
                .allocations
                .into_iter()
                .map(|a| Allocation {
                    invoice_id: a.invoice_id.into(),
                    number: a.invoice_number,
                    amount: money(a.amount_minor, c),
                })
                .collect(),
            refunded: money(p.refunded, c),
            unallocated: money(p.unallocated, c),
            created_at: time(p.created_at.as_ref()),
        }
    }
}

/// An allocation as sent: an amount in the payment's currency.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct AllocationBody {
    pub invoice_id: String,
    pub amount_minor: i64,
}

impl From<AllocationBody> for pb::Allocation {
    fn from(a: AllocationBody) -> pb::Allocation {
        pb::Allocation {
            invoice_id: a.invoice_id,
            invoice_number: String::new(),
            amount_minor: a.amount_minor,
        }
    }
}

/// The body of `POST /api/admin/payments` (with an `Idempotency-Key`).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewPayment {
    pub customer_id: String,
    pub amount: MoneyBody,
    /// `YYYY-MM-DD`
    pub received_on: String,
    #[schemars(extend("enum" = ["bank_transfer", "card", "cash", "other"]))]
    pub method: String,
    pub reference: Option<String>,
    #[serde(default)]
    pub allocations: Vec<AllocationBody>,
}

/// The body of `POST /api/admin/payments/{id}/allocations` (with an `Idempotency-Key`).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewAllocations {
    pub allocations: Vec<AllocationBody>,
}

/// Money given back to a customer from their credit.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Refund {
    pub id: Id,
    pub customer: CustomerRef,
    pub amount: Money,
    pub payment_id: Option<Id>,
    pub reason: String,
    pub created_at: Option<Time>,
}

impl From<pb::Refund> for Refund {
    fn from(r: pb::Refund) -> Refund {
        Refund {
            id: r.id.into(),
            customer: customer_of(r.customer),
            amount: money(r.amount, &r.currency),
            payment_id: text(&r.payment_id).map(Id),
            reason: r.reason,
            created_at: time(r.created_at.as_ref()),
        }
    }
}

/// The body of `POST /api/admin/refunds` (with an `Idempotency-Key`).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewRefund {
    pub customer_id: String,
    pub amount: MoneyBody,
    pub payment_id: Option<String>,
    pub reason: String,
}

/// The query of the payment and refund lists.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct PaymentFilter {
    pub customer_id: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}

/// The customer's payments with their allocations, newest first, and (on the first
/// page) their refunds.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MyPayments {
    pub items: Vec<Payment>,
    pub next_page_token: Option<String>,
    /// Newest first, at most 100; empty after the first page.
    pub refunds: Vec<Refund>,
}

impl From<pb::ListMyPaymentsResponse> for MyPayments {
    fn from(r: pb::ListMyPaymentsResponse) -> MyPayments {
        MyPayments {
            items: r.items.into_iter().map(Into::into).collect(),
            next_page_token: text(&r.next_page_token),
            refunds: r.refunds.into_iter().map(Into::into).collect(),
        }
    }
}
