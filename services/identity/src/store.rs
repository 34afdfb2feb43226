//! Every SQL statement of identity, one text for both backends.

use atrium_common::db::{Db, Tx, is_unique_violation};
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
macro_rules! staff_select {
    ($tail:literal) => {
        concat!(
            "select staff_id, org_id, email, email_normalized, name, title, phone, role, status, ",
            "password_hash, created_at, updated_at from staff ",
            $tail
        )
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

pub async fn insert_staff_session(db: &Db, row: &StaffSessionRow) -> Result<(), IdentityError> {
    on_db!(db, |pool| {
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
    db: &Db,
    org_id: Uuid,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    on_db!(db, |pool| {
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
