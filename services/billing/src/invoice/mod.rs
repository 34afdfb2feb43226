//! Invoices: drafts staff edit freely, then issued with a gap-free number taken in the
//! issuing transaction together with the ledger entry that books the total, the
//! customer's billing details written onto it and never rewritten after. What is owed,
//! `days_overdue` and the aging bucket are worked out on each read from the clock.

mod aging;
mod detail;
pub mod report;
pub mod store;

use atrium_common::auth::Principal;
use atrium_common::ids::{CustomerId, OrgId, ProjectId};
use atrium_common::page::Page;
use chrono::{Duration, NaiveDate};
use uuid::Uuid;

use crate::AppState;
use crate::error::BillingError;
use crate::ledger::{self, EntryType};
use crate::lines::Lines;
use crate::money::{self, Currency, LineInput, TaxPart, Totals, parse_lines};
use crate::numbers::{self, Series};
use crate::{customers, notices};
pub use aging::aging;
pub use detail::{InvoiceDetail, detail};
use store::{InvoiceRow, LineRow};

atrium_common::text_enum! {
    /// Where an invoice is: `overdue` is no status, but a reading of the due date.
    pub enum Status {
        Draft = "draft",
        Issued = "issued",
        PartiallyPaid = "partially_paid",
        Paid = "paid",
        Void = "void",
    }
}

/// The longest payment term an invoice may have, in days.
const MAX_TERMS_DAYS: i32 = 3650;
const MAX_NOTES: usize = 5000;

/// An invoice with its lines and what it comes to on the day it was read.
#[derive(Debug, Clone)]
pub struct InvoiceView {
    pub row: InvoiceRow,
    pub lines: Vec<LineRow>,
    pub tax_breakdown: Vec<TaxPart>,
    pub amount_due: i64,
    pub days_overdue: i64,
    pub aging_bucket: &'static str,
}

/// A new draft as the staff member sent it.
#[derive(Debug, Clone, Default)]
pub struct NewDraft {
    pub customer_id: String,
    pub currency: String,
    pub lines: Vec<LineInput>,
    pub project_id: Option<String>,
    pub notes: String,
    pub payment_terms_days: Option<i32>,
}

/// A draft's changes: `None` leaves a field as it is; `project_id: Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct DraftChanges {
    pub customer_id: Option<String>,
    pub currency: Option<String>,
    pub lines: Option<Vec<LineInput>>,
    pub project_id: Option<Option<String>>,
    pub notes: Option<String>,
    pub payment_terms_days: Option<i32>,
}

impl InvoiceView {
    fn new(
        row: InvoiceRow,
        lines: Vec<LineRow>,
        today: NaiveDate,
    ) -> Result<InvoiceView, BillingError> {
        let checked = parse_lines(&lines.iter().map(LineRow::input).collect::<Vec<_>>())?;
        let tax_breakdown = Totals::of(&checked)?.tax_breakdown;
        let amount_due = money::amount_due(row.total, row.amount_credited, row.amount_paid);
        let owed = matches!(row.status, Status::Issued | Status::PartiallyPaid);
        let (days_overdue, aging_bucket) =
            aging(row.due_date, if owed { amount_due } else { 0 }, today);
        Ok(InvoiceView {
            row,
            lines,
            tax_breakdown,
            amount_due,
            days_overdue,
            aging_bucket,
        })
    }
}

pub(crate) fn currency(code: &str) -> Result<Currency, BillingError> {
    Currency::parse(code).ok_or_else(|| {
        BillingError::field(
            "currency",
            "must be an ISO 4217 code with a minor unit, such as EUR",
        )
    })
}

fn terms(days: i32) -> Result<i32, BillingError> {
    if (0..=MAX_TERMS_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(BillingError::field(
            "payment_terms_days",
            "must be from 0 to 3650",
        ))
    }
}

pub(crate) fn notes(text: String) -> Result<String, BillingError> {
    if text.chars().count() > MAX_NOTES {
        return Err(BillingError::field(
            "notes",
            "must be at most 5000 characters",
        ));
    }
    Ok(text)
}

fn project(text: Option<&str>) -> Result<Option<ProjectId>, BillingError> {
    match text {
        None | Some("") => Ok(None),
        Some(text) => ProjectId::parse(text)
            .map(Some)
            .ok_or_else(|| BillingError::field("project_id", "must be a UUID")),
    }
}

/// Lines checked and priced: the rows to store and the document's totals.
pub(crate) fn priced(inputs: &[LineInput]) -> Result<(Vec<LineRow>, Totals), BillingError> {
    let lines = parse_lines(inputs)?;
    let totals = Totals::of(&lines)?;
    let rows = lines
        .iter()
        .zip(&totals.nets)
        .enumerate()
        .map(|(position, (line, net))| {
            let text = line.input();
            LineRow {
                position: position as i32,
                description: text.description,
                quantity: text.quantity,
                unit_price_minor: text.unit_price_minor,
                tax_rate: text.tax_rate,
                discount_percent: text.discount_percent,
                net: *net,
            }
        })
        .collect();
    Ok((rows, totals))
}

