//! Invoices and the ledger as the API writes them (`design/billing.md`): every amount is
//! a money object, quantities and rates decimal strings.

use atrium_proto::billing::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Id, Paging, Patch, Time, text, time};

/// An amount in the minor units of its currency (cents for EUR, yen for JPY).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Money {
    pub amount_minor: i64,
    /// ISO 4217
    pub currency: String,
}

fn money(amount_minor: i64, currency: &str) -> Money {
    Money {
        amount_minor,
        currency: currency.to_owned(),
    }
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
}

impl From<pb::Invoice> for Invoice {
    fn from(i: pb::Invoice) -> Invoice {
        let c = i.currency.as_str();
        let customer = i.customer.unwrap_or_default();
        Invoice {
            id: i.id.into(),
            number: text(&i.number),
            customer: CustomerRef {
                id: customer.id.into(),
                name: customer.name,
                email: customer.email,
                company: customer.company,
            },
            project_id: text(&i.project_id).map(Id),
            status: i.status,
            issue_date: text(&i.issue_date),
            due_date: text(&i.due_date),
            payment_terms_days: i.payment_terms_days,
            lines: i
                .lines
                .into_iter()
                .map(|l| Line {
                    net: money(l.net, c),
                    description: l.description,
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price_minor,
                    tax_rate: l.tax_rate,
                    discount_percent: l.discount_percent,
                })
                .collect(),
            tax_breakdown: i
                .tax_breakdown
                .into_iter()
                .map(|t| TaxPart {
                    tax_rate: t.tax_rate,
                    taxable: money(t.taxable, c),
                    tax: money(t.tax, c),
                })
                .collect(),
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

/// A customer's totals in one currency; `balance_due` positive means they owe.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Balance {
    pub currency: String,
    pub credits: Money,
    pub debits: Money,
    pub balance_due: Money,
}

/// What booked an entry.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Reference {
    #[schemars(extend("enum" = ["invoice", "payment", "credit_note", "refund", "adjustment"]))]
    pub kind: String,
    pub id: Id,
    pub number: Option<String>,
}

/// One ledger entry.
#[derive(Debug, Serialize, JsonSchema)]
pub struct LedgerEntry {
    pub id: Id,
    pub at: Option<Time>,
    #[schemars(extend("enum" = ["invoice", "payment", "credit_note", "refund", "adjustment"]))]
    pub entry_type: String,
    pub debit: Money,
    pub credit: Money,
    pub balance_after: Money,
    pub reference: Reference,
}

/// A customer's ledger: balances per currency and the entries, newest first.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Ledger {
    pub balances: Vec<Balance>,
    pub items: Vec<LedgerEntry>,
    pub next_page_token: Option<String>,
}

impl From<pb::LedgerResponse> for Ledger {
    fn from(r: pb::LedgerResponse) -> Ledger {
        Ledger {
            balances: r
                .balances
                .into_iter()
                .map(|b| Balance {
                    credits: money(b.credits, &b.currency),
                    debits: money(b.debits, &b.currency),
                    balance_due: money(b.balance_due, &b.currency),
                    currency: b.currency,
                })
                .collect(),
            items: r.items.into_iter().map(LedgerEntry::of).collect(),
            next_page_token: text(&r.next_page_token),
        }
    }
}

/// The query of a ledger read.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct LedgerQuery {
    /// ISO 4217; default every currency.
    pub currency: Option<String>,
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

/// Open amounts by days past due: one customer's in one currency, or the organization's.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AgingRow {
    /// `null` on the organization's totals.
    pub customer: Option<CustomerRef>,
    pub currency: String,
    pub current: Money,
    pub d1_30: Money,
    pub d31_60: Money,
    pub d61_90: Money,
    pub d90_plus: Money,
    pub total: Money,
}

/// The aging report on a day.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AgingReport {
    /// `YYYY-MM-DD`
    pub as_of: String,
    /// By customer name, then currency.
    pub items: Vec<AgingRow>,
    /// One per currency.
    pub totals: Vec<AgingRow>,
}

impl From<pb::AgingRow> for AgingRow {
    fn from(r: pb::AgingRow) -> AgingRow {
        let c = r.currency.as_str();
        AgingRow {
            customer: r.customer.map(|c| CustomerRef {
                id: c.id.into(),
                name: c.name,
                email: c.email,
                company: c.company,
            }),
            current: money(r.current, c),
            d1_30: money(r.d1_30, c),
            d31_60: money(r.d31_60, c),
            d61_90: money(r.d61_90, c),
            d90_plus: money(r.d90_plus, c),
            total: money(r.total, c),
            currency: r.currency,
        }
    }
}

/// The query of the aging report.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct AgingQuery {
    /// `YYYY-MM-DD`; default today.
    pub as_of: Option<String>,
}

/// An amount as sent.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct MoneyBody {
    pub amount_minor: i64,
    /// ISO 4217
    pub currency: String,
}

/// The body of `POST /api/admin/customers/{id}/ledger/adjustments` (with an
/// `Idempotency-Key` header).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewAdjustment {
    pub amount: MoneyBody,
    /// `debit` lowers what the customer owes, `credit` raises it.
    #[schemars(extend("enum" = ["debit", "credit"]))]
    pub direction: String,
    pub reason: String,
}

impl LedgerEntry {
    pub fn of(e: pb::LedgerEntry) -> LedgerEntry {
        let reference = e.reference.unwrap_or_default();
        LedgerEntry {
            id: e.id.into(),
            at: time(e.at.as_ref()),
            debit: money(e.debit, &e.currency),
            credit: money(e.credit, &e.currency),
            balance_after: money(e.balance_after, &e.currency),
            entry_type: e.entry_type,
            reference: Reference {
                kind: reference.kind,
                id: reference.id.into(),
                number: text(&reference.number),
            },
        }
    }
}
