//! The SQL of in-app notifications; every statement is scoped to one recipient of one org.

use atrium_common::db::{Db, Tx, is_unique_violation};
use atrium_common::ids::OrgId;
use atrium_common::{on_db, on_tx};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::NotifierError;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRow {
    pub notification_id: Uuid,
    pub org_id: OrgId,
    pub recipient_kind: String,
    pub recipient_id: Uuid,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub idempotency_key: Option<String>,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The recipient every read and update is scoped to.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub org_id: OrgId,
    pub kind: &'a str,
    pub id: Uuid,
}

macro_rules! notification_columns {
    () => {
        "notification_id, org_id, recipient_kind, recipient_id, kind, title, body, link, \
         idempotency_key, read_at, created_at"
    };
}

/// Stores a notification; answers `false` when the org already has one with its key.
pub async fn insert(db: &Db, row: &NotificationRow) -> Result<bool, NotifierError> {
    let result = on_db!(db, |pool| {
        sqlx::query(concat!(
            "insert into notification (",
            notification_columns!(),
            ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(row.notification_id)
        .bind(row.org_id)
        .bind(&row.recipient_kind)
        .bind(row.recipient_id)
        .bind(&row.kind)
        .bind(&row.title)
        .bind(&row.body)
        .bind(&row.link)
        .bind(&row.idempotency_key)
        .bind(row.read_at)
        .bind(row.created_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
    });
    match result {
        Ok(_) => Ok(true),
        Err(err) if is_unique_violation(&err) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

pub async fn find_by_key(
    db: &Db,
    org_id: OrgId,
    key: &str,
) -> Result<Option<NotificationRow>, NotifierError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            notification_columns!(),
            " from notification where org_id = $1 and idempotency_key = $2"
        ))
        .bind(org_id)
        .bind(key)
        .fetch_optional(pool)
        .await
    })?)
}

/// One page of a recipient's notifications, newest first, after the keyset cursor.
pub async fn list(
    db: &Db,
    recipient: Recipient<'_>,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<NotificationRow>, NotifierError> {
    let (before_at, before_id) = before.unzip();
    Ok(on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            notification_columns!(),
            " from notification where org_id = $1 and recipient_kind = $2 and recipient_id = $3 \
             and ($4 is null or created_at < $4 or (created_at = $4 and notification_id < $5)) \
             order by created_at desc, notification_id desc limit $6"
        ))
        .bind(recipient.org_id)
        .bind(recipient.kind)
        .bind(recipient.id)
        .bind(before_at)
        .bind(before_id)
        .bind(limit)
        .fetch_all(pool)
        .await
    })?)
}

pub async fn unread_count(db: &Db, recipient: Recipient<'_>) -> Result<i64, NotifierError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_scalar(
            "select count(*) from notification where org_id = $1 and recipient_kind = $2 \
             and recipient_id = $3 and read_at is null",
        )
        .bind(recipient.org_id)
        .bind(recipient.kind)
        .bind(recipient.id)
        .fetch_one(pool)
        .await
    })?)
}

/// Marks one of the recipient's notifications read (keeping the first read time) and
/// answers it; `None` when it is not theirs.
pub async fn mark_read(
    db: &Db,
    recipient: Recipient<'_>,
    notification_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<NotificationRow>, NotifierError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "update notification set read_at = coalesce(read_at, $5) \
             where org_id = $1 and recipient_kind = $2 and recipient_id = $3 and notification_id = $4 \
             returning ",
            notification_columns!()
        ))
        .bind(recipient.org_id)
        .bind(recipient.kind)
        .bind(recipient.id)
        .bind(notification_id)
        .bind(now)
        .fetch_optional(pool)
        .await
    })?)
}

pub async fn mark_all_read(
    db: &Db,
    recipient: Recipient<'_>,
    now: DateTime<Utc>,
) -> Result<u64, NotifierError> {
    Ok(on_db!(db, |pool| {
        sqlx::query(
            "update notification set read_at = $4 where org_id = $1 and recipient_kind = $2 \
             and recipient_id = $3 and read_at is null",
        )
        .bind(recipient.org_id)
        .bind(recipient.kind)
        .bind(recipient.id)
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
    })?)
}

/// Deletes every notification of one customer (a GDPR erase).
pub async fn delete_of_customer(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: Uuid,
) -> Result<(), NotifierError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "delete from notification where org_id = $1 and recipient_kind = 'customer' \
             and recipient_id = $2",
        )
        .bind(org_id)
        .bind(customer_id)
        .execute(conn)
        .await
        .map(drop)
    })?;
    Ok(())
}
