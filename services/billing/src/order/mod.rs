//! Sales orders: numbered `SO-2026-0001` when created (by staff or from an accepted
//! quote), then fulfilled or cancelled, and invoiced once as a draft invoice with the
//! same lines.

pub mod store;

use atrium_common::auth::Principal;
use atrium_common::db::Tx;
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::page::Page;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::AppState;
use crate::customers;
use crate::error::BillingError;
use crate::invoice::store::{LineRow, Snapshot};
use crate::invoice::{self, currency, notes, priced};
use crate::lines::Lines;
use crate::money::{Currency, LineInput, TaxPart, Totals, parse_lines};
use crate::numbers::{self, Series};
use store::OrderRow;

atrium_common::text_enum! {
    /// Where an order is.
    pub enum Status {
        Open = "open",
        Fulfilled = "fulfilled",
        Cancelled = "cancelled",
    }
}

/// An order with its lines.
#[derive(Debug, Clone)]
pub struct OrderView {
    pub row: OrderRow,
    pub lines: Vec<LineRow>,
    pub tax_breakdown: Vec<TaxPart>,
}

impl OrderView {
    fn new(row: OrderRow, lines: Vec<LineRow>) -> Result<OrderView, BillingError> {
        let checked = parse_lines(&lines.iter().map(LineRow::input).collect::<Vec<_>>())?;
        let tax_breakdown = Totals::of(&checked)?.tax_breakdown;
        Ok(OrderView {
            row,
            lines,
            tax_breakdown,
        })
    }
}

/// What a new order is made of.
pub struct From<'a> {
    pub customer: (CustomerId, Snapshot),
    pub currency: Currency,
    pub totals: &'a Totals,
    pub notes: String,
    pub quote_id: Option<Uuid>,
}

/// Numbers and writes a new open order in `tx`.
pub async fn open(
    tx: &mut Tx,
    org_id: OrgId,
    from: From<'_>,
    lines: &[LineRow],
    now: DateTime<Utc>,
) -> Result<OrderRow, BillingError> {
    let number = numbers::take(tx, org_id, Series::Order, now.date_naive()).await?;
    let (customer_id, customer) = from.customer;
    let row = OrderRow {
        order_id: Uuid::new_v4(),
        org_id,
        customer_id,
        number,
        status: Status::Open,
        currency: from.currency.code().to_owned(),
        notes: from.notes,
        subtotal: from.totals.subtotal,
        tax_total: from.totals.tax_total,
        total: from.totals.total,
        customer,
        quote_id: from.quote_id,
        invoice_id: None,
        created_at: now,
        updated_at: now,
        sent_at: None,
        sent_count: 0,
    };
    store::insert(tx, &row, lines).await?;
    Ok(row)
}

/// An order as staff send it.
#[derive(Debug, Clone, Default)]
pub struct NewOrder {
    pub customer_id: String,
    pub currency: String,
    pub lines: Vec<LineInput>,
    pub notes: String,
}

/// Makes an open, numbered order; it needs at least one line.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    new: NewOrder,
) -> Result<OrderView, BillingError> {
    let currency = currency(&new.currency)?;
    if new.lines.is_empty() {
        return Err(BillingError::field("lines", "must hold at least one line"));
    }
    let (lines, totals) = priced(&new.lines)?;
    let notes = notes(new.notes)?;
    let customer = customers::snapshot(state, principal, &new.customer_id).await?;
    let from = From {
        customer: (customer.0, customer.1),
        currency,
        totals: &totals,
        notes,
        quote_id: None,
    };
    let mut tx = state.db.begin().await?;
    let row = open(&mut tx, principal.org_id, from, &lines, state.clock.now()).await?;
    tx.commit().await?;
    OrderView::new(row, lines)
}

fn order_id(text: &str) -> Result<Uuid, BillingError> {
    Uuid::parse_str(text).map_err(|_| BillingError::OrderNotFound)
}

/// The organization's order of this id; with `customer`, only if it is theirs.
pub async fn find(
    state: &AppState,
    org_id: OrgId,
    customer: Option<CustomerId>,
    id: &str,
) -> Result<OrderView, BillingError> {
    let id = order_id(id)?;
    let row = store::find(&state.db, org_id, customer, id)
        .await?
        .ok_or(BillingError::OrderNotFound)?;
    let lines = Lines::Order.of(&state.db, id).await?;
    OrderView::new(row, lines)
}

/// Fulfils or cancels an open order (else `InvalidTransition`).
pub async fn close(
    state: &AppState,
    principal: &Principal,
    id: &str,
    to: Status,
) -> Result<OrderView, BillingError> {
    let mut view = find(state, principal.org_id, None, id).await?;
    let now = state.clock.now();
    let step = if to == Status::Fulfilled {
        "be fulfilled"
    } else {
        "be cancelled"
    };
    let mut tx = state.db.begin().await?;
    if !store::close(&mut tx, (principal.org_id, view.row.order_id), to, now).await? {
        return Err(BillingError::InvalidTransition(step));
    }
    tx.commit().await?;
    (view.row.status, view.row.updated_at) = (to, now);
    Ok(view)
}

/// Makes a draft invoice from the order's lines, once; a cancelled order is refused.
pub async fn invoice(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<OrderView, BillingError> {
    let mut view = find(state, principal.org_id, None, id).await?;
    if view.row.status == Status::Cancelled || view.row.invoice_id.is_some() {
        return Err(BillingError::InvalidTransition("be invoiced"));
    }
    let (lines, totals) = priced(&view.lines.iter().map(LineRow::input).collect::<Vec<_>>())?;
    let currency = currency(&view.row.currency)?;
    let terms_days = crate::settings::load(state, principal.org_id)
        .await?
        .payment_terms_days;
    let now = state.clock.now();
    let customer = (view.row.customer_id, view.row.customer.clone());
    let notes = (view.row.notes.clone(), terms_days, None);
    let draft = invoice::draft_row(principal.org_id, customer, (currency, &totals), notes, now);
    let mut tx = state.db.begin().await?;
    invoice::store::insert(&mut tx, &draft, &lines).await?;
    let key = (principal.org_id, view.row.order_id);
    if !store::invoiced(&mut tx, key, draft.invoice_id, now).await? {
        return Err(BillingError::InvalidTransition("be invoiced"));
    }
    tx.commit().await?;
    (view.row.invoice_id, view.row.updated_at) = (Some(draft.invoice_id), now);
    Ok(view)
}

/// A page of orders and the token of the next.
pub struct OrderPage {
    pub items: Vec<OrderView>,
    pub next_page_token: String,
}

/// The organization's orders (one customer's), newest first.
pub async fn list(
    state: &AppState,
    key: (OrgId, Option<CustomerId>),
    status: &str,
    page: Page,
) -> Result<OrderPage, BillingError> {
    let status = match status {
        "" => None,
        text => Some(Status::parse(text).ok_or_else(|| {
            BillingError::field("status", "must be open, fulfilled or cancelled")
        })?),
    };
    let rows = store::list(&state.db, key, status, page.after, page.size).await?;
    let last = rows.last().map(|r| (r.created_at, r.order_id));
    let next_page_token = page.next_token(rows.len(), last);
    let ids: Vec<Uuid> = rows.iter().map(|r| r.order_id).collect();
    let mut lines = Lines::Order.of_each(&state.db, &ids).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let own = lines.remove(&row.order_id).unwrap_or_default();
            OrderView::new(row, own)
        })
        .collect::<Result<_, _>>()?;
    Ok(OrderPage {
        items,
        next_page_token,
    })
}
