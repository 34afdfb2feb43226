//! An accepted quote becomes a draft invoice or an open order with the same lines, once:
//! the quote is marked converted by the statement that checks it was not, in the
//! transaction that makes the new document.

use atrium_common::auth::Principal;

use super::store;
use super::{QuoteView, Status, find};
use crate::AppState;
use crate::error::BillingError;
use crate::invoice::store::LineRow;
use crate::invoice::{self, priced};
use crate::money::Currency;
use crate::order;

/// Converts the accepted quote `id` into `to` (`invoice` or `order`).
pub async fn convert(
    state: &AppState,
    principal: &Principal,
    id: &str,
    to: &str,
) -> Result<QuoteView, BillingError> {
    if !matches!(to, "invoice" | "order") {
        return Err(BillingError::field("to", "must be invoice or order"));
    }
    let quote = find(state, principal.org_id, None, id).await?;
    if quote.row.status != Status::Accepted || quote.row.converted_id.is_some() {
        return Err(BillingError::InvalidTransition("be converted"));
    }
    let (lines, totals) = priced(&quote.lines.iter().map(LineRow::input).collect::<Vec<_>>())?;
    let currency = Currency::parse(&quote.row.currency)
        .ok_or_else(|| BillingError::field("currency", "is not a known currency"))?;
    let terms_days = crate::settings::load(state, principal.org_id)
        .await?
        .payment_terms_days;
    let now = state.clock.now();
    let customer = (quote.row.customer_id, quote.row.customer.clone());
    let mut tx = state.db.begin().await?;
    let made = if to == "invoice" {
        let notes = (quote.row.notes.clone(), terms_days, None);
        let row = invoice::draft_row(principal.org_id, customer, (currency, &totals), notes, now);
        invoice::store::insert(&mut tx, &row, &lines).await?;
        row.invoice_id
    } else {
        let from = order::From {
            customer,
            currency,
            totals: &totals,
            notes: quote.row.notes.clone(),
            quote_id: Some(quote.row.quote_id),
        };
        order::open(&mut tx, principal.org_id, from, &lines, now)
            .await?
            .order_id
    };
    let key = (principal.org_id, quote.row.quote_id);
    if !store::convert(&mut tx, key, (to, made), now).await? {
        return Err(BillingError::InvalidTransition("be converted"));
    }
    tx.commit().await?;
    let mut row = quote.row;
    (row.converted_kind, row.converted_id, row.updated_at) = (Some(to.to_owned()), Some(made), now);
    QuoteView::new(row, quote.lines, now.date_naive())
}
