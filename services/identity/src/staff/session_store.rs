//! The SQL of staff sessions.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{OrgId, StaffId, StaffSessionId};
use chrono::{DateTime, Utc};

use super::StaffSession;
use crate::error::IdentityError;
use atrium_common::sql;

pub async fn insert_staff_session(tx: &mut Tx, row: &StaffSession) -> Result<(), IdentityError> {
    sql!(tx tx, query(
        "insert into staff_session (staff_session_id, org_id, staff_id, ip, user_agent, last_seen_at, \
         expires_at, ended_at, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ) [
        row.staff_session_id, row.org_id, row.staff_id, &row.ip, &row.user_agent,
        row.last_seen_at, row.expires_at, row.ended_at, row.created_at, row.updated_at,
    ] execute)?;
    Ok(())
}

pub async fn find_staff_session(
    db: &Db,
    org_id: OrgId,
    session_id: StaffSessionId,
) -> Result<Option<StaffSession>, IdentityError> {
    Ok(sql!(db db, query_as(
        "select staff_session_id, org_id, staff_id, ip, user_agent, last_seen_at, expires_at, ended_at, \
         created_at, updated_at from staff_session where org_id = $1 and staff_session_id = $2"
    ) [org_id, session_id] fetch_optional)?)
}

pub async fn touch_staff_session(
    db: &Db,
    org_id: OrgId,
    session_id: StaffSessionId,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    sql!(db db, query(
        "update staff_session set last_seen_at = $2, updated_at = $2 \
         where staff_session_id = $1 and org_id = $3"
    ) [session_id, now, org_id] execute)?;
    Ok(())
}

pub async fn end_staff_session(
    tx: &mut Tx,
    org_id: OrgId,
    session_id: StaffSessionId,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    sql!(tx tx, query(
        "update staff_session set ended_at = $3, updated_at = $3 \
         where org_id = $1 and staff_session_id = $2 and ended_at is null"
    ) [org_id, session_id, now] execute)?;
    Ok(())
}

/// Ends every live session of a staff member but `keep`.
pub async fn end_staff_sessions(
    tx: &mut Tx,
    org_id: OrgId,
    staff_id: StaffId,
    keep: Option<StaffSessionId>,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    sql!(tx tx, query(
        "update staff_session set ended_at = $3, updated_at = $3 where org_id = $1 and staff_id = $2 \
         and ended_at is null and ($4 is null or staff_session_id <> $4)"
    ) [org_id, staff_id, now, keep] execute).map(drop)?;
    Ok(())
}