fn today(state: &AppState) -> NaiveDate {
    state.clock.now().date_naive()
}

/// Makes a draft for one of the organization's customers.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    draft: NewDraft,
) -> Result<InvoiceView, BillingError> {
    let currency = currency(&draft.currency)?;
    let (lines, totals) = priced(&draft.lines)?;
    let payment_terms_days = match draft.payment_terms_days {
        Some(days) => terms(days)?,
        None => {
            crate::settings::load(state, principal.org_id)
                .await?
                .payment_terms_days
        }
    };
    let project_id = project(draft.project_id.as_deref())?;
    let notes = notes(draft.notes)?;
    let (customer_id, customer, _) =
        customers::snapshot(state, principal, &draft.customer_id).await?;
    let customer = (customer_id, customer);
    let row = draft_row(
        principal.org_id,
        customer,
        (currency, &totals),
        (notes, payment_terms_days, project_id),
        state.clock.now(),
    );
    let mut tx = state.db.begin().await?;
    store::insert(&mut tx, &row, &lines).await?;
    tx.commit().await?;
    InvoiceView::new(row, lines, today(state))
}

/// A new draft: for `customer`, in `currency` at `totals`, with its notes, terms and
/// project.
pub(crate) fn draft_row(
    org_id: OrgId,
    (customer_id, customer): (CustomerId, store::Snapshot),
    (currency, totals): (Currency, &Totals),
    (notes, payment_terms_days, project_id): (String, i32, Option<ProjectId>),
    now: chrono::DateTime<chrono::Utc>,
) -> InvoiceRow {
    InvoiceRow {
        invoice_id: Uuid::new_v4(),
        org_id,
        customer_id,
        project_id,
        number: None,
        status: Status::Draft,
        currency: currency.code().to_owned(),
        issue_date: None,
        due_date: None,
        payment_terms_days,
        notes,
        subtotal: totals.subtotal,
        tax_total: totals.tax_total,
        total: totals.total,
        amount_credited: 0,
        amount_paid: 0,
        customer,
        void_reason: None,
        created_at: now,
        updated_at: now,
        sent_at: None,
        sent_count: 0,
    }
}

fn invoice_id(text: &str) -> Result<Uuid, BillingError> {
    Uuid::parse_str(text).map_err(|_| BillingError::InvoiceNotFound)
}

/// The organization's invoice of this id (another organization's is `InvoiceNotFound`).
pub async fn find(state: &AppState, org_id: OrgId, id: &str) -> Result<InvoiceView, BillingError> {
    let id = invoice_id(id)?;
    let row = store::find(&state.db, org_id, id)
        .await?
        .ok_or(BillingError::InvoiceNotFound)?;
    let lines = Lines::Invoice.of(&state.db, id).await?;
    InvoiceView::new(row, lines, today(state))
}

/// The signed-in customer's own issued invoice (a draft or another's is not found).
pub async fn find_mine(
    state: &AppState,
    customer: &Principal,
    id: &str,
) -> Result<InvoiceView, BillingError> {
    let id = invoice_id(id)?;
    let key = (customer.org_id, customer.customer_id());
    let row = store::find_issued_to(&state.db, key, id)
        .await?
        .ok_or(BillingError::InvoiceNotFound)?;
    let lines = Lines::Invoice.of(&state.db, id).await?;
    InvoiceView::new(row, lines, today(state))
}

/// Changes a draft; an issued or void invoice is `InvoiceNotDraft`.
pub async fn update(
    state: &AppState,
    principal: &Principal,
    id: &str,
    changes: DraftChanges,
) -> Result<InvoiceView, BillingError> {
    let current = find(state, principal.org_id, id).await?;
    if current.row.status != Status::Draft {
        return Err(BillingError::InvoiceNotDraft);
    }
    let mut row = current.row;
    if let Some(code) = &changes.currency {
        row.currency = currency(code)?.code().to_owned();
    }
    let inputs = match changes.lines {
        Some(lines) => lines,
        None => current.lines.iter().map(LineRow::input).collect(),
    };
    let (lines, totals) = priced(&inputs)?;
    (row.subtotal, row.tax_total, row.total) = (totals.subtotal, totals.tax_total, totals.total);
    if let Some(days) = changes.payment_terms_days {
        row.payment_terms_days = terms(days)?;
    }
    if let Some(project_id) = &changes.project_id {
        row.project_id = project(project_id.as_deref())?;
    }
    if let Some(text) = changes.notes {
        row.notes = notes(text)?;
    }
    if let Some(customer_id) = &changes.customer_id {
        (row.customer_id, row.customer, _) =
            customers::snapshot(state, principal, customer_id).await?;
    }
    row.updated_at = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !store::update_draft(&mut tx, &row, &lines).await? {
        return Err(BillingError::InvoiceNotDraft);
    }
    tx.commit().await?;
    InvoiceView::new(row, lines, today(state))
}

