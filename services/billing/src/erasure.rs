//! A GDPR erase as billing keeps it: the customer's drafts (invoices, quotes) go; what
//! was issued stays with the details it was issued with, and so does every ledger entry,
//! as bookkeeping law requires. Relayed from identity's outbox; a repeat finds nothing.

use atrium_common::ids::{CustomerId, OrgId};
use atrium_proto::common::v1::EraseCustomerRequest;

use crate::AppState;
use crate::error::BillingError;

pub async fn erase(state: &AppState, request: &EraseCustomerRequest) -> Result<(), BillingError> {
    let org_id = OrgId::parse(&request.org_id)
        .ok_or_else(|| BillingError::field("org_id", "must be a UUID"))?;
    let customer_id = CustomerId::parse(&request.customer_id)
        .ok_or_else(|| BillingError::field("customer_id", "must be a UUID"))?;
    let mut tx = state.db.begin().await?;
    let invoices = crate::invoice::store::delete_drafts_of(&mut tx, org_id, customer_id).await?;
    let quotes = crate::quote::store::delete_drafts_of(&mut tx, org_id, customer_id).await?;
    tx.commit().await?;
    tracing::info!(%org_id, %customer_id, invoices, quotes, "erased customer's drafts");
    Ok(())
}
