//! The SQL of customers, their invitations and sessions. Every statement names the org,
//! except the lookups by token hash (the hash is the capability; the row names its org).

use atrium_common::db::{Db, Pools, Tx, ids_json, is_unique_violation};
use atrium_common::{on_db, on_tx};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::IdentityError;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CustomerRow {
    pub customer_id: Uuid,
    pub org_id: Uuid,
    pub email: String,
    pub email_normalized: String,
    pub name: String,
    pub company: String,
    pub phone: String,
    pub address: String,
    pub locale: String,
    pub status: String,
    pub password_hash: Option<String>,
    pub epoch: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// One of the organization's staff, shown on the customer's dashboard.
    pub account_manager_id: Option<Uuid>,
}

macro_rules! customer_columns {
    () => {
        "customer_id, org_id, email, email_normalized, name, company, phone, address, locale, \
         status, password_hash, epoch, created_at, updated_at, account_manager_id"
    };
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationRow {
    pub invitation_id: Uuid,
    pub org_id: Uuid,
    pub customer_id: Uuid,
    pub status: String,
    pub expires_at: DateTime<Utc>,
    pub invited_by: Option<Uuid>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! invitation_columns {
    () => {
        "invitation_id, org_id, customer_id, status, expires_at, invited_by, accepted_at, \
         created_at, updated_at"
    };
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CustomerSessionRow {
    pub customer_session_id: Uuid,
    pub org_id: Uuid,
    pub customer_id: Uuid,
    pub token_hash: Vec<u8>,
    pub epoch: i64,
    pub ip: String,
    pub user_agent: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

macro_rules! session_columns {
    () => {
        "customer_session_id, org_id, customer_id, token_hash, epoch, ip, user_agent, \
         last_seen_at, expires_at, ended_at, created_at"
    };
}

/// Stores a new customer; `Ok(false)` when the org already has one with this email.
pub async fn insert_customer(tx: &mut Tx, row: &CustomerRow) -> Result<bool, IdentityError> {
    let result = on_tx!(tx, |conn| {
        sqlx::query(concat!(
            "insert into customer (",
            customer_columns!(),
            ", search_text) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             $15, $16)"
        ))
        .bind(row.customer_id)
        .bind(row.org_id)
        .bind(&row.email)
        .bind(&row.email_normalized)
        .bind(&row.name)
        .bind(&row.company)
        .bind(&row.phone)
        .bind(&row.address)
        .bind(&row.locale)
        .bind(&row.status)
        .bind(&row.password_hash)
        .bind(row.epoch)
        .bind(row.created_at)
        .bind(row.updated_at)
        .bind(row.account_manager_id)
        .bind(search_text(row))
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    });
    match result {
        Ok(_) => Ok(true),
        Err(err) if is_unique_violation(&err) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

pub async fn find_customer_by_email(
    db: &Db,
    org_id: Uuid,
    email_normalized: &str,
) -> Result<Option<CustomerRow>, IdentityError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            customer_columns!(),
            " from customer where org_id = $1 and email_normalized = $2"
        ))
        .bind(org_id)
        .bind(email_normalized)
        .fetch_optional(pool)
        .await
    })?)
}

pub async fn find_customer(
    db: &Db,
    org_id: Uuid,
    customer_id: Uuid,
) -> Result<Option<CustomerRow>, IdentityError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            customer_columns!(),
            " from customer where org_id = $1 and customer_id = $2"
        ))
        .bind(org_id)
        .bind(customer_id)
        .fetch_optional(pool)
        .await
    })?)
}

/// The org's customers among `ids`, in no particular order: one statement for the set.
pub async fn find_customers(
    db: &Db,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<CustomerRow>, IdentityError> {
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
    org_id: Uuid,
    customer_id: Uuid,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<CustomerRow>, IdentityError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as(concat!(
            "update customer set status = 'active', password_hash = $3, updated_at = $4 \
             where org_id = $1 and customer_id = $2 and status = 'invited' returning ",
            customer_columns!()
        ))
        .bind(org_id)
        .bind(customer_id)
        .bind(password_hash)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?)
}

pub async fn insert_invitation(tx: &mut Tx, row: &InvitationRow) -> Result<(), IdentityError> {
    on_tx!(tx, |conn| {
        sqlx::query(concat!(
            "insert into customer_invitation (",
            invitation_columns!(),
            ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(row.invitation_id)
        .bind(row.org_id)
        .bind(row.customer_id)
        .bind(&row.status)
        .bind(row.expires_at)
        .bind(row.invited_by)
        .bind(row.accepted_at)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(())
}

/// The customer's pending invitation, if any (expired ones included: resend revives them).
pub async fn find_pending_invitation(
    db: &Db,
    org_id: Uuid,
    customer_id: Uuid,
) -> Result<Option<InvitationRow>, IdentityError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            invitation_columns!(),
            " from customer_invitation where org_id = $1 and customer_id = $2 and status = 'pending'"
        ))
        .bind(org_id)
        .bind(customer_id)
        .fetch_optional(pool)
        .await
    })?)
}

