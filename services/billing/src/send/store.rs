//! The SQL of recording a send on the document: when it was last sent, and how often.

use atrium_common::db::Tx;
use atrium_common::ids::OrgId;
use atrium_common::sql;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Kind;

/// Counts a send of the organization's document; answers whether it was found.
pub async fn record_send(
    tx: &mut Tx,
    kind: Kind,
    (org_id, id): (OrgId, Uuid),
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let text = match kind {
        Kind::Invoice => {
            "update invoice set sent_at = $3, sent_count = sent_count + 1 \
             where org_id = $1 and invoice_id = $2"
        }
        Kind::Quote => {
            "update quote set sent_at = $3, sent_count = sent_count + 1 \
             where org_id = $1 and quote_id = $2"
        }
        Kind::CreditNote => {
            "update credit_note set sent_at = $3, sent_count = sent_count + 1 \
             where org_id = $1 and credit_note_id = $2"
        }
        Kind::Order => {
            "update sales_order set sent_at = $3, sent_count = sent_count + 1 \
             where org_id = $1 and order_id = $2"
        }
        // A statement is no row of its own: its sends are in the audit trail.
        Kind::Statement => return Ok(true),
    };
    sql!(tx tx, query(text) [org_id, id, now] execute).map(|changed| changed == 1)
}
