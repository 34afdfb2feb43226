//! The SQL of erasing a customer on request.

use super::*;

/// Erases a customer: the profile is blanked, the email freed (the normalised column takes
/// a placeholder only this row can have), the password gone and the epoch moved; their
/// sessions and invitations are deleted (their tokens go with the credential core's
/// `delete_all`). Answers the row as it was.
pub async fn erase_customer(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
    now: DateTime<Utc>,
) -> Result<Option<Customer>, IdentityError> {
    let before: Option<Customer> = on_tx!(tx, |conn| {
        sqlx::query_as(concat!(
            "select ",
            customer_columns!(),
            " from customer where org_id = $1 and customer_id = $2 and status <> 'erased'"
        ))
        .bind(org_id)
        .bind(customer_id)
        .fetch_optional(conn)
        .await
    })?;
    if before.is_none() {
        return Ok(None);
    }
    on_tx!(tx, |conn| {
        sqlx::query(
            "update customer set email = '', email_normalized = $3, name = '', company = '', phone = '', \
             address = '', search_text = '', status = 'erased', password_hash = null, epoch = epoch + 1, updated_at = $4 \
             where org_id = $1 and customer_id = $2",
        )
        .bind(org_id)
        .bind(customer_id)
        .bind(format!("erased:{customer_id}"))
        .bind(now)
        .execute(conn)
        .await
        .map(drop)
    })?;
    for sql in [
        "delete from customer_session where org_id = $1 and customer_id = $2",
        "delete from customer_invitation where org_id = $1 and customer_id = $2",
    ] {
        on_tx!(tx, |conn| {
            sqlx::query(sql)
                .bind(org_id)
                .bind(customer_id)
                .execute(conn)
                .await
                .map(drop)
        })?;
    }
    Ok(before)
}
