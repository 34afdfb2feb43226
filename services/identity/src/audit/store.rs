//! The SQL of the audit trail.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::OrgId;
use atrium_common::{on_db, on_tx};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{AuditEntry, AuditFilter};
use crate::error::IdentityError;

pub async fn insert(tx: &mut Tx, row: &AuditEntry) -> Result<(), IdentityError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "insert into audit_entry (audit_id, org_id, at, actor_kind, actor_id, action, subject_kind, \
             subject_id, ip) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (audit_id) do nothing",
        )
        .bind(row.audit_id)
        .bind(row.org_id)
        .bind(row.at)
        .bind(&row.actor_kind)
        .bind(&row.actor_id)
        .bind(&row.action)
        .bind(&row.subject_kind)
        .bind(&row.subject_id)
        .bind(&row.ip)
        .execute(conn)
        .await
        .map(drop)
    })?;
    Ok(())
}

/// One page of the org's entries matching `filter`, newest first, after `before`.
pub async fn page(
    db: &Db,
    org_id: OrgId,
    filter: &AuditFilter,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<AuditEntry>, IdentityError> {
    let (before_at, before_id) = before.unzip();
    Ok(on_db!(db, |pool| {
        sqlx::query_as(
            "select audit_id, org_id, at, actor_kind, actor_id, action, subject_kind, subject_id, ip \
             from audit_entry where org_id = $1 and ($2 is null or actor_id = $2) \
             and ($3 is null or action = $3) and ($4 is null or at >= $4) and ($5 is null or at < $5) \
             and ($6 is null or at < $6 or (at = $6 and audit_id < $7)) \
             order by at desc, audit_id desc limit $8",
        )
        .bind(org_id)
        .bind(&filter.actor_id)
        .bind(&filter.action)
        .bind(filter.from)
        .bind(filter.to)
        .bind(before_at)
        .bind(before_id)
        .bind(limit)
        .fetch_all(pool)
        .await
    })?)
}

/// Blanks the client address of the org's entries made by any of `actors`.
pub async fn clear_ip_of(
    tx: &mut Tx,
    org_id: OrgId,
    actors: &[String],
) -> Result<(), IdentityError> {
    for actor in actors {
        on_tx!(tx, |conn| {
            sqlx::query("update audit_entry set ip = '' where org_id = $1 and actor_id = $2")
                .bind(org_id)
                .bind(actor)
                .execute(conn)
                .await
                .map(drop)
        })?;
    }
    Ok(())
}
