//! The SQL of per-customer permission overrides.

use atrium_common::db::Tx;
use atrium_common::ids::{CustomerId, OrgId};
use chrono::{DateTime, Utc};

use super::Overrides;
use atrium_common::sql;

use crate::error::PortalError;

/// Replaces a customer's overrides (none at all: the row goes).
pub(crate) async fn put_overrides(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
    o: &Overrides,
    now: DateTime<Utc>,
) -> Result<(), PortalError> {
    if *o == Overrides::default() {
        return delete_overrides(tx, org_id, customer_id).await;
    }
    Ok(sql!(tx tx, query(
        "insert into customer_permission (customer_id, org_id, can_view_invoices, \
         can_approve_work, can_add_comments, can_submit_requests, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7) on conflict (customer_id) do update set \
         can_view_invoices = excluded.can_view_invoices, \
         can_approve_work = excluded.can_approve_work, \
         can_add_comments = excluded.can_add_comments, \
         can_submit_requests = excluded.can_submit_requests, \
         updated_at = excluded.updated_at"
    ) [
        customer_id, org_id, o.can_view_invoices, o.can_approve_work, o.can_add_comments,
        o.can_submit_requests, now,
    ] execute)
    .map(drop)?)
}

async fn delete_overrides(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
) -> Result<(), PortalError> {
    Ok(sql!(tx tx, query(
        "delete from customer_permission where org_id = $1 and customer_id = $2"
    ) [org_id, customer_id] execute)
    .map(drop)?)
}
