//! Every SQL statement of identity, one text for both backends.

use atrium_common::db::{Db, Pools, Tx, ids_json, is_unique_violation};
use atrium_common::{on_db, on_tx};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::IdentityError;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganizationRow {
    pub organization_id: Uuid,
    pub slug: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffRow {
    pub staff_id: Uuid,
    pub org_id: Uuid,
    pub email: String,
    pub email_normalized: String,
    pub name: String,
    pub title: String,
    pub phone: String,
    pub role: String,
    pub status: String,
    pub password_hash: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

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

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffSessionRow {
    pub staff_session_id: Uuid,
    pub org_id: Uuid,
    pub staff_id: Uuid,
    pub ip: String,
    pub user_agent: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert_organization(tx: &mut Tx, row: &OrganizationRow) -> Result<(), IdentityError> {
    let result = on_tx!(tx, |conn| {
        sqlx::query(
            "insert into organization (organization_id, slug, name, created_at, updated_at) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(row.organization_id)
        .bind(&row.slug)
        .bind(&row.name)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    });
    match result {
        Ok(_) => Ok(()),
        Err(err) if is_unique_violation(&err) => Err(IdentityError::OrganizationExists),
        Err(err) => Err(err.into()),
    }
}

pub async fn find_organization_by_slug(
    db: &Db,
    slug: &str,
) -> Result<Option<OrganizationRow>, IdentityError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(
            "select organization_id, slug, name, created_at, updated_at from organization where slug = $1",
        )
        .bind(slug)
        .fetch_optional(pool)
        .await
    })?)
}

pub async fn find_organization(
    db: &Db,
    organization_id: Uuid,
) -> Result<Option<OrganizationRow>, IdentityError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(
            "select organization_id, slug, name, created_at, updated_at from organization \
             where organization_id = $1",
        )
        .bind(organization_id)
        .fetch_optional(pool)
        .await
    })?)
}

pub async fn insert_staff(tx: &mut Tx, row: &StaffRow) -> Result<(), IdentityError> {
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
        .bind(&row.role)
        .bind(&row.status)
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
    org_id: Uuid,
    email_normalized: &str,
) -> Result<Option<StaffRow>, IdentityError> {
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
    org_id: Uuid,
    staff_id: Uuid,
) -> Result<Option<StaffRow>, IdentityError> {
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
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<StaffRow>, IdentityError> {
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
pub async fn find_first_owner(db: &Db, org_id: Uuid) -> Result<Option<StaffRow>, IdentityError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(staff_select!(
            "where org_id = $1 and role = 'owner' order by created_at, staff_id limit 1"
        ))
        .bind(org_id)
        .fetch_optional(pool)
        .await
    })?)
}

pub async fn insert_staff_session(tx: &mut Tx, row: &StaffSessionRow) -> Result<(), IdentityError> {
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
    org_id: Uuid,
    session_id: Uuid,
) -> Result<Option<StaffSessionRow>, IdentityError> {
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
    org_id: Uuid,
    session_id: Uuid,
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
    org_id: Uuid,
    session_id: Uuid,
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

/// Takes the organization's row lock for the rest of `tx`, so staff changes of one org
/// (and the last-owner rule they check) run one at a time on both backends.
pub async fn lock_organization(tx: &mut Tx, org_id: Uuid) -> Result<(), IdentityError> {
    on_tx!(tx, |conn| {
        sqlx::query("update organization set updated_at = updated_at where organization_id = $1")
            .bind(org_id)
            .execute(conn)
            .await
            .map(drop)
    })?;
    Ok(())
}

/// Reads a staff member inside `tx` (after [`lock_organization`], the committed state).
pub async fn find_staff_in(
    tx: &mut Tx,
    org_id: Uuid,
    staff_id: Uuid,
) -> Result<Option<StaffRow>, IdentityError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as(staff_select!("where org_id = $1 and staff_id = $2"))
            .bind(org_id)
            .bind(staff_id)
            .fetch_optional(conn)
            .await
    })?)
}

pub async fn count_active_owners(tx: &mut Tx, org_id: Uuid) -> Result<i64, IdentityError> {
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
    org_id: Uuid,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<StaffRow>, IdentityError> {
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
    org_id: Uuid,
    staff_id: Uuid,
    role: &str,
    status: &str,
    now: DateTime<Utc>,
) -> Result<Option<StaffRow>, IdentityError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as(concat!(
            "update staff set role = $3, status = $4, updated_at = $5 where org_id = $1 and staff_id = $2 ",
            "returning ",
            staff_columns!()
        ))
        .bind(org_id)
        .bind(staff_id)
        .bind(role)
        .bind(status)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?)
}

/// Deletes a staff member with their sessions (their tokens go with the credential
/// core's `delete_all`); audit entries keep their id.
pub async fn delete_staff(
    tx: &mut Tx,
    org_id: Uuid,
    staff_id: Uuid,
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

/// Ends every live session of a staff member but `keep`.
pub async fn end_staff_sessions(
    tx: &mut Tx,
    org_id: Uuid,
    staff_id: Uuid,
    keep: Option<Uuid>,
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

/// Sets a staff member's password: an invited one becomes active; an active one stays so.
/// Anyone else (deactivated, removed) is `None`.
pub async fn set_staff_password(
    tx: &mut Tx,
    org_id: Uuid,
    staff_id: Uuid,
    password_hash: &str,
    from_status: &str,
    now: DateTime<Utc>,
) -> Result<Option<StaffRow>, IdentityError> {
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
        .bind(from_status)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?)
}

/// Sets own name, title and phone; `None` leaves a field as it is.
pub async fn update_staff_profile(
    db: &Db,
    org_id: Uuid,
    staff_id: Uuid,
    profile: [Option<&str>; 3],
    now: DateTime<Utc>,
) -> Result<Option<StaffRow>, IdentityError> {
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
