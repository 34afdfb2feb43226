//! The SQL of customer sessions. A session is found by its token's hash (the hash is the
//! capability; the row names its organization); every other statement names the org.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{CustomerId, CustomerSessionId, OrgId};
use atrium_common::{on_db, on_tx};
use chrono::{DateTime, Utc};

use super::{Customer, CustomerSession};
use crate::error::IdentityError;

macro_rules! session_columns {
    () => {
        "customer_session_id, org_id, customer_id, token_hash, epoch, ip, user_agent, \
         last_seen_at, expires_at, ended_at, created_at"
    };
}

pub async fn insert_session(tx: &mut Tx, row: &CustomerSession) -> Result<(), IdentityError> {
    on_tx!(tx, |conn| {
        sqlx::query(concat!(
            "insert into customer_session (",
            session_columns!(),
            ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(row.customer_session_id)
        .bind(row.org_id)
        .bind(row.customer_id)
        .bind(&row.token_hash)
        .bind(row.epoch)
        .bind(&row.ip)
        .bind(&row.user_agent)
        .bind(row.last_seen_at)
        .bind(row.expires_at)
        .bind(row.ended_at)
        .bind(row.created_at)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(())
}

/// A session and its customer by the cookie token's hash, in one read.
pub async fn find_session_by_token(
    db: &Db,
    token_hash: &[u8],
) -> Result<Option<CustomerSession>, IdentityError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            session_columns!(),
            " from customer_session where token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(pool)
        .await
    })?)
}

pub async fn touch_session(
    db: &Db,
    org_id: OrgId,
    session_id: CustomerSessionId,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    on_db!(db, |pool| {
        sqlx::query(
            "update customer_session set last_seen_at = $3 where org_id = $1 and customer_session_id = $2",
        )
        .bind(org_id)
        .bind(session_id)
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(())
}

/// A customer's live sessions (not ended, not past either lifetime, of the current epoch),
/// newest first.
pub async fn list_live_sessions(
    db: &Db,
    customer: &Customer,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<Vec<CustomerSession>, IdentityError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            session_columns!(),
            " from customer_session where org_id = $1 and customer_id = $2 and epoch = $3 \
             and ended_at is null and expires_at > $4 and last_seen_at > $5 \
             order by created_at desc, customer_session_id desc limit 200"
        ))
        .bind(customer.org_id)
        .bind(customer.customer_id)
        .bind(customer.epoch)
        .bind(now)
        .bind(idle_since)
        .fetch_all(pool)
        .await
    })?)
}

/// Ends one session of one customer; answers whether it was theirs and still open.
pub async fn end_session_of(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
    session_id: CustomerSessionId,
    now: DateTime<Utc>,
) -> Result<bool, IdentityError> {
    let changed = on_tx!(tx, |pool| {
        sqlx::query(
            "update customer_session set ended_at = $4 where org_id = $1 and customer_id = $2 \
             and customer_session_id = $3 and ended_at is null",
        )
        .bind(org_id)
        .bind(customer_id)
        .bind(session_id)
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(changed == 1)
}
