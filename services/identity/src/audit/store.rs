//! The SQL of the audit trail.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::OrgId;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{AuditEntry, AuditFilter};
use crate::error::IdentityError;
use atrium_common::sql;

pub async fn insert(tx: &mut Tx, row: &AuditEntry) -> Result<(), IdentityError> {
    sql!(tx tx, query(
        "insert into audit_entry (audit_id, org_id, at, actor_kind, actor_id, action, subject_kind, \
         subject_id, ip) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (audit_id) do nothing"
    ) [
        row.audit_id, row.org_id, row.at, &row.actor_kind, &row.actor_id, &row.action,
        &row.subject_kind, &row.subject_id, &row.ip,
    ] execute).map(drop)?;
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
    Ok(sql!(db db, query_as(
        "select audit_id, org_id, at, actor_kind, actor_id, action, subject_kind, subject_id, ip \
         from audit_entry where org_id = $1 and ($2 is null or actor_id = $2) \
         and ($3 is null or action = $3) and ($4 is null or at >= $4) and ($5 is null or at < $5) \
         and ($6 is null or at < $6 or (at = $6 and audit_id < $7)) \
         order by at desc, audit_id desc limit $8"
    ) [
        org_id, &filter.actor_id, &filter.action, filter.from, filter.to, before_at, before_id,
        limit,
    ] fetch_all)?)
}

/// Blanks the client address of the org's entries made by any of `actors`.
pub async fn clear_ip_of(
    tx: &mut Tx,
    org_id: OrgId,
    actors: &[String],
) -> Result<(), IdentityError> {
    for actor in actors {
        sql!(tx tx, query(
            "update audit_entry set ip = '' where org_id = $1 and actor_id = $2"
        ) [org_id, actor] execute)
        .map(drop)?;
    }
    Ok(())
}
