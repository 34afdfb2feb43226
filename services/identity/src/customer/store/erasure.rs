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
    let before: Option<Customer> = sql!(tx tx, query_as(
        concat!(
            "select ",
            customer_columns!(),
            " from customer where org_id = $1 and customer_id = $2 and status <> 'erased'"
        )
    ) [org_id, customer_id] fetch_optional)?;
    if before.is_none() {
        return Ok(None);
    }
    sql!(tx tx, query(
        "update customer set email = '', email_normalized = $3, name = '', company = '', phone = '', \
         address = '', search_text = '', status = 'erased', password_hash = null, epoch = epoch + 1, updated_at = $4 \
         where org_id = $1 and customer_id = $2"
    ) [org_id, customer_id, format!("erased:{customer_id}"), now] execute).map(drop)?;
    for sql in [
        "delete from customer_session where org_id = $1 and customer_id = $2",
        "delete from customer_invitation where org_id = $1 and customer_id = $2",
    ] {
        sql!(tx tx, query(sql) [org_id, customer_id] execute).map(drop)?;
    }
    Ok(before)
}
