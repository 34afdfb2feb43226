//! GDPR erase of a customer, relayed from identity's outbox: their unsent mail and their
//! notifications are deleted, and mail already sent keeps its delivery record without the
//! address or name. Running it twice changes nothing more, so a relayed repeat is harmless.

use atrium_common::db::Db;
use atrium_common::ids::OrgId;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::NotifierError;
use crate::{notifications, store};

pub async fn erase_customer(
    db: &Db,
    org_id: OrgId,
    customer_id: Uuid,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), NotifierError> {
    let folded = atrium_common::db::fold(&[email]);
    let mut tx = db.begin().await?;
    if !folded.is_empty() {
        store::delete_unsent_to(&mut tx, org_id, &folded).await?;
        store::redact_sent_to(&mut tx, org_id, &folded, now).await?;
    }
    notifications::store::delete_of_customer(&mut tx, org_id, customer_id).await?;
    tx.commit().await?;
    tracing::info!(%customer_id, "customer's mail and notifications erased");
    Ok(())
}
