//! The SQL of in-app notifications; every statement is scoped to one recipient of one org.

use atrium_common::db::{Db, Tx, is_unique_violation};
use atrium_common::ids::{NotificationId, OrgId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Notification;
use crate::error::NotifierError;
use atrium_common::sql;

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
         idempotency_key, params, read_at, created_at"
    };
}

/// Stores a notification; answers `false` when the org already has one with its key.
pub async fn insert(db: &Db, row: &Notification) -> Result<bool, NotifierError> {
    let result = sql!(db db, query(
        concat!(
            "insert into notification (",
            notification_columns!(),
            ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        )
    ) [
        row.notification_id, row.org_id, &row.recipient_kind, row.recipient_id, &row.kind,
        &row.title, &row.body, &row.link, &row.idempotency_key, &row.params, row.read_at,
        row.created_at,
    ] execute);
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
) -> Result<Option<Notification>, NotifierError> {
    Ok(sql!(db db, query_as(
        concat!(
            "select ",
            notification_columns!(),
            " from notification where org_id = $1 and idempotency_key = $2"
        )
    ) [org_id, key] fetch_optional)?)
}

/// One page of a recipient's notifications, newest first, after the keyset cursor.
pub async fn list(
    db: &Db,
    recipient: Recipient<'_>,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<Notification>, NotifierError> {
    let (before_at, before_id) = before.unzip();
    Ok(sql!(db db, query_as(
        concat!(
            "select ",
            notification_columns!(),
            " from notification where org_id = $1 and recipient_kind = $2 and recipient_id = $3 \
             and ($4 is null or created_at < $4 or (created_at = $4 and notification_id < $5)) \
             order by created_at desc, notification_id desc limit $6"
        )
    ) [recipient.org_id, recipient.kind, recipient.id, before_at, before_id, limit] fetch_all)?)
}

pub async fn unread_count(db: &Db, recipient: Recipient<'_>) -> Result<i64, NotifierError> {
    Ok(sql!(db db, query_scalar(
        "select count(*) from notification where org_id = $1 and recipient_kind = $2 \
         and recipient_id = $3 and read_at is null"
    ) [recipient.org_id, recipient.kind, recipient.id] fetch_one)?)
}

/// Marks one of the recipient's notifications read (keeping the first read time) and
/// answers it; `None` when it is not theirs.
pub async fn mark_read(
    db: &Db,
    recipient: Recipient<'_>,
    notification_id: NotificationId,
    now: DateTime<Utc>,
) -> Result<Option<Notification>, NotifierError> {
    Ok(sql!(db db, query_as(
        concat!(
            "update notification set read_at = coalesce(read_at, $5) \
             where org_id = $1 and recipient_kind = $2 and recipient_id = $3 and notification_id = $4 \
             returning ",
            notification_columns!()
        )
    ) [recipient.org_id, recipient.kind, recipient.id, notification_id, now] fetch_optional)?)
}

pub async fn mark_all_read(
    db: &Db,
    recipient: Recipient<'_>,
    now: DateTime<Utc>,
) -> Result<u64, NotifierError> {
    Ok(sql!(db db, query(
        "update notification set read_at = $4 where org_id = $1 and recipient_kind = $2 \
         and recipient_id = $3 and read_at is null"
    ) [recipient.org_id, recipient.kind, recipient.id, now] execute)?)
}

/// Deletes every notification of one customer (a GDPR erase).
pub async fn delete_of_customer(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: Uuid,
) -> Result<(), NotifierError> {
    sql!(tx tx, query(
        "delete from notification where org_id = $1 and recipient_kind = 'customer' \
         and recipient_id = $2"
    ) [org_id, customer_id] execute)
    .map(drop)?;
    Ok(())
}
