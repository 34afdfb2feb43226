//! Payments received and their allocations to invoices: a payment books one debit in the
//! ledger for all of it; what is allocated raises each invoice's `amount_paid` in the
//! statement that checks it still fits (so concurrent payments never over-allocate one
//! invoice), and what is not stays the customer's credit, to allocate later or refund.

pub mod refund;
pub mod store;

use atrium_common::auth::Principal;
use atrium_common::db::Tx;
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::page::Page;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::AppState;
use crate::booking;
use crate::customers;
use crate::error::BillingError;
use crate::idempotency::{self, Claim};
use crate::invoice::Status;
use crate::invoice::store::{self as invoices, Apply};
use crate::ledger::{self, EntryType};
use crate::money::{Currency, format_amount};
use crate::notices;
use crate::summary;
use store::{AllocationRow, Payer, PaymentRow};

/// The most a payment, refund or allocation may be, in minor units.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;
const MAX_ALLOCATIONS: usize = 100;
const MAX_REFERENCE: usize = 200;
const METHODS: [&str; 4] = ["bank_transfer", "card", "cash", "other"];

/// A payment with its allocations, oldest first.
#[derive(Debug, Clone)]
pub struct PaymentView {
    pub row: PaymentRow,
    pub allocations: Vec<AllocationRow>,
}

impl PaymentView {
    /// What is neither allocated nor refunded: the customer's credit from it.
    pub fn unallocated(&self) -> i64 {
        self.row.amount - self.row.allocated - self.row.refunded
    }
}

/// Part of a payment for one invoice, as sent.
#[derive(Debug, Clone)]
pub struct AllocationInput {
    pub invoice_id: String,
    pub amount_minor: i64,
}

/// A payment as the staff member sent it.
#[derive(Debug, Clone)]
pub struct NewPayment {
    pub customer_id: String,
    pub amount_minor: i64,
    pub currency: String,
    pub received_on: String,
    pub method: String,
    pub reference: String,
    pub allocations: Vec<AllocationInput>,
}

/// An allocation checked: the invoice, the amount and where it was in the request.
struct Allocation {
    invoice_id: Uuid,
    amount: i64,
    index: usize,
}

/// An amount of 1 to [`MAX_AMOUNT`] minor units in a currency with a minor unit.
pub fn amount(minor: i64, currency: &str, field: &str) -> Result<Currency, BillingError> {
    let currency = Currency::parse(currency).ok_or_else(|| BillingError::InvalidField {
        field: format!("{field}.currency"),
        problem: "must be an ISO 4217 code with a minor unit",
    })?;
    if !(1..=MAX_AMOUNT).contains(&minor) {
        return Err(BillingError::InvalidField {
            field: format!("{field}.amount_minor"),
            problem: "must be from 1 to 1000000000000",
        });
    }
    Ok(currency)
}

/// Checks the allocations and orders them by invoice (the order rows are locked in).
fn allocations(inputs: &[AllocationInput]) -> Result<Vec<Allocation>, BillingError> {
    if inputs.len() > MAX_ALLOCATIONS {
        return Err(BillingError::field("allocations", "must be at most 100"));
    }
    let at = |i: usize, leaf: &str, problem| BillingError::InvalidField {
        field: format!("allocations[{i}].{leaf}"),
        problem,
    };
    let mut checked = Vec::with_capacity(inputs.len());
    for (index, a) in inputs.iter().enumerate() {
        let invoice_id = Uuid::parse_str(&a.invoice_id)
            .map_err(|_| at(index, "invoice_id", "must be a UUID"))?;
        if !(1..=MAX_AMOUNT).contains(&a.amount_minor) {
            return Err(at(index, "amount_minor", "must be from 1 to 1000000000000"));
        }
        if checked
            .iter()
            .any(|c: &Allocation| c.invoice_id == invoice_id)
        {
            return Err(at(index, "invoice_id", "appears twice"));
        }
        checked.push(Allocation {
            invoice_id,
            amount: a.amount_minor,
            index,
        });
    }
    checked.sort_by_key(|a| a.invoice_id);
    Ok(checked)
}

fn allocation_parts(checked: &[Allocation]) -> Vec<String> {
    checked
        .iter()
        .flat_map(|a| [a.invoice_id.to_string(), a.amount.to_string()])
        .collect()
}

