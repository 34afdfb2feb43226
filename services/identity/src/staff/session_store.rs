//! The SQL of staff sessions.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{OrgId, StaffId, StaffSessionId};
use atrium_common::{on_db, on_tx};
use chrono::{DateTime, Utc};

use super::StaffSession;
use crate::error::IdentityError;

pub async fn insert_staff_session(tx: &mut Tx, row: &StaffSession) -> Result<(), IdentityError> {
    on_tx!(tx, |pool| {
        sqlx::query(
            "insert into staff_session (staff_session_id, org_id, staff_id, ip, user_agent, last_seen_at, \
             expires_at, ended_at, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(row.staff_session_id)
        .bind(row.org_id)
        .bind(row.staff_id)
        .bind(&row.ip)
        .bind(&row.user_agent)
        .bind(row.last_seen_at)
        .bind(row.expires_at)
        .bind(row.ended_at)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(())
}

pub async fn find_staff_session(
    db: &Db,
    org_id: OrgId,
    session_id: StaffSessionId,
) -> Result<Option<StaffSession>, IdentityError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(
            "select staff_session_id, org_id, staff_id, ip, user_agent, last_seen_at, expires_at, ended_at, \
             created_at, updated_at from staff_session where org_id = $1 and staff_session_id = $2",
        )
        .bind(org_id)
        .bind(session_id)
        .fetch_optional(pool)
        .await
    })?)
}

pub async fn touch_staff_session(
    db: &Db,
    org_id: OrgId,
    session_id: StaffSessionId,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    on_db!(db, |pool| {
        sqlx::query(
            "update staff_session set last_seen_at = $2, updated_at = $2 \
             where staff_session_id = $1 and org_id = $3",
        )
        .bind(session_id)
        .bind(now)
        .bind(org_id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(())
}

pub async fn end_staff_session(
    tx: &mut Tx,
    org_id: OrgId,
    session_id: StaffSessionId,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    on_tx!(tx, |pool| {
        sqlx::query(
            "update staff_session set ended_at = $3, updated_at = $3 \
             where org_id = $1 and staff_session_id = $2 and ended_at is null",
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

/// Ends every live session of a staff member but `keep`.
pub async fn end_staff_sessions(
    tx: &mut Tx,
    org_id: OrgId,
    staff_id: StaffId,
    keep: Option<StaffSessionId>,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "update staff_session set ended_at = $3, updated_at = $3 where org_id = $1 and staff_id = $2 \
             and ended_at is null and ($4 is null or staff_session_id <> $4)",
        )
        .bind(org_id)
        .bind(staff_id)
        .bind(now)
        .bind(keep)
        .execute(conn)
        .await
        .map(drop)
    })?;
    Ok(())
}
