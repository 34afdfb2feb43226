//! The ledger, adjustments and the aging report as the API writes them.

use atrium_proto::billing::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CustomerRef, Money, money};
use crate::api::{Id, Paging, Time, text, time};

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
            items: r.items.into_iter().map(LedgerEntry::from).collect(),
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

impl From<pb::LedgerEntry> for LedgerEntry {
    fn from(e: pb::LedgerEntry) -> LedgerEntry {
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

/// A customer's statement for a period in one currency.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Statement {
    /// `YYYY-MM-DD`, included.
    pub from: String,
    pub to: String,
    pub currency: String,
    pub opening_balance: Money,
    /// Oldest first.
    pub entries: Vec<LedgerEntry>,
    pub closing_balance: Money,
}

impl From<pb::StatementResponse> for Statement {
    fn from(s: pb::StatementResponse) -> Statement {
        Statement {
            opening_balance: money(s.opening_balance, &s.currency),
            closing_balance: money(s.closing_balance, &s.currency),
            entries: s.entries.into_iter().map(LedgerEntry::from).collect(),
            from: s.from,
            to: s.to,
            currency: s.currency,
        }
    }
}

/// The query of a statement: the period (both days included, at most 366 days) and the
/// currency, all required.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct StatementQuery {
    /// `YYYY-MM-DD`
    pub from: Option<String>,
    /// `YYYY-MM-DD`
    pub to: Option<String>,
    /// ISO 4217
    pub currency: Option<String>,
}

impl StatementQuery {
    pub fn request(self, customer_id: String) -> pb::StatementRequest {
        pb::StatementRequest {
            customer_id,
            from: self.from.unwrap_or_default(),
            to: self.to.unwrap_or_default(),
            currency: self.currency.unwrap_or_default(),
            link_id: String::new(),
        }
    }
}
