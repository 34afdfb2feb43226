//! Credit notes: money taken off an issued invoice, by lines priced like the invoice's or
//! by one amount, never more than the invoice still has due, numbered `CN-2026-0001` and
//! booked as a debit in the ledger in the transaction that lowers the invoice. A void is a
//! credit note for all that is due on an invoice nothing was paid on.

pub mod store;

use atrium_common::auth::Principal;
use atrium_common::ids::OrgId;
use atrium_common::page::Page;
use uuid::Uuid;

use crate::AppState;
use crate::booking;
use crate::error::BillingError;
use crate::idempotency::{self, Claim};
use crate::invoice::store::{Apply, InvoiceRow, LineRow};
use crate::invoice::{self, InvoiceView, Status};
use crate::ledger::{self, EntryType};
use crate::lines::Lines;
use crate::money::LineInput;
use crate::numbers::{self, Series};
use crate::summary;
use store::CreditNoteRow;

/// A credit note with its lines (none when it credits one amount).
#[derive(Debug, Clone)]
pub struct CreditNoteView {
    pub row: CreditNoteRow,
    pub lines: Vec<LineRow>,
}

/// What a credit note takes off: lines, or one amount in the invoice's currency.
pub enum Credit {
    Lines(Vec<LineInput>),
    Amount { amount_minor: i64, currency: String },
}

const MAX_REASON: usize = 1000;

/// A reason of 1–1000 characters, trimmed.
pub fn reason(text: &str) -> Result<String, BillingError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_REASON {
        return Err(BillingError::field(
            "reason",
            "is required, at most 1000 characters",
        ));
    }
    Ok(text.to_owned())
}

fn id(text: &str, missing: BillingError) -> Result<Uuid, BillingError> {
    Uuid::parse_str(text).map_err(|_| missing)
}

/// The request's canonical text, for its idempotency digest.
fn parts(invoice_id: Uuid, reason: &str, credit: &Credit) -> Vec<String> {
    let mut parts = vec![invoice_id.to_string(), reason.to_owned()];
    match credit {
        Credit::Amount {
            amount_minor,
            currency,
        } => parts.extend([amount_minor.to_string(), currency.clone()]),
        Credit::Lines(lines) => {
            for l in lines {
                parts.extend([
                    l.description.clone(),
                    l.quantity.clone(),
                    l.unit_price_minor.to_string(),
                    l.tax_rate.clone(),
                    l.discount_percent.clone(),
                ]);
            }
        }
    }
    parts
}

/// Books a credit note on the invoice `id`, or answers what `key` booked before.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    (invoice_id, key): (&str, &str),
    reason_text: &str,
    credit: Credit,
) -> Result<CreditNoteView, BillingError> {
    let invoice_id = id(invoice_id, BillingError::InvoiceNotFound)?;
    let reason = reason(reason_text)?;
    let parts = parts(invoice_id, &reason, &credit);
    let claim = Claim::new(
        key,
        "credit_note",
        &parts.iter().map(String::as_str).collect::<Vec<_>>(),
    )?;
    let invoice = invoice::find(state, principal.org_id, &invoice_id.to_string()).await?;
    let (lines, totals) = match credit {
        Credit::Lines(inputs) if !inputs.is_empty() => {
            let (lines, totals) = invoice::priced(&inputs)?;
            (lines, (totals.subtotal, totals.tax_total, totals.total))
        }
        Credit::Lines(_) => {
            return Err(BillingError::field(
                "lines",
                "give lines or an amount to credit",
            ));
        }
        Credit::Amount {
            amount_minor,
            currency,
        } => {
            if currency != invoice.row.currency {
                return Err(BillingError::field(
                    "amount.currency",
                    "must be the invoice's currency",
                ));
            }
            if amount_minor < 1 {
                return Err(BillingError::field(
                    "amount.amount_minor",
                    "must be at least 1",
                ));
            }
            (Vec::new(), (amount_minor, 0, amount_minor))
        }
    };
    let (row, lines_ref, reason_ref, claim_ref) = (&invoice.row, &lines, &reason, &claim);
    let booked = booking::retry(|| async move {
        let mut tx = state.db.begin().await?;
        let now = state.clock.now();
        if let Some(id) = idempotency::claim(&mut tx, principal.org_id, claim_ref, now).await? {
            return Ok(Err(id));
        }
        let note = book(
            &mut tx,
            (state, principal),
            row,
            (lines_ref, totals, reason_ref),
            false,
        )
        .await?;
        idempotency::record(&mut tx, principal.org_id, claim_ref, note.credit_note_id).await?;
        tx.commit().await?;
        state.relay.wake();
        Ok(Ok(note))
    })
    .await?;
    match booked {
        Ok(row) => Ok(CreditNoteView { row, lines }),
        Err(replayed) => find(state, principal.org_id, None, &replayed.to_string()).await,
    }
}

