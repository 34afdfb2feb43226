//! The SQL of staff members.

use atrium_common::db::{Db, Pools, Tx, ids_json};
use atrium_common::ids::{OrgId, StaffId};
use atrium_common::roles::Role;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{StaffMember, StaffStatus};
use crate::error::IdentityError;
use atrium_common::db::is_unique_violation;
use atrium_common::sql;

/// One column list for every staff query.
macro_rules! staff_columns {
    () => {
        "staff_id, org_id, email, email_normalized, name, title, phone, locale, role, status, \
         password_hash, created_at, updated_at"
    };
}

macro_rules! staff_select {
    ($tail:literal) => {
        concat!("select ", staff_columns!(), " from staff ", $tail)
    };
}

/// Stores a new staff member; `Err(InvitationPending)` when the org already has one with
/// this email (a concurrent invitation won the race).
pub async fn insert_staff(tx: &mut Tx, row: &StaffMember) -> Result<(), IdentityError> {
    let inserted = sql!(tx tx, query(
        "insert into staff (staff_id, org_id, email, email_normalized, name, title, phone, role, status, \
         password_hash, created_at, updated_at, locale) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ) [
        row.staff_id, row.org_id, &row.email, &row.email_normalized, &row.name, &row.title,
        &row.phone, row.role.as_str(), row.status.as_str(), &row.password_hash, row.created_at,
        row.updated_at, &row.locale,
    ] execute);
    match inserted {
        Ok(_) => Ok(()),
        Err(err) if is_unique_violation(&err) => Err(IdentityError::InvitationPending),
        Err(err) => Err(err.into()),
    }
}

pub async fn find_staff_by_email(
    db: &Db,
    org_id: OrgId,
    email_normalized: &str,
) -> Result<Option<StaffMember>, IdentityError> {
    Ok(sql!(db db, query_as(
        staff_select!("where org_id = $1 and email_normalized = $2")
    ) [org_id, email_normalized] fetch_optional)?)
}

pub async fn find_staff(
    db: &Db,
    org_id: OrgId,
    staff_id: StaffId,
) -> Result<Option<StaffMember>, IdentityError> {
    Ok(sql!(db db, query_as(
        staff_select!("where org_id = $1 and staff_id = $2")
    ) [org_id, staff_id] fetch_optional)?)
}

/// The org's active members, oldest first.
pub async fn active_staff(db: &Db, org_id: OrgId) -> Result<Vec<StaffMember>, IdentityError> {
    Ok(sql!(db db, query_as(
        staff_select!("where org_id = $1 and status = 'active' order by created_at, staff_id")
    ) [org_id] fetch_all)?)
}

/// The org's staff among `ids`, in no particular order: one statement for the set.
pub async fn find_staff_among(
    db: &Db,
    org_id: OrgId,
    ids: &[StaffId],
) -> Result<Vec<StaffMember>, IdentityError> {
    Ok(match db.pool() {
        Pools::Postgres(pool) => {
            sqlx::query_as(staff_select!("where org_id = $1 and staff_id = any($2)"))
                .bind(org_id)
                .bind(ids)
                .fetch_all(pool)
                .await?
        }
        Pools::Sqlite(pool) => {
            sqlx::query_as(staff_select!(
                "where org_id = $1 and staff_id in \
                 (select unhex(replace(value, '-', '')) from json_each($2))"
            ))
            .bind(org_id)
            .bind(ids_json(ids))
            .fetch_all(pool)
            .await?
        }
    })
}

/// Returns the owner of an organization who signed it up (the oldest owner).
pub async fn find_first_owner(
    db: &Db,
    org_id: OrgId,
) -> Result<Option<StaffMember>, IdentityError> {
    Ok(sql!(db db, query_as(
        staff_select!(
            "where org_id = $1 and role = 'owner' order by created_at, staff_id limit 1"
        )
    ) [org_id] fetch_optional)?)
}

