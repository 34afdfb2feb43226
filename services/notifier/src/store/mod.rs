//! Every SQL statement of the notifier, one text for both backends (the delivery claim
//! has a PostgreSQL text with `for update skip locked` beside the portable one).

use atrium_common::db::{Db, Tx, is_unique_violation};
use atrium_common::ids::{EmailId, OrgId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::email::{Email, EmailStatus};
use crate::error::NotifierError;
use atrium_common::sql;

macro_rules! email_select {
    ($tail:literal) => {
        concat!(
            "select email_id, org_id, idempotency_key, template_key, locale, recipient_email, recipient_name, ",
            "variables, org_name, logo_url, sender_name, status, attempts, last_error, next_attempt_at, ",
            "claimed_until, sent_at, created_at, updated_at from email ",
            $tail
        )
    };
}

macro_rules! email_returning {
    () => {
        "email_id, org_id, idempotency_key, template_key, locale, recipient_email, recipient_name, \
         variables, org_name, logo_url, sender_name, status, attempts, last_error, next_attempt_at, \
         claimed_until, sent_at, created_at, updated_at"
    };
}

/// Stores a new message; answers `false` when the org already has one with this key.
pub async fn insert_email(db: &Db, row: &Email) -> Result<bool, NotifierError> {
    let result = sql!(db db, query(
        "insert into email (email_id, org_id, idempotency_key, template_key, locale, recipient_email, \
         recipient_name, variables, org_name, logo_url, sender_name, status, attempts, last_error, \
         next_attempt_at, claimed_until, sent_at, created_at, updated_at, recipient_folded) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
         $20)"
    ) [
        row.email_id, row.org_id, &row.idempotency_key, &row.template_key, &row.locale,
        &row.recipient_email, &row.recipient_name, &row.variables, &row.org_name, &row.logo_url,
        &row.sender_name, row.status.as_str(), row.attempts, &row.last_error, row.next_attempt_at,
        row.claimed_until, row.sent_at, row.created_at, row.updated_at,
        atrium_common::db::fold(&[&row.recipient_email]),
    ] execute);
    match result {
        Ok(_) => Ok(true),
        Err(err) if is_unique_violation(&err) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

pub async fn find_email_by_key(
    db: &Db,
    org_id: OrgId,
    key: &str,
) -> Result<Option<Email>, NotifierError> {
    Ok(sql!(db db, query_as(
        email_select!("where org_id = $1 and idempotency_key = $2")
    ) [org_id, key] fetch_optional)?)
}

pub async fn find_email(
    db: &Db,
    org_id: OrgId,
    email_id: EmailId,
) -> Result<Option<Email>, NotifierError> {
    Ok(sql!(db db, query_as(
        email_select!("where org_id = $1 and email_id = $2")
    ) [org_id, email_id] fetch_optional)?)
}

/// Mail as a queue: queued messages, the most overdue first.
pub static MAIL_QUEUE: atrium_common::lease::Queue = atrium_common::lease_queue! {
    what: "mail",
    table: "email",
    id: "email_id",
    waiting: "status = 'queued'",
    order: "next_attempt_at",
    set: ", updated_at = $1",
    returning: email_returning!(),
};

/// Records delivery and deletes the variables (they may hold links and tokens).
pub async fn mark_sent(
    db: &Db,
    email_id: EmailId,
    now: DateTime<Utc>,
) -> Result<(), NotifierError> {
    sql!(db db, query(
        "update email set status = 'sent', sent_at = $2, variables = null, claimed_until = null, \
         last_error = '', updated_at = $2 where email_id = $1"
    ) [email_id, now] execute)?;
    Ok(())
}

/// Puts a message back in the queue for `next_attempt_at`, remembering why it failed.
pub async fn reschedule(
    db: &Db,
    email_id: EmailId,
    error: &str,
    next_attempt_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), NotifierError> {
    sql!(db db, query(
        "update email set status = 'queued', last_error = $2, next_attempt_at = $3, claimed_until = null, \
         updated_at = $4 where email_id = $1"
    ) [email_id, error, next_attempt_at, now] execute)?;
    Ok(())
}

/// Ends a message's delivery with `status` (`failed`, or `held` when no SMTP is set).
pub async fn finish_unsent(
    db: &Db,
    email_id: EmailId,
    status: EmailStatus,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), NotifierError> {
    sql!(db db, query(
        "update email set status = $2, last_error = $3, claimed_until = null, updated_at = $4 where email_id = $1"
    ) [email_id, status.as_str(), error, now] execute)?;
    Ok(())
}

/// Queues a failed or held message of `org_id` again; answers it, or `None` if it is
/// not the org's or not failed/held.
pub async fn requeue(
    db: &Db,
    org_id: OrgId,
    email_id: EmailId,
    now: DateTime<Utc>,
) -> Result<Option<Email>, NotifierError> {
    Ok(sql!(db db, query_as(
        concat!(
            "update email set status = 'queued', next_attempt_at = $3, claimed_until = null, updated_at = $3 \
             where org_id = $1 and email_id = $2 and status in ('failed', 'held') and variables is not null \
             returning ",
            email_returning!()
        )
    ) [org_id, email_id, now] fetch_optional)?)
}

/// Moves every held message back to the queue (SMTP has been configured since).
pub async fn requeue_held(db: &Db, now: DateTime<Utc>) -> Result<u64, NotifierError> {
    Ok(sql!(db db, query(
        "update email set status = 'queued', next_attempt_at = $1, updated_at = $1 where status = 'held'"
    ) [now] execute)?)
}

/// One page of an org's outbox, newest first; `before` is the keyset cursor.
pub async fn list_emails(
    db: &Db,
    org_id: OrgId,
    status: Option<EmailStatus>,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<Email>, NotifierError> {
    let (before_at, before_id) = before.unzip();
    Ok(sql!(db db, query_as(
        email_select!(
            "where org_id = $1 and ($2 is null or status = $2) \
             and ($3 is null or created_at < $3 or (created_at = $3 and email_id < $4)) \
             order by created_at desc, email_id desc limit $5"
        )
    ) [org_id, status.map(EmailStatus::as_str), before_at, before_id, limit] fetch_all)?)
}

/// Deletes the unsent mail of the recipient whose folded address is `folded`.
pub async fn delete_unsent_to(
    tx: &mut Tx,
    org_id: OrgId,
    folded: &str,
) -> Result<(), NotifierError> {
    sql!(tx tx, query(
        "delete from email where org_id = $1 and recipient_folded = $2 and status <> 'sent'"
    ) [org_id, folded] execute)
    .map(drop)?;
    Ok(())
}

/// Blanks the address, name and variables of the mail sent to `folded`; the delivery
/// record stays.
pub async fn redact_sent_to(
    tx: &mut Tx,
    org_id: OrgId,
    folded: &str,
    now: DateTime<Utc>,
) -> Result<(), NotifierError> {
    sql!(tx tx, query(
        "update email set recipient_email = '', recipient_folded = '', recipient_name = '', \
         variables = null, updated_at = $3 where org_id = $1 and recipient_folded = $2"
    ) [org_id, folded, now] execute)
    .map(drop)?;
    Ok(())
}

/// Fills the folded address of mail written before it existed (migration 0003), in
/// batches; answers how many it filled.
pub async fn fill_recipient_folded(db: &Db) -> Result<u64, NotifierError> {
    let mut filled = 0;
    loop {
        let batch: Vec<(Uuid, String)> = sql!(db db, query_as(
            "select email_id, recipient_email from email where recipient_folded is null limit 500"
        ) [] fetch_all)?;
        if batch.is_empty() {
            return Ok(filled);
        }
        let mut tx = db.begin().await?;
        for (email_id, recipient) in &batch {
            sql!(tx &mut tx, query(
                "update email set recipient_folded = $2 where email_id = $1"
            ) [email_id, atrium_common::db::fold(&[recipient])] execute)
            .map(drop)?;
        }
        tx.commit().await?;
        filled += batch.len() as u64;
    }
}

mod templates;

pub use templates::{
    delete_template_override, find_template_override, list_template_overrides,
    upsert_template_override,
};
