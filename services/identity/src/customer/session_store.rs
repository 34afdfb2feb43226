//! The SQL of customer sessions. A session is found by its token's hash (the hash is the
//! capability; the row names its organization); every other statement names the org.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{CustomerId, CustomerSessionId, OrgId};
use chrono::{DateTime, Utc};

use super::{Customer, CustomerSession};
use crate::error::IdentityError;
use atrium_common::sql;

macro_rules! session_columns {
    () => {
        "customer_session_id, org_id, customer_id, token_hash, epoch, ip, user_agent, \
         last_seen_at, expires_at, ended_at, created_at"
    };
}

pub async fn insert_session(tx: &mut Tx, row: &CustomerSession) -> Result<(), IdentityError> {
    sql!(tx tx, query(
        concat!(
            "insert into customer_session (",
            session_columns!(),
            ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        )
    ) [
        row.customer_session_id, row.org_id, row.customer_id, &row.token_hash, row.epoch,
        &row.ip, &row.user_agent, row.last_seen_at, row.expires_at, row.ended_at,
        row.created_at,
    ] execute)?;
    Ok(())
}

/// A session and its customer by the cookie token's hash, in one read.
pub async fn find_session_by_token(
    db: &Db,
    token_hash: &[u8],
) -> Result<Option<CustomerSession>, IdentityError> {
    Ok(sql!(db db, query_as(
        concat!(
            "select ",
            session_columns!(),
            " from customer_session where token_hash = $1"
        )
    ) [token_hash] fetch_optional)?)
}

pub async fn touch_session(
    db: &Db,
    org_id: OrgId,
    session_id: CustomerSessionId,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    sql!(db db, query(
        "update customer_session set last_seen_at = $3 where org_id = $1 and customer_session_id = $2"
    ) [org_id, session_id, now] execute)?;
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
    Ok(sql!(db db, query_as(
        concat!(
            "select ",
            session_columns!(),
            " from customer_session where org_id = $1 and customer_id = $2 and epoch = $3 \
             and ended_at is null and expires_at > $4 and last_seen_at > $5 \
             order by created_at desc, customer_session_id desc limit 200"
        )
    ) [customer.org_id, customer.customer_id, customer.epoch, now, idle_since] fetch_all)?)
}

/// Ends one session of one customer; answers whether it was theirs and still open.
pub async fn end_session_of(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
    session_id: CustomerSessionId,
    now: DateTime<Utc>,
) -> Result<bool, IdentityError> {
    let changed = sql!(tx tx, query(
        "update customer_session set ended_at = $4 where org_id = $1 and customer_id = $2 \
         and customer_session_id = $3 and ended_at is null"
    ) [org_id, customer_id, session_id, now] execute)?;
    Ok(changed == 1)
}
