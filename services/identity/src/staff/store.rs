//! The SQL of staff members.

use atrium_common::db::{Db, Pools, Tx, ids_json};
use atrium_common::ids::{OrgId, StaffId};
use atrium_common::on_db;
use atrium_common::on_tx;
use atrium_common::roles::Role;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{StaffMember, StaffStatus};
use crate::error::IdentityError;

/// One column list for every staff query.
macro_rules! staff_columns {
    () => {
        "staff_id, org_id, email, email_normalized, name, title, phone, role, status, \
         password_hash, created_at, updated_at"
    };
}

macro_rules! staff_select {
    ($tail:literal) => {
        concat!("select ", staff_columns!(), " from staff ", $tail)
    };
}

pub async fn insert_staff(tx: &mut Tx, row: &StaffMember) -> Result<(), IdentityError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "insert into staff (staff_id, org_id, email, email_normalized, name, title, phone, role, status, \
             password_hash, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(row.staff_id)
        .bind(row.org_id)
        .bind(&row.email)
        .bind(&row.email_normalized)
        .bind(&row.name)
        .bind(&row.title)
        .bind(&row.phone)
        .bind(row.role.as_str())
        .bind(row.status.as_str())
        .bind(&row.password_hash)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(())
}

pub async fn find_staff_by_email(
    db: &Db,
    org_id: OrgId,
    email_normalized: &str,
) -> Result<Option<StaffMember>, IdentityError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(staff_select!("where org_id = $1 and email_normalized = $2"))
            .bind(org_id)
            .bind(email_normalized)
            .fetch_optional(pool)
            .await
    })?)
}

pub async fn find_staff(
    db: &Db,
    org_id: OrgId,
    staff_id: StaffId,
) -> Result<Option<StaffMember>, IdentityError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(staff_select!("where org_id = $1 and staff_id = $2"))
            .bind(org_id)
            .bind(staff_id)
            .fetch_optional(pool)
            .await
    })?)
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
    Ok(on_db!(db, |pool| {
        sqlx::query_as(staff_select!(
            "where org_id = $1 and role = 'owner' order by created_at, staff_id limit 1"
        ))
        .bind(org_id)
        .fetch_optional(pool)
        .await
    })?)
}

/// Reads a staff member inside `tx` (after [`lock_organization`], the committed state).
pub async fn find_staff_in(
    tx: &mut Tx,
    org_id: OrgId,
    staff_id: StaffId,
) -> Result<Option<StaffMember>, IdentityError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as(staff_select!("where org_id = $1 and staff_id = $2"))
            .bind(org_id)
            .bind(staff_id)
            .fetch_optional(conn)
            .await
    })?)
}

pub async fn count_active_owners(tx: &mut Tx, org_id: OrgId) -> Result<i64, IdentityError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "select count(*) from staff where org_id = $1 and role = 'owner' and status = 'active'",
        )
        .bind(org_id)
        .fetch_one(conn)
        .await
    })?)
}

/// One page of the org's staff, newest first.
pub async fn list_staff(
    db: &Db,
    org_id: OrgId,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<StaffMember>, IdentityError> {
    let (before_at, before_id) = before.unzip();
    Ok(on_db!(db, |pool| {
        sqlx::query_as(staff_select!(
            "where org_id = $1 and ($2 is null or created_at < $2 or (created_at = $2 and staff_id < $3)) \
             order by created_at desc, staff_id desc limit $4"
        ))
        .bind(org_id)
        .bind(before_at)
        .bind(before_id)
        .bind(limit)
        .fetch_all(pool)
        .await
    })?)
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
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as(concat!(
            "update staff set role = $3, status = $4, updated_at = $5 where org_id = $1 and staff_id = $2 ",
            "returning ",
            staff_columns!()
        ))
        .bind(org_id)
        .bind(staff_id)
        .bind(role.as_str())
        .bind(status.as_str())
        .bind(now)
        .fetch_optional(conn)
        .await
    })?)
}

/// Deletes a staff member with their sessions (their tokens go with the credential
/// core's `delete_all`); audit entries keep their id.
pub async fn delete_staff(
    tx: &mut Tx,
    org_id: OrgId,
    staff_id: StaffId,
) -> Result<bool, IdentityError> {
    on_tx!(tx, |conn| {
        sqlx::query("delete from staff_session where org_id = $1 and staff_id = $2")
            .bind(org_id)
            .bind(staff_id)
            .execute(conn)
            .await
            .map(drop)
    })?;
    let deleted = on_tx!(tx, |conn| {
        sqlx::query("delete from staff where org_id = $1 and staff_id = $2")
            .bind(org_id)
            .bind(staff_id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })?;
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
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as(concat!(
            "update staff set password_hash = $3, status = 'active', updated_at = $5 ",
            "where org_id = $1 and staff_id = $2 and status = $4 ",
            "returning ",
            staff_columns!()
        ))
        .bind(org_id)
        .bind(staff_id)
        .bind(password_hash)
        .bind(from_status.as_str())
        .bind(now)
        .fetch_optional(conn)
        .await
    })?)
}

/// Sets own name, title and phone; `None` leaves a field as it is.
pub async fn update_staff_profile(
    db: &Db,
    org_id: OrgId,
    staff_id: StaffId,
    profile: [Option<&str>; 3],
    now: DateTime<Utc>,
) -> Result<Option<StaffMember>, IdentityError> {
    let [name, title, phone] = profile;
    Ok(on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "update staff set name = coalesce($3, name), title = coalesce($4, title), ",
            "phone = coalesce($5, phone), updated_at = $6 where org_id = $1 and staff_id = $2 ",
            "returning ",
            staff_columns!()
        ))
        .bind(org_id)
        .bind(staff_id)
        .bind(name)
        .bind(title)
        .bind(phone)
        .bind(now)
        .fetch_optional(pool)
        .await
    })?)
}