/// Voids an issued invoice nothing was paid on: a credit note for all that is due.
pub async fn void(
    state: &AppState,
    principal: &Principal,
    invoice_id: &str,
    reason_text: &str,
) -> Result<InvoiceView, BillingError> {
    let reason = reason(reason_text)?;
    let invoice = invoice::find(state, principal.org_id, invoice_id).await?;
    if invoice.row.amount_paid > 0 {
        return Err(BillingError::InvoiceHasPayments);
    }
    let due = invoice.amount_due;
    let totals = (due, 0, due);
    let (row, reason_ref) = (&invoice.row, &reason);
    booking::retry(|| async move {
        let mut tx = state.db.begin().await?;
        book(
            &mut tx,
            (state, principal),
            row,
            (&[], totals, reason_ref),
            true,
        )
        .await?;
        tx.commit().await?;
        state.relay.wake();
        Ok(())
    })
    .await?;
    invoice::find(state, principal.org_id, invoice_id).await
}

/// In `tx`: takes `total` off the invoice (refusing what does not fit, or, for a void,
/// an invoice with payments), numbers the credit note and books it in the ledger.
async fn book(
    tx: &mut atrium_common::db::Tx,
    (state, principal): (&AppState, &Principal),
    invoice: &InvoiceRow,
    (lines, (subtotal, tax_total, total), reason): (&[LineRow], (i64, i64, i64), &str),
    void: bool,
) -> Result<CreditNoteRow, BillingError> {
    let now = state.clock.now();
    let apply = Apply {
        customer_id: invoice.customer_id,
        currency: &invoice.currency,
        paid: 0,
        credited: total,
        unpaid_only: void,
        void_reason: void.then_some(reason),
        at: now,
    };
    let key = (principal.org_id, invoice.invoice_id);
    let Some(applied) = invoice::store::apply(tx, key, &apply).await? else {
        return Err(refusal(tx, key, !lines.is_empty(), void).await?);
    };
    let issue_date = now.date_naive();
    let number = numbers::take(tx, principal.org_id, Series::CreditNote, issue_date).await?;
    let row = CreditNoteRow {
        credit_note_id: Uuid::new_v4(),
        org_id: principal.org_id,
        invoice_id: invoice.invoice_id,
        customer_id: invoice.customer_id,
        number: number.clone(),
        invoice_number: applied.number.clone().unwrap_or_default(),
        currency: invoice.currency.clone(),
        issue_date,
        reason: reason.to_owned(),
        subtotal,
        tax_total,
        total,
        customer: applied.customer.clone(),
        created_by: principal.subject_id,
        created_at: now,
        sent_at: None,
        sent_count: 0,
    };
    store::insert(tx, &row, lines).await?;
    let entry = ledger::store::NewEntry {
        org_id: principal.org_id,
        customer_id: invoice.customer_id,
        currency: invoice.currency.clone(),
        at: now,
        entry_type: EntryType::CreditNote,
        debit: total,
        credit: 0,
        reference_kind: "credit_note",
        reference_id: row.credit_note_id,
        reference_number: Some(number),
    };
    ledger::store::append(tx, &entry).await?;
    summary::publish(tx, (principal.org_id, invoice.customer_id), now).await?;
    Ok(row)
}

/// Why money could not be applied to the invoice, read in the same transaction.
async fn refusal(
    tx: &mut atrium_common::db::Tx,
    (org_id, invoice_id): (OrgId, Uuid),
    lines_given: bool,
    void: bool,
) -> Result<BillingError, BillingError> {
    let now = invoice::store::find_in(tx, org_id, invoice_id)
        .await?
        .ok_or(BillingError::InvoiceNotFound)?;
    let open = matches!(now.status, Status::Issued | Status::PartiallyPaid);
    Ok(if void && now.amount_paid > 0 {
        BillingError::InvoiceHasPayments
    } else if !open || void {
        BillingError::InvalidTransition(if void { "be voided" } else { "be credited" })
    } else {
        let field = if lines_given {
            "lines"
        } else {
            "amount.amount_minor"
        };
        BillingError::field(field, "must come to at most the invoice's amount_due")
    })
}

/// The organization's credit note of this id; with `customer`, only if it is theirs.
pub async fn find(
    state: &AppState,
    org_id: OrgId,
    customer: Option<atrium_common::ids::CustomerId>,
    id_text: &str,
) -> Result<CreditNoteView, BillingError> {
    let credit_note_id = id(id_text, BillingError::CreditNoteNotFound)?;
    let row = store::find(&state.db, org_id, customer, credit_note_id)
        .await?
        .ok_or(BillingError::CreditNoteNotFound)?;
    let lines = Lines::CreditNote.of(&state.db, credit_note_id).await?;
    Ok(CreditNoteView { row, lines })
}

/// A page of credit notes and the token of the next.
pub struct CreditNotePage {
    pub items: Vec<CreditNoteRow>,
    pub next_page_token: String,
}

/// The organization's credit notes as `filter` picks them, newest first (without lines).
pub async fn list(
    state: &AppState,
    org_id: OrgId,
    filter: store::Filter,
    page: Page,
) -> Result<CreditNotePage, BillingError> {
    let items = store::list(&state.db, org_id, filter, page.after, page.size).await?;
    let last = items.last().map(|r| (r.created_at, r.credit_note_id));
    Ok(CreditNotePage {
        next_page_token: page.next_token(items.len(), last),
        items,
    })
}
