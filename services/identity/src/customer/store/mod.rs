//! The SQL of customers. Every statement names the organization.

use atrium_common::db::{Db, Pools, Tx, ids_json, is_unique_violation};
use atrium_common::ids::{CustomerId, OrgId, StaffId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Customer, CustomerStatus};
use crate::error::IdentityError;
use atrium_common::sql;

macro_rules! customer_columns {
    () => {
        "customer_id, org_id, email, email_normalized, name, company, phone, address, locale, \
         status, password_hash, epoch, created_at, updated_at, account_manager_id"
    };
}

/// The lock-out transitions, each one conditional statement on the org's customer.
#[derive(Debug, Clone, Copy)]
pub enum Transition {
    /// active or invited → deactivated; every session ends.
    Deactivate,
    /// deactivated → active (or invited again if no password was ever set).
    Reactivate,
    /// active stays active; every session ends.
    EndSessions,
}

/// A partial profile update: `None` leaves a column as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfilePatch {
    pub email: Option<(String, String)>,
    pub name: Option<String>,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub locale: Option<String>,
    /// `Some(None)` clears the account manager.
    pub account_manager: Option<Option<StaffId>>,
}

/// Stores a new customer; `Ok(false)` when the org already has one with this email.
pub async fn insert_customer(tx: &mut Tx, row: &Customer) -> Result<bool, IdentityError> {
    let result = sql!(tx tx, query(
        concat!(
            "insert into customer (",
            customer_columns!(),
            ", search_text) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             $15, $16)"
        )
    ) [
        row.customer_id, row.org_id, &row.email, &row.email_normalized, &row.name, &row.company,
        &row.phone, &row.address, &row.locale, row.status.as_str(), &row.password_hash,
        row.epoch, row.created_at, row.updated_at, row.account_manager_id, search_text(row),
    ] execute);
    match result {
        Ok(_) => Ok(true),
        Err(err) if is_unique_violation(&err) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

pub async fn find_customer_by_email(
    db: &Db,
    org_id: OrgId,
    email_normalized: &str,
) -> Result<Option<Customer>, IdentityError> {
    Ok(sql!(db db, query_as(
        concat!(
            "select ",
            customer_columns!(),
            " from customer where org_id = $1 and email_normalized = $2"
        )
    ) [org_id, email_normalized] fetch_optional)?)
}

pub async fn find_customer(
    db: &Db,
    org_id: OrgId,
    customer_id: CustomerId,
) -> Result<Option<Customer>, IdentityError> {
    Ok(sql!(db db, query_as(
        concat!(
            "select ",
            customer_columns!(),
            " from customer where org_id = $1 and customer_id = $2"
        )
    ) [org_id, customer_id] fetch_optional)?)
}

/// The org's customers among `ids`, in no particular order: one statement for the set.
pub async fn find_customers(
    db: &Db,
    org_id: OrgId,
    ids: &[CustomerId],
) -> Result<Vec<Customer>, IdentityError> {
    Ok(match db.pool() {
        Pools::Postgres(pool) => {
            sqlx::query_as(concat!(
                "select ",
                customer_columns!(),
                " from customer where org_id = $1 and customer_id = any($2)"
            ))
            .bind(org_id)
            .bind(ids)
            .fetch_all(pool)
            .await?
        }
        Pools::Sqlite(pool) => {
            sqlx::query_as(concat!(
                "select ",
                customer_columns!(),
                " from customer where org_id = $1 and customer_id in \
                 (select unhex(replace(value, '-', '')) from json_each($2))"
            ))
            .bind(org_id)
            .bind(ids_json(ids))
            .fetch_all(pool)
            .await?
        }
    })
}

/// Sets the password of an invited customer and activates them; `None` unless invited.
pub async fn activate_customer(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Customer>, IdentityError> {
    Ok(sql!(tx tx, query_as(
        concat!(
            "update customer set status = 'active', password_hash = $3, updated_at = $4 \
             where org_id = $1 and customer_id = $2 and status = 'invited' returning ",
            customer_columns!()
        )
    ) [org_id, customer_id, password_hash, now] fetch_optional)?)
}

/// A customer without an account becomes invited (their invitation is written in the same
/// transaction); `None` unless they had no account.
pub async fn mark_invited(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
    now: DateTime<Utc>,
) -> Result<Option<Customer>, IdentityError> {
    Ok(sql!(tx tx, query_as(
        concat!(
            "update customer set status = 'invited', updated_at = $3 \
             where org_id = $1 and customer_id = $2 and status = 'no_account' returning ",
            customer_columns!()
        )
    ) [org_id, customer_id, now] fetch_optional)?)
}

/// Sets a new password and bumps the epoch (every session ends) of an active customer.
pub async fn reset_password(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Customer>, IdentityError> {
    Ok(sql!(tx tx, query_as(
        concat!(
            "update customer set password_hash = $3, epoch = epoch + 1, updated_at = $4 \
             where org_id = $1 and customer_id = $2 and status = 'active' returning ",
            customer_columns!()
        )
    ) [org_id, customer_id, password_hash, now] fetch_optional)?)
}

/// Applies `transition`; `None` when the customer is not the org's or not in a state the
/// transition starts from.
pub async fn transition(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
    transition: Transition,
    now: DateTime<Utc>,
) -> Result<Option<Customer>, IdentityError> {
    macro_rules! run {
        ($sql:literal) => {
            sql!(tx tx, query_as(
                concat!($sql, " returning ", customer_columns!())
            ) [org_id, customer_id, now] fetch_optional)
        };
    }
    let row = match transition {
        Transition::Deactivate => run!(
            "update customer set status = 'deactivated', epoch = epoch + 1, updated_at = $3 \
             where org_id = $1 and customer_id = $2 \
             and status in ('active', 'invited', 'no_account')"
        ),
        Transition::Reactivate => run!(
            // Back to where they were: active with a password, invited if they ever were,
            // else without an account.
            "update customer set status = case when password_hash is not null then 'active' \
             when exists (select 1 from customer_invitation i where i.org_id = customer.org_id \
             and i.customer_id = customer.customer_id) then 'invited' else 'no_account' end, \
             updated_at = $3 where org_id = $1 and customer_id = $2 and status = 'deactivated'"
        ),
        Transition::EndSessions => run!(
            "update customer set epoch = epoch + 1, updated_at = $3 \
             where org_id = $1 and customer_id = $2 and status = 'active'"
        ),
    }?;
    Ok(row)
}

/// One page of an org's customers, newest first, filtered by a case-insensitive substring
/// of email, name or company and by status.
pub async fn list_customers(
    db: &Db,
    org_id: OrgId,
    q: Option<&str>,
    status: Option<CustomerStatus>,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<Customer>, IdentityError> {
    let pattern = q.map(atrium_common::db::like_pattern);
    let (before_at, before_id) = before.unzip();
    Ok(sql!(db db, query_as(
        concat!(
            "select ",
            customer_columns!(),
            " from customer where org_id = $1 and status <> 'erased' \
             and ($2 is null or search_text like $2 escape '\\') \
             and ($3 is null or status = $3) \
             and ($4 is null or created_at < $4 or (created_at = $4 and customer_id < $5)) \
             order by created_at desc, customer_id desc limit $6"
        )
    ) [
        org_id, &pattern, status.map(CustomerStatus::as_str), before_at, before_id, limit,
    ] fetch_all)?)
}

/// Applies a patch to one of the org's (not erased) customers; `Err(CustomerExists)` when
/// the new email is taken, `Ok(None)` when there is no such customer.
pub async fn update_profile(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
    patch: &ProfilePatch,
    now: DateTime<Utc>,
) -> Result<Option<Customer>, IdentityError> {
    let (email, email_normalized) = patch.email.clone().unzip();
    let result = sql!(tx tx, query_as(
        concat!(
            "update customer set email = coalesce($3, email), email_normalized = coalesce($4, email_normalized), \
             name = coalesce($5, name), company = coalesce($6, company), phone = coalesce($7, phone), \
             address = coalesce($8, address), locale = coalesce($9, locale), updated_at = $10, \
             account_manager_id = case when $11 then $12 else account_manager_id end \
             where org_id = $1 and customer_id = $2 and status <> 'erased' returning ",
            customer_columns!()
        )
    ) [
        org_id, customer_id, email, email_normalized, &patch.name, &patch.company, &patch.phone,
        &patch.address, &patch.locale, now, patch.account_manager.is_some(),
        patch.account_manager.flatten(),
    ] fetch_optional);
    let row: Option<Customer> = match result {
        Ok(row) => row,
        Err(err) if is_unique_violation(&err) => return Err(IdentityError::CustomerExists),
        Err(err) => return Err(err.into()),
    };
    if let Some(row) = &row {
        set_search_text(tx, row).await?;
    }
    Ok(row)
}
/// What a staff search of customers matches, folded for any script.
fn search_text(row: &Customer) -> String {
    atrium_common::db::fold(&[&row.email_normalized, &row.name, &row.company])
}

async fn set_search_text(tx: &mut Tx, row: &Customer) -> Result<(), IdentityError> {
    sql!(tx tx, query(
        "update customer set search_text = $3 where org_id = $1 and customer_id = $2"
    ) [row.org_id, row.customer_id, search_text(row)] execute)
    .map(drop)?;
    Ok(())
}

/// Fills the search text of customers written before it existed (migration 0007), in
/// batches; answers how many it filled.
pub async fn fill_search_text(db: &Db) -> Result<u64, IdentityError> {
    let mut filled = 0;
    loop {
        let batch: Vec<Customer> = sql!(db db, query_as(
            concat!(
                "select ",
                customer_columns!(),
                " from customer where search_text is null limit 500"
            )
        ) [] fetch_all)?;
        if batch.is_empty() {
            return Ok(filled);
        }
        let mut tx = db.begin().await?;
        for row in &batch {
            set_search_text(&mut tx, row).await?;
        }
        tx.commit().await?;
        filled += batch.len() as u64;
    }
}

mod erasure;

pub use erasure::erase_customer;
