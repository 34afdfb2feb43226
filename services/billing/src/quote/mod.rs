//! Quotes: drafts staff edit freely, issued (numbered `Q-2026-0001` and sent to the
//! customer) and then accepted or declined by the customer, once, in the statement that
//! checks the quote is still open; an accepted quote converts to a draft invoice or an
//! open order. `expired` is no stored status but a reading of `valid_until`.

pub mod convert;
pub mod decision;
pub mod store;

use atrium_common::auth::Principal;
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::page::Page;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::AppState;
use crate::customers;
use crate::error::BillingError;
use crate::invoice::store::LineRow;
use crate::invoice::{self, currency, notes, priced};
use crate::lines::Lines;
use crate::money::{LineInput, TaxPart, Totals, parse_lines};
use crate::numbers::{self, Series};
use store::QuoteRow;

atrium_common::text_enum! {
    /// Where a quote is, as stored.
    pub enum Status {
        Draft = "draft",
        Sent = "sent",
        Accepted = "accepted",
        Declined = "declined",
    }
}

const MAX_TERMS: usize = 5000;

/// A quote with its lines, as it reads on the day it was read.
#[derive(Debug, Clone)]
pub struct QuoteView {
    pub row: QuoteRow,
    pub lines: Vec<LineRow>,
    pub tax_breakdown: Vec<TaxPart>,
    /// The stored status, or `expired` for one still sent past `valid_until`.
    pub status: &'static str,
}

impl QuoteView {
    pub(crate) fn new(
        row: QuoteRow,
        lines: Vec<LineRow>,
        today: NaiveDate,
    ) -> Result<QuoteView, BillingError> {
        let checked = parse_lines(&lines.iter().map(LineRow::input).collect::<Vec<_>>())?;
        let tax_breakdown = Totals::of(&checked)?.tax_breakdown;
        let status = if row.status == Status::Sent && today > row.valid_until {
            "expired"
        } else {
            row.status.as_str()
        };
        Ok(QuoteView {
            row,
            lines,
            tax_breakdown,
            status,
        })
    }

    /// The SHA-256 of the quote's canonical content: what the customer is shown (number,
    /// their details, every line, the totals, notes and terms), one field per line.
    pub fn content_sha256(&self) -> String {
        let r = &self.row;
        let c = &r.customer;
        let mut text = format!(
            "quote\n{}\n{}\n{}\n{}\n{}\n{}\n",
            r.number.as_deref().unwrap_or_default(),
            c.customer_name,
            c.customer_company,
            c.customer_address,
            r.currency,
            r.valid_until
        );
        for l in &self.lines {
            text.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\n",
                l.description,
                l.quantity,
                l.unit_price_minor,
                l.tax_rate,
                l.discount_percent,
                l.net
            ));
        }
        text.push_str(&format!(
            "{}\n{}\n{}\n{}\n{}",
            r.subtotal, r.tax_total, r.total, r.notes, r.terms
        ));
        Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// A quote's fields as staff send them; on a change, `None` leaves one as it is.
#[derive(Debug, Clone, Default)]
pub struct QuoteFields {
    pub customer_id: Option<String>,
    pub currency: Option<String>,
    pub valid_until: Option<String>,
    pub lines: Option<Vec<LineInput>>,
    pub notes: Option<String>,
    pub terms: Option<String>,
}

fn terms(text: String) -> Result<String, BillingError> {
    if text.chars().count() > MAX_TERMS {
        return Err(BillingError::field(
            "terms",
            "must be at most 5000 characters",
        ));
    }
    Ok(text)
}

fn valid_until(text: &str) -> Result<NaiveDate, BillingError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| BillingError::field("valid_until", "must be a date YYYY-MM-DD"))
}

fn today(state: &AppState) -> NaiveDate {
    state.clock.now().date_naive()
}

fn quote_id(text: &str) -> Result<Uuid, BillingError> {
    Uuid::parse_str(text).map_err(|_| BillingError::QuoteNotFound)
}

/// Makes a draft quote; `customer_id`, `currency` and `valid_until` are required.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    fields: QuoteFields,
) -> Result<QuoteView, BillingError> {
    let code = fields.currency.unwrap_or_default();
    let currency = currency(&code)?;
    let valid_until = valid_until(fields.valid_until.as_deref().unwrap_or_default())?;
    let (lines, totals) = priced(&fields.lines.unwrap_or_default())?;
    let notes = notes(fields.notes.unwrap_or_default())?;
    let terms = terms(fields.terms.unwrap_or_default())?;
    let customer = fields.customer_id.unwrap_or_default();
    let (customer_id, customer, _) = customers::snapshot(state, principal, &customer).await?;
    let now = state.clock.now();
    let row = QuoteRow {
        quote_id: Uuid::new_v4(),
        org_id: principal.org_id,
        customer_id,
        number: None,
        status: Status::Draft,
        currency: currency.code().to_owned(),
        valid_until,
        notes,
        terms,
        subtotal: totals.subtotal,
        tax_total: totals.tax_total,
        total: totals.total,
        customer,
        issued_at: None,
        sent_at: None,
        sent_count: 0,
        decision: store::DecisionRow::default(),
        converted_kind: None,
        converted_id: None,
        created_at: now,
        updated_at: now,
    };
    let mut tx = state.db.begin().await?;
    store::insert(&mut tx, &row, &lines).await?;
    tx.commit().await?;
    QuoteView::new(row, lines, today(state))
}