/// Marks the customer's pending invitation accepted (its token was just used).
pub async fn accept_invitation(
    tx: &mut Tx,
    org_id: Uuid,
    customer_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<InvitationRow>, IdentityError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as(concat!(
            "update customer_invitation set status = 'accepted', accepted_at = $3, updated_at = $3 \
             where org_id = $1 and customer_id = $2 and status = 'pending' returning ",
            invitation_columns!()
        ))
        .bind(org_id)
        .bind(customer_id)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?)
}

pub async fn insert_session(tx: &mut Tx, row: &CustomerSessionRow) -> Result<(), IdentityError> {
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
) -> Result<Option<CustomerSessionRow>, IdentityError> {
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
    org_id: Uuid,
    session_id: Uuid,
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

/// Sets a new password and bumps the epoch (every session ends) of an active customer.
pub async fn reset_password(
    tx: &mut Tx,
    org_id: Uuid,
    customer_id: Uuid,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<CustomerRow>, IdentityError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as(concat!(
            "update customer set password_hash = $3, epoch = epoch + 1, updated_at = $4 \
             where org_id = $1 and customer_id = $2 and status = 'active' returning ",
            customer_columns!()
        ))
        .bind(org_id)
        .bind(customer_id)
        .bind(password_hash)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?)
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

/// Applies `transition`; `None` when the customer is not the org's or not in a state the
/// transition starts from.
pub async fn transition(
    tx: &mut Tx,
    org_id: Uuid,
    customer_id: Uuid,
    transition: Transition,
    now: DateTime<Utc>,
) -> Result<Option<CustomerRow>, IdentityError> {
    macro_rules! run {
        ($sql:literal) => {
            on_tx!(tx, |conn| {
                sqlx::query_as(concat!($sql, " returning ", customer_columns!()))
                    .bind(org_id)
                    .bind(customer_id)
                    .bind(now)
                    .fetch_optional(conn)
                    .await
            })
        };
    }
    let row = match transition {
        Transition::Deactivate => run!(
            "update customer set status = 'deactivated', epoch = epoch + 1, updated_at = $3 \
             where org_id = $1 and customer_id = $2 and status in ('active', 'invited')"
        ),
        Transition::Reactivate => run!(
            "update customer set status = case when password_hash is null then 'invited' else 'active' end, \
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
    org_id: Uuid,
    q: Option<&str>,
    status: Option<&str>,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<CustomerRow>, IdentityError> {
    let pattern = q.map(atrium_common::db::like_pattern);
    let (before_at, before_id) = before.unzip();
    Ok(on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            customer_columns!(),
            " from customer where org_id = $1 and status <> 'erased' \
             and ($2 is null or search_text like $2 escape '\\') \
             and ($3 is null or status = $3) \
             and ($4 is null or created_at < $4 or (created_at = $4 and customer_id < $5)) \
             order by created_at desc, customer_id desc limit $6"
        ))
        .bind(org_id)
        .bind(&pattern)
        .bind(status)
        .bind(before_at)
        .bind(before_id)
        .bind(limit)
        .fetch_all(pool)
        .await
    })?)
}

/// A pending invitation with its customer's email, for the staff list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingInvitationRow {
    pub invitation_id: Uuid,
    pub customer_id: Uuid,
    pub email: String,
    pub status: String,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

macro_rules! pending_select {
    ($tail:literal) => {
        concat!(
            "select i.invitation_id, i.customer_id, c.email, i.status, i.expires_at, i.created_at \
             from customer_invitation i join customer c on c.customer_id = i.customer_id and c.org_id = i.org_id ",
            $tail
        )
    };
}

/// One page of an org's pending invitations, newest first.
pub async fn list_pending_invitations(
    db: &Db,
    org_id: Uuid,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<PendingInvitationRow>, IdentityError> {
    let (before_at, before_id) = before.unzip();
    Ok(on_db!(db, |pool| {
        sqlx::query_as(pending_select!(
            "where i.org_id = $1 and i.status = 'pending' \
             and ($2 is null or i.created_at < $2 or (i.created_at = $2 and i.invitation_id < $3)) \
             order by i.created_at desc, i.invitation_id desc limit $4"
        ))
        .bind(org_id)
        .bind(before_at)
        .bind(before_id)
        .bind(limit)
        .fetch_all(pool)
        .await
    })?)
}

/// Gives a pending invitation a new expiry (its new token's).
pub async fn renew_invitation(
    tx: &mut Tx,
    org_id: Uuid,
    invitation_id: Uuid,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<InvitationRow>, IdentityError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as(concat!(
            "update customer_invitation set expires_at = $3, updated_at = $4 \
             where org_id = $1 and invitation_id = $2 and status = 'pending' returning ",
            invitation_columns!()
        ))
        .bind(org_id)
        .bind(invitation_id)
        .bind(expires_at)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?)
}

