//! GDPR erase, relayed from identity's outbox: the customer's assignments, revocation
//! markers, permission overrides, requests (with their threads) and project comments go. A repeat finds nothing and answers the same.

use atrium_common::ids::{CustomerId, OrgId};
use atrium_proto::common::v1::EraseCustomerRequest;

use crate::AppState;
use crate::assignment::store;
use crate::error::PortalError;

pub async fn erase_customer(
    state: &AppState,
    request: &EraseCustomerRequest,
) -> Result<(), PortalError> {
    let invalid = |field| PortalError::InvalidField {
        field,
        problem: "must be a UUID",
    };
    let org_id = OrgId::parse(&request.org_id).ok_or(invalid("org_id"))?;
    let customer_id = CustomerId::parse(&request.customer_id).ok_or(invalid("customer_id"))?;
    let mut tx = state.db.begin().await?;
    store::erase_customer(&mut tx, org_id, customer_id).await?;
    crate::billing::store::forget(&mut tx, (org_id, customer_id)).await?;
    crate::requests::store::forget(&mut tx, (org_id, customer_id)).await?;
    crate::comments::forget(&mut tx, (org_id, customer_id)).await?;
    crate::approvals::store::forget(&mut tx, (org_id, customer_id)).await?;
    tx.commit().await?;
    tracing::info!(%org_id, %customer_id, "erased customer's assignments, overrides and billing snapshot");
    Ok(())
}
