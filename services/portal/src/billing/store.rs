//! The SQL of billing snapshots (read with the settings, see `settings::store`).

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::sql;

/// Keeps `document` as the customer's snapshot unless one of a later version is kept.
pub async fn put(
    db: &Db,
    (org_id, customer_id): (OrgId, CustomerId),
    version: i64,
    document: &str,
) -> Result<(), sqlx::Error> {
    sql!(db db, query(
        "insert into billing_snapshot (org_id, customer_id, version, document) \
         values ($1, $2, $3, $4) on conflict (org_id, customer_id) do update \
         set version = excluded.version, document = excluded.document \
         where billing_snapshot.version < excluded.version"
    ) [org_id, customer_id, version, document] execute)
    .map(drop)
}

/// An erased customer's snapshot goes with the rest of what the portal kept of them.
pub async fn forget(
    tx: &mut Tx,
    (org_id, customer_id): (OrgId, CustomerId),
) -> Result<(), sqlx::Error> {
    sql!(tx tx, query(
        "delete from billing_snapshot where org_id = $1 and customer_id = $2"
    ) [org_id, customer_id] execute)
    .map(drop)
}
