//! PDFs of invoices, credit notes, quotes, orders and statements, rendered here with
//! krilla and the committed Liberation Sans: fonts embedded, text extractable, the
//! seller's details, the customer's language, and the same bytes for the same document.

mod labels;
mod layout;
mod page;
pub mod render;

use crate::credit_note::CreditNoteView;
use crate::error::BillingError;
use crate::invoice::InvoiceView;
use crate::invoice::store::{LineRow, Snapshot};
use crate::ledger::statement::Statement;
use crate::money::{Totals, parse_lines};
use crate::order::OrderView;
use crate::quote::QuoteView;
use crate::settings::BillingSettings;
use labels::Words;
use layout::{Align, LEFT, Layout, RIGHT};
use page::{Sheet, header, lines, paragraph, total, totals};

/// Who a document is from: the billing settings and the stored logo, if any.
pub struct Seller {
    pub settings: BillingSettings,
    pub logo: Option<crate::logo::LogoBytes>,
}

fn finish(layout: Layout, title: &str) -> Result<Vec<u8>, BillingError> {
    layout.finish(title).map_err(BillingError::Pdf)
}

fn tax_of(rows: &[LineRow]) -> Result<Vec<crate::money::TaxPart>, BillingError> {
    let checked = parse_lines(&rows.iter().map(LineRow::input).collect::<Vec<_>>())?;
    Ok(Totals::of(&checked)?.tax_breakdown)
}

pub fn invoice(view: &InvoiceView, seller: &Seller) -> Result<Vec<u8>, BillingError> {
    let row = &view.row;
    let words = Words::new(&row.customer.customer_locale, &row.currency);
    let l = words.labels;
    let title = if row.number.is_some() {
        l.invoice
    } else {
        l.draft_invoice
    };
    let mut facts = Vec::new();
    if let Some(day) = row.issue_date {
        facts.push((l.issue_date, words.date(day)));
    }
    if let Some(day) = row.due_date {
        facts.push((l.due_date, words.date(day)));
    }
    let number = row.number.clone().unwrap_or_default();
    let sheet = Sheet {
        title,
        number: &number,
        facts,
        customer: &row.customer,
        words: &words,
    };
    let mut layout = Layout::new();
    header(&mut layout, seller, &sheet);
    lines(&mut layout, &words, &view.lines);
    totals(
        &mut layout,
        &words,
        (row.subtotal, &view.tax_breakdown, row.total),
    );
    if row.amount_credited > 0 {
        total(
            &mut layout,
            l.credited,
            &words.amount(-row.amount_credited),
            false,
        );
    }
    if row.amount_paid > 0 {
        total(&mut layout, l.paid, &words.amount(-row.amount_paid), false);
    }
    if row.number.is_some() {
        total(
            &mut layout,
            l.amount_due,
            &words.amount(view.amount_due),
            true,
        );
    }
    paragraph(&mut layout, l.notes, &row.notes);
    paragraph(
        &mut layout,
        l.payment,
        &seller.settings.payment_instructions,
    );
    finish(layout, &format!("{title} {number}"))
}

pub fn credit_note(view: &CreditNoteView, seller: &Seller) -> Result<Vec<u8>, BillingError> {
    let row = &view.row;
    let words = Words::new(&row.customer.customer_locale, &row.currency);
    let l = words.labels;
    let facts = vec![
        (l.issue_date, words.date(row.issue_date)),
        (l.credits_invoice, row.invoice_number.clone()),
    ];
    let sheet = Sheet {
        title: l.credit_note,
        number: &row.number,
        facts,
        customer: &row.customer,
        words: &words,
    };
    let mut layout = Layout::new();
    header(&mut layout, seller, &sheet);
    if view.lines.is_empty() {
        total(&mut layout, l.total, &words.amount(row.total), true);
    } else {
        lines(&mut layout, &words, &view.lines);
        totals(
            &mut layout,
            &words,
            (row.subtotal, &tax_of(&view.lines)?, row.total),
        );
    }
    paragraph(&mut layout, l.reason, &row.reason);
    finish(layout, &format!("{} {}", l.credit_note, row.number))
}