/// Raises each invoice's `amount_paid` by its allocation and records it, in `tx`; an
/// invoice that is not the customer's open one in the currency, or has less due, is a
/// 422 naming the allocation (and the caller's transaction is given up).
async fn apply_all(
    tx: &mut Tx,
    (org_id, payment): (OrgId, &PaymentRow),
    checked: &[Allocation],
    now: DateTime<Utc>,
) -> Result<(), BillingError> {
    for a in checked {
        let apply = Apply {
            customer_id: payment.customer_id,
            currency: &payment.currency,
            paid: a.amount,
            credited: 0,
            unpaid_only: false,
            void_reason: None,
            at: now,
        };
        if invoices::apply(tx, (org_id, a.invoice_id), &apply)
            .await?
            .is_none()
        {
            let found = invoices::find_in(tx, org_id, a.invoice_id).await?;
            let fits_customer = found.as_ref().is_some_and(|i| {
                i.customer_id == payment.customer_id && i.currency == payment.currency
            });
            let open = found
                .as_ref()
                .is_some_and(|i| matches!(i.status, Status::Issued | Status::PartiallyPaid));
            let (leaf, problem) = if !fits_customer {
                (
                    "invoice_id",
                    "is not an invoice of this customer in this currency",
                )
            } else if !open {
                (
                    "invoice_id",
                    "is not open to payment (issued or partially paid)",
                )
            } else {
                ("amount_minor", "is more than the invoice's amount_due")
            };
            return Err(BillingError::InvalidField {
                field: format!("allocations[{}].{leaf}", a.index),
                problem,
            });
        }
        store::insert_allocation(tx, payment.payment_id, (a.invoice_id, a.amount), now).await?;
    }
    Ok(())
}

/// Books a payment with its allocations, or answers what `key` booked before.
pub async fn record(
    state: &AppState,
    principal: &Principal,
    new: NewPayment,
    key: &str,
) -> Result<PaymentView, BillingError> {
    let checked = allocations(&new.allocations)?;
    let mut parts = vec![
        new.customer_id.clone(),
        new.amount_minor.to_string(),
        new.currency.clone(),
        new.received_on.clone(),
        new.method.clone(),
        new.reference.clone(),
    ];
    parts.extend(allocation_parts(&checked));
    let claim = Claim::new(
        key,
        "payment",
        &parts.iter().map(String::as_str).collect::<Vec<_>>(),
    )?;
    let currency = amount(new.amount_minor, &new.currency, "amount")?;
    let received_on = NaiveDate::parse_from_str(&new.received_on, "%Y-%m-%d")
        .map_err(|_| BillingError::field("received_on", "must be a date YYYY-MM-DD"))?;
    if !METHODS.contains(&new.method.as_str()) {
        return Err(BillingError::field(
            "method",
            "must be bank_transfer, card, cash or other",
        ));
    }
    let reference = new.reference.trim().to_owned();
    if reference.chars().count() > MAX_REFERENCE {
        return Err(BillingError::field(
            "reference",
            "must be at most 200 characters",
        ));
    }
    let allocated: i64 = checked.iter().map(|a| a.amount).sum();
    if allocated > new.amount_minor {
        return Err(BillingError::field(
            "allocations",
            "add up to more than the payment",
        ));
    }
    let (customer_id, snapshot, _) =
        customers::snapshot(state, principal, &new.customer_id).await?;
    let payer = Payer {
        customer_name: snapshot.customer_name,
        customer_email: snapshot.customer_email,
        customer_company: snapshot.customer_company,
    };
    let others = notices::managers(state, principal, Some(principal.subject_id)).await?;
    let told = |row: &PaymentRow| notices::StaffNotice {
        kind: "payment_booked",
        title: format!(
            "Payment {} from {}",
            format_amount(row.amount, currency, "en"),
            row.customer.customer_name
        ),
        link: format!("/admin/payments?customer_id={}", row.customer_id),
        key: format!("payment_booked:{}", row.payment_id),
        params: serde_json::json!({
            "amount": format_amount(row.amount, currency, "en"),
            "customer": row.customer.customer_name,
        }),
    };
    let (claim_ref, checked_ref, payer_ref, reference_ref) = (&claim, &checked, &payer, &reference);
    let (others, told) = (&others, &told);
    let new = &new;
    let booked = booking::retry(|| async move {
        let now = state.clock.now();
        let mut tx = state.db.begin().await?;
        if let Some(id) = idempotency::claim(&mut tx, principal.org_id, claim_ref, now).await? {
            return Ok(id);
        }
        let row = PaymentRow {
            payment_id: Uuid::new_v4(),
            org_id: principal.org_id,
            customer_id,
            customer: payer_ref.clone(),
            currency: currency.code().to_owned(),
            amount: new.amount_minor,
            allocated,
            refunded: 0,
            received_on,
            method: new.method.clone(),
            reference: reference_ref.clone(),
            created_by: principal.subject_id,
            created_at: now,
        };
        store::insert(&mut tx, &row).await?;
        apply_all(&mut tx, (principal.org_id, &row), checked_ref, now).await?;
        let entry = ledger::store::NewEntry {
            org_id: principal.org_id,
            customer_id,
            currency: row.currency.clone(),
            at: now,
            entry_type: EntryType::Payment,
            debit: row.amount,
            credit: 0,
            reference_kind: "payment",
            reference_id: row.payment_id,
            reference_number: None,
        };
        ledger::store::append(&mut tx, &entry).await?;
        idempotency::record(&mut tx, principal.org_id, claim_ref, row.payment_id).await?;
        notices::to_staff(&mut tx, principal.org_id, others, &told(&row), now).await?;
        summary::publish(&mut tx, (principal.org_id, customer_id), now).await?;
        tx.commit().await?;
        Ok(row.payment_id)
    })
    .await?;
    state.relay.wake();
    find(state, principal.org_id, None, &booked.to_string()).await
}

