//! The customer dashboard's billing section, kept in the portal: every transaction that
//! changes a customer's invoices, quotes or ledger ends by writing the customer's
//! snapshot (open invoices' due dates, sent quotes' valid_until, the balances) into the
//! outbox under a version taken in that transaction, and the relay puts it into the
//! portal, which counts overdue invoices and unexpired quotes when the dashboard reads.
//! So the hot path asks no service, and what the dashboard shows follows each change as
//! soon as the relay delivers it.

mod store;

use atrium_common::db::Tx;
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::outbox;
use atrium_proto::billing::v1 as pb;
use atrium_proto::portal::v1 as portal;
use chrono::{DateTime, Utc};

/// Writes the customer's snapshot as this transaction leaves it into its outbox. Call it
/// once the transaction's changes are made: the version row it bumps first makes a
/// concurrent change for the same customer wait, so the later version sees both.
pub async fn publish(
    tx: &mut Tx,
    (org_id, customer_id): (OrgId, CustomerId),
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let version = store::next_version(tx, (org_id, customer_id)).await?;
    let snapshot = store::snapshot(tx, (org_id, customer_id)).await?;
    let request = portal::PutBillingSnapshotRequest {
        org_id: org_id.to_string(),
        customer_id: customer_id.to_string(),
        version,
        open_invoice_due_dates: snapshot.due.iter().map(ToString::to_string).collect(),
        open_quote_valid_until: snapshot.valid.iter().map(ToString::to_string).collect(),
        balances: snapshot
            .balances
            .into_iter()
            .map(pb::Balance::from)
            .collect(),
    };
    outbox::put_billing_snapshot(tx, &request, now).await
}