pub fn quote(view: &QuoteView, seller: &Seller) -> Result<Vec<u8>, BillingError> {
    let row = &view.row;
    let words = Words::new(&row.customer.customer_locale, &row.currency);
    let l = words.labels;
    let mut facts = Vec::new();
    if let Some(at) = row.issued_at {
        facts.push((l.issue_date, words.date(at.date_naive())));
    }
    facts.push((l.valid_until, words.date(row.valid_until)));
    let number = row.number.clone().unwrap_or_default();
    let sheet = Sheet {
        title: l.quote,
        number: &number,
        facts,
        customer: &row.customer,
        words: &words,
    };
    let mut layout = Layout::new();
    header(&mut layout, seller, &sheet);
    lines(&mut layout, &words, &view.lines);
    totals(
        &mut layout,
        &words,
        (row.subtotal, &view.tax_breakdown, row.total),
    );
    paragraph(&mut layout, l.notes, &row.notes);
    paragraph(&mut layout, l.terms, &row.terms);
    finish(layout, &format!("{} {number}", l.quote))
}

pub fn order(view: &OrderView, seller: &Seller) -> Result<Vec<u8>, BillingError> {
    let row = &view.row;
    let words = Words::new(&row.customer.customer_locale, &row.currency);
    let l = words.labels;
    let facts = vec![
        (l.issue_date, words.date(row.created_at.date_naive())),
        (l.status, row.status.as_str().to_owned()),
    ];
    let sheet = Sheet {
        title: l.order,
        number: &row.number,
        facts,
        customer: &row.customer,
        words: &words,
    };
    let mut layout = Layout::new();
    header(&mut layout, seller, &sheet);
    lines(&mut layout, &words, &view.lines);
    totals(
        &mut layout,
        &words,
        (row.subtotal, &view.tax_breakdown, row.total),
    );
    paragraph(&mut layout, l.notes, &row.notes);
    finish(layout, &format!("{} {}", l.order, row.number))
}

pub fn statement(
    st: &Statement,
    customer: &Snapshot,
    seller: &Seller,
) -> Result<Vec<u8>, BillingError> {
    let words = Words::new(&customer.customer_locale, &st.currency);
    let l = words.labels;
    let period = format!("{} – {}", words.date(st.from), words.date(st.to));
    let facts = vec![(l.period, period)];
    let sheet = Sheet {
        title: l.statement,
        number: "",
        facts,
        customer,
        words: &words,
    };
    let mut layout = Layout::new();
    header(&mut layout, seller, &sheet);
    let plain = (false, Align::Left);
    let right = (false, Align::Right);
    let bold = (true, Align::Left);
    let bold_right = (true, Align::Right);
    let columns = [
        (LEFT, l.date, Align::Left),
        (120.0, l.entry, Align::Left),
        (220.0, l.reference, Align::Left),
        (385.0, l.debit, Align::Right),
        (465.0, l.credit, Align::Right),
        (RIGHT, l.balance, Align::Right),
    ];
    for (x, label, align) in columns {
        layout.text(x, label, 9.0, (true, align));
    }
    layout.rule();
    layout.down(16.0);
    layout.text(LEFT, l.opening_balance, 10.0, bold);
    layout.text(RIGHT, &words.amount(st.opening_balance), 10.0, bold_right);
    layout.down(15.0);
    for e in &st.entries {
        layout.room(14.0);
        let kind = match e.entry_type.as_str() {
            "invoice" => l.invoice,
            "payment" => l.payment,
            "credit_note" => l.credit_note,
            "refund" => l.refund,
            _ => l.adjustment,
        };
        layout.text(LEFT, &words.date(e.at.date_naive()), 10.0, plain);
        layout.text(120.0, kind, 10.0, plain);
        layout.text(
            220.0,
            e.reference_number.as_deref().unwrap_or(""),
            10.0,
            plain,
        );
        if e.debit > 0 {
            layout.text(385.0, &words.amount(e.debit), 10.0, right);
        }
        if e.credit > 0 {
            layout.text(465.0, &words.amount(e.credit), 10.0, right);
        }
        layout.text(RIGHT, &words.amount(e.balance_after), 10.0, right);
        layout.down(14.0);
    }
    layout.rule();
    layout.down(16.0);
    layout.text(LEFT, l.closing_balance, 10.0, bold);
    layout.text(RIGHT, &words.amount(st.closing_balance), 10.0, bold_right);
    layout.down(15.0);
    paragraph(
        &mut layout,
        l.payment,
        &seller.settings.payment_instructions,
    );
    finish(layout, &format!("{} {}", l.statement, st.to))
}