/// Cancels a pending invitation; answers its customer if there was one.
pub async fn cancel_invitation(
    tx: &mut Tx,
    org_id: Uuid,
    invitation_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, IdentityError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "update customer_invitation set status = 'cancelled', updated_at = $3 \
             where org_id = $1 and invitation_id = $2 and status = 'pending' returning customer_id",
        )
        .bind(org_id)
        .bind(invitation_id)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?)
}

/// A customer's live sessions (not ended, not past either lifetime, of the current epoch),
/// newest first.
pub async fn list_live_sessions(
    db: &Db,
    customer: &CustomerRow,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<Vec<CustomerSessionRow>, IdentityError> {
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
    org_id: Uuid,
    customer_id: Uuid,
    session_id: Uuid,
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
    pub account_manager: Option<Option<Uuid>>,
}

/// Applies a patch to one of the org's (not erased) customers; `Err(CustomerExists)` when
/// the new email is taken, `Ok(None)` when there is no such customer.
pub async fn update_profile(
    tx: &mut Tx,
    org_id: Uuid,
    customer_id: Uuid,
    patch: &ProfilePatch,
    now: DateTime<Utc>,
) -> Result<Option<CustomerRow>, IdentityError> {
    let (email, email_normalized) = patch.email.clone().unzip();
    let result = on_tx!(tx, |pool| {
        sqlx::query_as(concat!(
            "update customer set email = coalesce($3, email), email_normalized = coalesce($4, email_normalized), \
             name = coalesce($5, name), company = coalesce($6, company), phone = coalesce($7, phone), \
             address = coalesce($8, address), locale = coalesce($9, locale), updated_at = $10, \
             account_manager_id = case when $11 then $12 else account_manager_id end \
             where org_id = $1 and customer_id = $2 and status <> 'erased' returning ",
            customer_columns!()
        ))
        .bind(org_id)
        .bind(customer_id)
        .bind(email)
        .bind(email_normalized)
        .bind(&patch.name)
        .bind(&patch.company)
        .bind(&patch.phone)
        .bind(&patch.address)
        .bind(&patch.locale)
        .bind(now)
        .bind(patch.account_manager.is_some())
        .bind(patch.account_manager.flatten())
        .fetch_optional(pool)
        .await
    });
    let row: Option<CustomerRow> = match result {
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
fn search_text(row: &CustomerRow) -> String {
    atrium_common::db::fold(&[&row.email_normalized, &row.name, &row.company])
}

async fn set_search_text(tx: &mut Tx, row: &CustomerRow) -> Result<(), IdentityError> {
    on_tx!(tx, |conn| {
        sqlx::query("update customer set search_text = $3 where org_id = $1 and customer_id = $2")
            .bind(row.org_id)
            .bind(row.customer_id)
            .bind(search_text(row))
            .execute(conn)
            .await
            .map(drop)
    })?;
    Ok(())
}

/// Fills the search text of customers written before it existed (migration 0007), in
/// batches; answers how many it filled.
pub async fn fill_search_text(db: &Db) -> Result<u64, IdentityError> {
    let mut filled = 0;
    loop {
        let batch: Vec<CustomerRow> = on_db!(db, |pool| {
            sqlx::query_as(concat!(
                "select ",
                customer_columns!(),
                " from customer where search_text is null limit 500"
            ))
            .fetch_all(pool)
            .await
        })?;
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

/// Erases a customer: the profile is blanked, the email freed (the normalised column takes
/// a placeholder only this row can have), the password gone and the epoch moved; their
/// sessions and invitations are deleted (their tokens go with the credential core's
/// `delete_all`). Answers the row as it was.
pub async fn erase_customer(
    tx: &mut Tx,
    org_id: Uuid,
    customer_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<CustomerRow>, IdentityError> {
    let before: Option<CustomerRow> = on_tx!(tx, |conn| {
        sqlx::query_as(concat!(
            "select ",
            customer_columns!(),
            " from customer where org_id = $1 and customer_id = $2 and status <> 'erased'"
        ))
        .bind(org_id)
        .bind(customer_id)
        .fetch_optional(conn)
        .await
    })?;
    if before.is_none() {
        return Ok(None);
    }
    on_tx!(tx, |conn| {
        sqlx::query(
            "update customer set email = '', email_normalized = $3, name = '', company = '', phone = '', \
             address = '', search_text = '', status = 'erased', password_hash = null, epoch = epoch + 1, updated_at = $4 \
             where org_id = $1 and customer_id = $2",
        )
        .bind(org_id)
        .bind(customer_id)
        .bind(format!("erased:{customer_id}"))
        .bind(now)
        .execute(conn)
        .await
        .map(drop)
    })?;
    for sql in [
        "delete from customer_session where org_id = $1 and customer_id = $2",
        "delete from customer_invitation where org_id = $1 and customer_id = $2",
    ] {
        on_tx!(tx, |conn| {
            sqlx::query(sql)
                .bind(org_id)
                .bind(customer_id)
                .execute(conn)
                .await
                .map(drop)
        })?;
    }
    Ok(before)
}
