//! GDPR erase of a customer, relayed from identity's outbox: their unsent mail and their
//! notifications are deleted, and mail already sent keeps its delivery record without the
//! address or name. Running it twice changes nothing more, so a relayed repeat is harmless.

use atrium_common::db::Db;
use atrium_common::on_tx;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::NotifierError;

pub async fn erase_customer(
    db: &Db,
    org_id: Uuid,
    customer_id: Uuid,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), NotifierError> {
    let email = email.trim().to_lowercase();
    let mut tx = db.begin().await?;
    if !email.is_empty() {
        on_tx!(&mut tx, |conn| {
            sqlx::query(
                "delete from email where org_id = $1 and lower(recipient_email) = $2 and status <> 'sent'",
            )
            .bind(org_id)
            .bind(&email)
            .execute(conn)
            .await
            .map(drop)
        })?;
        on_tx!(&mut tx, |conn| {
            sqlx::query(
                "update email set recipient_email = '', recipient_name = '', variables = null, updated_at = $3 \
                 where org_id = $1 and lower(recipient_email) = $2",
            )
            .bind(org_id)
            .bind(&email)
            .bind(now)
            .execute(conn)
            .await
            .map(drop)
        })?;
    }
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "delete from notification where org_id = $1 and recipient_kind = 'customer' and recipient_id = $2",
        )
        .bind(org_id)
        .bind(customer_id)
        .execute(conn)
        .await
        .map(drop)
    })?;
    tx.commit().await?;
    tracing::info!(%customer_id, "customer's mail and notifications erased");
    Ok(())
}
