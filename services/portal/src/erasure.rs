//! GDPR erase, relayed from identity's outbox: the customer's assignments, revocation
//! markers and permission overrides go. A repeat finds nothing and answers the same.

use atrium_proto::common::v1::EraseCustomerRequest;
use uuid::Uuid;

use crate::AppState;
use crate::error::PortalError;
use crate::store;

pub async fn erase_customer(
    state: &AppState,
    request: &EraseCustomerRequest,
) -> Result<(), PortalError> {
    let id = |field: &'static str, text: &str| {
        Uuid::parse_str(text).map_err(|_| PortalError::InvalidField {
            field,
            problem: "must be a UUID",
        })
    };
    let org_id = id("org_id", &request.org_id)?;
    let customer_id = id("customer_id", &request.customer_id)?;
    let mut tx = state.db.begin().await?;
    store::erase_customer(&mut tx, org_id, customer_id).await?;
    tx.commit().await?;
    tracing::info!(%org_id, %customer_id, "erased customer's assignments and overrides");
    Ok(())
}