/// Deletes a draft; an issued or void invoice is `InvoiceNotDraft`.
pub async fn delete(state: &AppState, principal: &Principal, id: &str) -> Result<(), BillingError> {
    let current = find(state, principal.org_id, id).await?;
    let mut tx = state.db.begin().await?;
    if !store::delete_draft(&mut tx, principal.org_id, current.row.invoice_id).await? {
        return Err(BillingError::InvoiceNotDraft);
    }
    tx.commit().await?;
    Ok(())
}

/// Issues a draft on `issue_date` (today when `None`): its number, due date, the
/// customer's details as they are now and the ledger entry, in one transaction.
pub async fn issue(
    state: &AppState,
    principal: &Principal,
    id: &str,
    issue_date: Option<NaiveDate>,
) -> Result<InvoiceView, BillingError> {
    let current = find(state, principal.org_id, id).await?;
    if current.row.status != Status::Draft {
        return Err(BillingError::InvalidTransition("be issued"));
    }
    if current.lines.is_empty() {
        return Err(BillingError::field(
            "lines",
            "must hold at least one line to issue",
        ));
    }
    let issue_date = issue_date.unwrap_or_else(|| today(state));
    let due_date = issue_date + Duration::days(i64::from(current.row.payment_terms_days));
    let customer_id = current.row.customer_id.to_string();
    let (_, customer, org_name, portal) =
        customers::addressed(state, principal, &customer_id).await?;
    let sender = notices::sender(state, principal, org_name).await?;
    let now = state.clock.now();
    let key = (principal.org_id, current.row.invoice_id);
    let mut tx = state.db.begin().await?;
    let number = numbers::take(&mut tx, principal.org_id, Series::Invoice, issue_date).await?;
    let issued = store::Issue {
        number: &number,
        issue_date,
        due_date,
        customer: &customer,
        at: now,
    };
    if !store::issue(&mut tx, key, &issued).await? {
        // Another issue came first: this transaction's number goes back with it.
        return Err(BillingError::InvalidTransition("be issued"));
    }
    let entry = ledger::store::NewEntry {
        org_id: principal.org_id,
        customer_id: current.row.customer_id,
        currency: current.row.currency.clone(),
        at: now,
        entry_type: EntryType::Invoice,
        debit: 0,
        credit: current.row.total,
        reference_kind: "invoice",
        reference_id: current.row.invoice_id,
        reference_number: Some(number.clone()),
    };
    ledger::store::append(&mut tx, &entry).await?;
    let mut row = current.row;
    (row.number, row.issue_date, row.due_date, row.customer) =
        (Some(number), Some(issue_date), Some(due_date), customer);
    (row.status, row.updated_at) = (Status::Issued, now);
    if portal {
        notices::invoice_issued(&mut tx, (state, &sender), &row, now).await?;
    }
    crate::summary::publish(&mut tx, (principal.org_id, row.customer_id), now).await?;
    tx.commit().await?;
    state.relay.wake();
    // The row as the issuing statement wrote it: no second read.
    InvoiceView::new(row, current.lines, today(state))
}

/// A page of invoices and the token of the next.
pub struct InvoicePage {
    pub items: Vec<InvoiceView>,
    pub next_page_token: String,
}

/// The organization's invoices as `filter` picks them, newest first.
pub async fn list(
    state: &AppState,
    org_id: OrgId,
    filter: &store::Filter<'_>,
    page: Page,
) -> Result<InvoicePage, BillingError> {
    let rows = store::list(&state.db, org_id, filter, page.after, page.size).await?;
    let last = rows.last().map(|r| (r.created_at, r.invoice_id));
    let next_page_token = page.next_token(rows.len(), last);
    let ids: Vec<Uuid> = rows.iter().map(|r| r.invoice_id).collect();
    let mut lines = Lines::Invoice.of_each(&state.db, &ids).await?;
    let today = today(state);
    let items = rows
        .into_iter()
        .map(|row| {
            let own = lines.remove(&row.invoice_id).unwrap_or_default();
            InvoiceView::new(row, own, today)
        })
        .collect::<Result<_, _>>()?;
    Ok(InvoicePage {
        items,
        next_page_token,
    })
}

/// Which customer a list is for, and that they are the organization's (a customer's own
/// routes pass their own id).
pub fn customer_id(text: &str) -> Result<CustomerId, BillingError> {
    CustomerId::parse(text).ok_or_else(|| BillingError::field("customer_id", "must be a UUID"))
}