/// Reads a staff member inside `tx` (after [`lock_organization`], the committed state).
pub async fn find_staff_in(
    tx: &mut Tx,
    org_id: OrgId,
    staff_id: StaffId,
) -> Result<Option<StaffMember>, IdentityError> {
    Ok(sql!(tx tx, query_as(
        staff_select!("where org_id = $1 and staff_id = $2")
    ) [org_id, staff_id] fetch_optional)?)
}

pub async fn count_active_owners(tx: &mut Tx, org_id: OrgId) -> Result<i64, IdentityError> {
    Ok(sql!(tx tx, query_scalar(
        "select count(*) from staff where org_id = $1 and role = 'owner' and status = 'active'"
    ) [org_id] fetch_one)?)
}

/// One page of the org's staff, newest first.
pub async fn list_staff(
    db: &Db,
    org_id: OrgId,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<StaffMember>, IdentityError> {
    let (before_at, before_id) = before.unzip();
    Ok(sql!(db db, query_as(
        staff_select!(
            "where org_id = $1 and ($2 is null or created_at < $2 or (created_at = $2 and staff_id < $3)) \
             order by created_at desc, staff_id desc limit $4"
        )
    ) [org_id, before_at, before_id, limit] fetch_all)?)
}

/// Sets role and status (either may stay as it is).
pub async fn update_staff_access(
    tx: &mut Tx,
    org_id: OrgId,
    staff_id: StaffId,
    role: Role,
    status: StaffStatus,
    now: DateTime<Utc>,
) -> Result<Option<StaffMember>, IdentityError> {
    Ok(sql!(tx tx, query_as(
        concat!(
            "update staff set role = $3, status = $4, updated_at = $5 where org_id = $1 and staff_id = $2 ",
            "returning ",
            staff_columns!()
        )
    ) [org_id, staff_id, role.as_str(), status.as_str(), now] fetch_optional)?)
}

/// Deletes a staff member with their sessions (their tokens go with the credential
/// core's `delete_all`); audit entries keep their id.
pub async fn delete_staff(
    tx: &mut Tx,
    org_id: OrgId,
    staff_id: StaffId,
) -> Result<bool, IdentityError> {
    sql!(tx tx, query(
        "delete from staff_session where org_id = $1 and staff_id = $2"
    ) [org_id, staff_id] execute)
    .map(drop)?;
    let deleted = sql!(tx tx, query("delete from staff where org_id = $1 and staff_id = $2") [
        org_id, staff_id,
    ] execute)?;
    Ok(deleted == 1)
}

/// Sets a staff member's password: an invited one becomes active; an active one stays so.
/// Anyone else (deactivated, removed) is `None`.
pub async fn set_staff_password(
    tx: &mut Tx,
    org_id: OrgId,
    staff_id: StaffId,
    password_hash: &str,
    from_status: StaffStatus,
    now: DateTime<Utc>,
) -> Result<Option<StaffMember>, IdentityError> {
    Ok(sql!(tx tx, query_as(
        concat!(
            "update staff set password_hash = $3, status = 'active', updated_at = $5 ",
            "where org_id = $1 and staff_id = $2 and status = $4 ",
            "returning ",
            staff_columns!()
        )
    ) [org_id, staff_id, password_hash, from_status.as_str(), now] fetch_optional)?)
}

/// Sets own name, title and phone; `None` leaves a field as it is.
pub async fn update_staff_profile(
    db: &Db,
    org_id: OrgId,
    staff_id: StaffId,
    profile: [Option<&str>; 4],
    now: DateTime<Utc>,
) -> Result<Option<StaffMember>, IdentityError> {
    let [name, title, phone, locale] = profile;
    Ok(sql!(db db, query_as(
        concat!(
            "update staff set name = coalesce($3, name), title = coalesce($4, title), ",
            "phone = coalesce($5, phone), locale = coalesce($7, locale), updated_at = $6 ",
            "where org_id = $1 and staff_id = $2 returning ",
            staff_columns!()
        )
    ) [org_id, staff_id, name, title, phone, now, locale] fetch_optional)?)
}