/// The organization's quote of this id; with `customer`, only theirs and never a draft.
pub async fn find(
    state: &AppState,
    org_id: OrgId,
    customer: Option<CustomerId>,
    id: &str,
) -> Result<QuoteView, BillingError> {
    let id = quote_id(id)?;
    let row = store::find(&state.db, org_id, customer, id)
        .await?
        .ok_or(BillingError::QuoteNotFound)?;
    let lines = Lines::Quote.of(&state.db, id).await?;
    QuoteView::new(row, lines, today(state))
}

/// Changes a draft; a sent or decided quote is `InvalidTransition`.
pub async fn update(
    state: &AppState,
    principal: &Principal,
    id: &str,
    changes: QuoteFields,
) -> Result<QuoteView, BillingError> {
    let current = find(state, principal.org_id, None, id).await?;
    if current.row.status != Status::Draft {
        return Err(BillingError::InvalidTransition("be edited"));
    }
    let mut row = current.row;
    if let Some(code) = &changes.currency {
        row.currency = currency(code)?.code().to_owned();
    }
    if let Some(text) = &changes.valid_until {
        row.valid_until = valid_until(text)?;
    }
    let inputs = match changes.lines {
        Some(lines) => lines,
        None => current.lines.iter().map(LineRow::input).collect(),
    };
    let (lines, totals) = priced(&inputs)?;
    (row.subtotal, row.tax_total, row.total) = (totals.subtotal, totals.tax_total, totals.total);
    if let Some(text) = changes.notes {
        row.notes = notes(text)?;
    }
    if let Some(text) = changes.terms {
        row.terms = terms(text)?;
    }
    if let Some(customer_id) = &changes.customer_id {
        (row.customer_id, row.customer, _) =
            customers::snapshot(state, principal, customer_id).await?;
    }
    row.updated_at = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !store::update_draft(&mut tx, &row, &lines).await? {
        return Err(BillingError::InvalidTransition("be edited"));
    }
    tx.commit().await?;
    QuoteView::new(row, lines, today(state))
}

/// Deletes a draft; a sent or decided quote is `InvalidTransition`.
pub async fn delete(state: &AppState, principal: &Principal, id: &str) -> Result<(), BillingError> {
    let current = find(state, principal.org_id, None, id).await?;
    let mut tx = state.db.begin().await?;
    if !store::delete_draft(&mut tx, principal.org_id, current.row.quote_id).await? {
        return Err(BillingError::InvalidTransition("be deleted"));
    }
    tx.commit().await?;
    Ok(())
}

/// Issues a draft: its number, status `sent`, the customer's details as they are now, and
/// the `quote_issued` mail and notice, in one transaction.
pub async fn issue(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<QuoteView, BillingError> {
    let current = find(state, principal.org_id, None, id).await?;
    if current.row.status != Status::Draft {
        return Err(BillingError::InvalidTransition("be issued"));
    }
    if current.lines.is_empty() {
        return Err(BillingError::field(
            "lines",
            "must hold at least one line to issue",
        ));
    }
    let customer_id = current.row.customer_id.to_string();
    let (_, customer, org_name, portal) =
        customers::addressed(state, principal, &customer_id).await?;
    let sender = crate::notices::sender(state, principal, org_name).await?;
    let now = state.clock.now();
    let key = (principal.org_id, current.row.quote_id);
    let mut tx = state.db.begin().await?;
    let number = numbers::take(&mut tx, principal.org_id, Series::Quote, now.date_naive()).await?;
    if !store::issue(&mut tx, key, &number, &customer, now).await? {
        return Err(BillingError::InvalidTransition("be issued"));
    }
    let mut row = current.row;
    (row.number, row.status, row.customer) = (Some(number), Status::Sent, customer);
    (row.issued_at, row.updated_at) = (Some(now), now);
    if portal {
        crate::notices::quote_issued(&mut tx, (state, &sender), &row, now).await?;
    }
    crate::summary::publish(&mut tx, (principal.org_id, row.customer_id), now).await?;
    tx.commit().await?;
    state.relay.wake();
    QuoteView::new(row, current.lines, today(state))
}

/// A page of quotes and the token of the next.
pub struct QuotePage {
    pub items: Vec<QuoteView>,
    pub next_page_token: String,
}

/// The organization's quotes, newest first: `status` one of the stored ones or `expired`;
/// `customer` only theirs, never drafts.
pub async fn list(
    state: &AppState,
    (org_id, customer_id): (OrgId, Option<CustomerId>),
    customer_facing: bool,
    status: &str,
    page: Page,
) -> Result<QuotePage, BillingError> {
    let today = today(state);
    let (status, expired) = match status {
        "" => (None, false),
        "expired" => (None, true),
        text => match Status::parse(text) {
            Some(status) if !(customer_facing && status == Status::Draft) => (Some(status), false),
            _ => {
                return Err(BillingError::field(
                    "status",
                    "must be draft, sent, accepted, declined or expired",
                ));
            }
        },
    };
    let filter = store::Filter {
        customer_id,
        status,
        expired,
        issued_only: customer_facing,
        today: Some(today),
    };
    let rows = store::list(&state.db, org_id, filter, page.after, page.size).await?;
    let last = rows.last().map(|r| (r.created_at, r.quote_id));
    let next_page_token = page.next_token(rows.len(), last);
    let ids: Vec<Uuid> = rows.iter().map(|r| r.quote_id).collect();
    let mut lines = Lines::Quote.of_each(&state.db, &ids).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let own = lines.remove(&row.quote_id).unwrap_or_default();
            QuoteView::new(row, own, today)
        })
        .collect::<Result<_, _>>()?;
    Ok(QuotePage {
        items,
        next_page_token,
    })
}

pub use invoice::customer_id;
