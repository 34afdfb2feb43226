//! Manual corrections of a customer's ledger: a debit or a credit in one currency, with
//! its reason and who made it, booked once per `Idempotency-Key`.

use atrium_common::auth::Principal;
use atrium_common::ids::CustomerId;
use uuid::Uuid;

use super::EntryType;
use super::store::{self, EntryRow, NewEntry};
use crate::AppState;
use crate::customers;
use crate::error::BillingError;
use crate::idempotency::{self, Claim};
use crate::money::Currency;

/// An adjustment as the staff member sent it.
pub struct Adjustment {
    pub amount_minor: i64,
    pub currency: String,
    /// `debit` (lowers what the customer owes) or `credit` (raises it).
    pub direction: String,
    pub reason: String,
}

/// Books `adjustment` on the customer's ledger, or answers what `key` booked before.
pub async fn adjust(
    state: &AppState,
    principal: &Principal,
    customer_id: CustomerId,
    adjustment: Adjustment,
    key: &str,
) -> Result<EntryRow, BillingError> {
    let amount = adjustment.amount_minor;
    let claim = Claim::new(
        key,
        "ledger.adjustment",
        &[
            &customer_id.to_string(),
            &amount.to_string(),
            &adjustment.currency,
            &adjustment.direction,
            &adjustment.reason,
        ],
    )?;
    let currency = Currency::parse(&adjustment.currency).ok_or_else(|| {
        BillingError::field(
            "amount.currency",
            "must be an ISO 4217 code with a minor unit",
        )
    })?;
    if !(1..=1_000_000_000_000).contains(&amount) {
        return Err(BillingError::field(
            "amount.amount_minor",
            "must be from 1 to 1000000000000",
        ));
    }
    let (debit, credit) = match adjustment.direction.as_str() {
        "debit" => (amount, 0),
        "credit" => (0, amount),
        _ => return Err(BillingError::field("direction", "must be debit or credit")),
    };
    let reason = adjustment.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(BillingError::field(
            "reason",
            "is required, at most 1000 characters",
        ));
    }
    if !customers::exists(state, principal, customer_id).await? {
        return Err(BillingError::CustomerNotFound);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if let Some(entry_id) = idempotency::claim(&mut tx, principal.org_id, &claim, now).await? {
        drop(tx);
        return store::entry(&state.db, principal.org_id, entry_id)
            .await?
            .ok_or(BillingError::CustomerNotFound);
    }
    let adjustment_id = Uuid::new_v4();
    let entry = NewEntry {
        org_id: principal.org_id,
        customer_id,
        currency: currency.code().to_owned(),
        at: now,
        entry_type: EntryType::Adjustment,
        debit,
        credit,
        reference_kind: "adjustment",
        reference_id: adjustment_id,
        reference_number: None,
    };
    let row = store::append(&mut tx, &entry).await?;
    let kept = store::AdjustmentRow {
        adjustment_id,
        direction: &adjustment.direction,
        amount,
        reason: &reason,
        entry_id: row.entry_id,
        created_by: principal.subject_id,
    };
    store::insert_adjustment(&mut tx, &entry, &kept).await?;
    idempotency::record(&mut tx, principal.org_id, &claim, row.entry_id).await?;
    crate::summary::publish(&mut tx, (principal.org_id, entry.customer_id), now).await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(row)
}
