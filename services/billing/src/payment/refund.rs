//! Refunds: money given back from a customer's credit (of one payment, when named). A
//! refund books a credit in the ledger and changes no allocation and no invoice; it may
//! not take the customer's balance above zero, nor take more of a payment than is left.

use atrium_common::auth::Principal;
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::page::Page;
use uuid::Uuid;

use super::store::{self, Payer, RefundRow};
use crate::AppState;
use crate::booking;
use crate::credit_note::reason;
use crate::customers;
use crate::error::BillingError;
use crate::idempotency::{self, Claim};
use crate::ledger::{self, EntryType};
use crate::summary;

/// A refund as the staff member sent it.
#[derive(Debug, Clone)]
pub struct NewRefund {
    pub customer_id: String,
    pub amount_minor: i64,
    pub currency: String,
    /// Empty: from the customer's credit, of no payment in particular.
    pub payment_id: String,
    pub reason: String,
}

/// Books a refund, or answers what `key` booked before.
pub async fn refund(
    state: &AppState,
    principal: &Principal,
    new: NewRefund,
    key: &str,
) -> Result<RefundRow, BillingError> {
    let claim = Claim::new(
        key,
        "refund",
        &[
            &new.customer_id,
            &new.amount_minor.to_string(),
            &new.currency,
            &new.payment_id,
            &new.reason,
        ],
    )?;
    let currency = super::amount(new.amount_minor, &new.currency, "amount")?;
    let reason = reason(&new.reason)?;
    let payment_id = match new.payment_id.as_str() {
        "" => None,
        text => Some(
            Uuid::parse_str(text)
                .map_err(|_| BillingError::field("payment_id", "must be a UUID"))?,
        ),
    };
    let (customer_id, snapshot, _) =
        customers::snapshot(state, principal, &new.customer_id).await?;
    let row = RefundRow {
        refund_id: Uuid::new_v4(),
        org_id: principal.org_id,
        customer_id,
        customer: Payer {
            customer_name: snapshot.customer_name,
            customer_email: snapshot.customer_email,
            customer_company: snapshot.customer_company,
        },
        currency: currency.code().to_owned(),
        amount: new.amount_minor,
        payment_id,
        reason,
        created_by: principal.subject_id,
        created_at: state.clock.now(),
    };
    let (claim_ref, row_ref) = (&claim, &row);
    let booked = booking::retry(|| async move {
        let mut tx = state.db.begin().await?;
        let org_id = principal.org_id;
        if let Some(id) = idempotency::claim(&mut tx, org_id, claim_ref, row_ref.created_at).await?
        {
            return Ok(id);
        }
        if let Some(payment_id) = row_ref.payment_id {
            let taken = store::take(&mut tx, (org_id, payment_id), (0, row_ref.amount)).await?;
            let fits = taken.as_ref().is_some_and(|p| {
                p.customer_id == row_ref.customer_id && p.currency == row_ref.currency
            });
            if !fits {
                return Err(BillingError::field(
                    "payment_id",
                    "must be a payment of this customer in this currency with this much left",
                ));
            }
        }
        let entry = ledger::store::NewEntry {
            org_id,
            customer_id: row_ref.customer_id,
            currency: row_ref.currency.clone(),
            at: row_ref.created_at,
            entry_type: EntryType::Refund,
            debit: 0,
            credit: row_ref.amount,
            reference_kind: "refund",
            reference_id: row_ref.refund_id,
            reference_number: None,
        };
        let booked = ledger::store::append(&mut tx, &entry).await?;
        if booked.balance_after > 0 {
            return Err(BillingError::field(
                "amount.amount_minor",
                "is more than the customer's credit in this currency",
            ));
        }
        store::insert_refund(&mut tx, row_ref).await?;
        idempotency::record(&mut tx, org_id, claim_ref, row_ref.refund_id).await?;
        summary::publish(&mut tx, (org_id, row_ref.customer_id), row_ref.created_at).await?;
        tx.commit().await?;
        state.relay.wake();
        Ok(row_ref.refund_id)
    })
    .await?;
    store::find_refund(&state.db, principal.org_id, booked)
        .await?
        .ok_or(BillingError::PaymentNotFound)
}

/// A page of refunds and the token of the next.
pub struct RefundPage {
    pub items: Vec<RefundRow>,
    pub next_page_token: String,
}

/// The organization's refunds (one customer's), newest first.
pub async fn list(
    state: &AppState,
    org_id: OrgId,
    customer: Option<CustomerId>,
    page: Page,
) -> Result<RefundPage, BillingError> {
    let items = store::refunds(&state.db, org_id, customer, page.after, page.size).await?;
    let last = items.last().map(|r| (r.created_at, r.refund_id));
    Ok(RefundPage {
        next_page_token: page.next_token(items.len(), last),
        items,
    })
}