/// Allocates more of a payment's credit to open invoices, once per `key`.
pub async fn allocate(
    state: &AppState,
    principal: &Principal,
    payment_id: &str,
    inputs: &[AllocationInput],
    key: &str,
) -> Result<PaymentView, BillingError> {
    let payment_id = Uuid::parse_str(payment_id).map_err(|_| BillingError::PaymentNotFound)?;
    let checked = allocations(inputs)?;
    let mut parts = vec![payment_id.to_string()];
    parts.extend(allocation_parts(&checked));
    let claim = Claim::new(
        key,
        "payment.allocations",
        &parts.iter().map(String::as_str).collect::<Vec<_>>(),
    )?;
    if checked.is_empty() {
        return Err(BillingError::field("allocations", "must hold at least one"));
    }
    let total: i64 = checked.iter().map(|a| a.amount).sum();
    let (claim_ref, checked_ref) = (&claim, &checked);
    booking::retry(|| async move {
        let now = state.clock.now();
        let mut tx = state.db.begin().await?;
        if idempotency::claim(&mut tx, principal.org_id, claim_ref, now)
            .await?
            .is_some()
        {
            return Ok(());
        }
        let key = (principal.org_id, payment_id);
        let Some(row) = store::take(&mut tx, key, (total, 0)).await? else {
            drop(tx);
            return Err(
                match store::find(&state.db, principal.org_id, None, payment_id).await? {
                    None => BillingError::PaymentNotFound,
                    Some(_) => BillingError::field(
                        "allocations",
                        "add up to more than the payment's unallocated amount",
                    ),
                },
            );
        };
        apply_all(&mut tx, (principal.org_id, &row), checked_ref, now).await?;
        idempotency::record(&mut tx, principal.org_id, claim_ref, payment_id).await?;
        summary::publish(&mut tx, (principal.org_id, row.customer_id), now).await?;
        tx.commit().await?;
        state.relay.wake();
        Ok(())
    })
    .await?;
    find(state, principal.org_id, None, &payment_id.to_string()).await
}

/// The organization's payment of this id; with `customer`, only if it is theirs.
pub async fn find(
    state: &AppState,
    org_id: OrgId,
    customer: Option<CustomerId>,
    id: &str,
) -> Result<PaymentView, BillingError> {
    let payment_id = Uuid::parse_str(id).map_err(|_| BillingError::PaymentNotFound)?;
    let row = store::find(&state.db, org_id, customer, payment_id)
        .await?
        .ok_or(BillingError::PaymentNotFound)?;
    let mut allocations = store::allocations_of(&state.db, &[payment_id], false).await?;
    Ok(PaymentView {
        allocations: allocations.remove(&payment_id).unwrap_or_default(),
        row,
    })
}

/// A page of payments and the token of the next.
pub struct PaymentPage {
    pub items: Vec<PaymentView>,
    pub next_page_token: String,
}

/// The organization's payments (one customer's), newest first, with their allocations
/// read in one more query for the page.
pub async fn list(
    state: &AppState,
    org_id: OrgId,
    customer: Option<CustomerId>,
    page: Page,
) -> Result<PaymentPage, BillingError> {
    let rows = store::list(&state.db, org_id, customer, page.after, page.size).await?;
    let last = rows.last().map(|r| (r.created_at, r.payment_id));
    let next_page_token = page.next_token(rows.len(), last);
    let ids: Vec<Uuid> = rows.iter().map(|r| r.payment_id).collect();
    let mut allocations = store::allocations_of(&state.db, &ids, false).await?;
    let items = rows
        .into_iter()
        .map(|row| PaymentView {
            allocations: allocations.remove(&row.payment_id).unwrap_or_default(),
            row,
        })
        .collect();
    Ok(PaymentPage {
        items,
        next_page_token,
    })
}
