//! Entries for identity's audit trail from another service: written into that
//! service's outbox in the transaction of the change they record, relayed from there.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::auth::Principal;
use crate::db::Tx;
use crate::grpc::timestamp;
use atrium_proto::identity::v1 as identity;

/// Who made a change, and from which client address.
pub struct Acting {
    pub principal: Principal,
    pub ip: String,
}

impl Acting {
    /// Writes `action` on `subject` (kind, id) at `at` into the outbox.
    pub async fn record(
        &self,
        tx: &mut Tx,
        action: &str,
        subject: (&str, String),
        at: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        let request = identity::RecordAuditRequest {
            org_id: self.principal.org_id.to_string(),
            entry: Some(identity::AuditEntry {
                // Time-ordered, and the relay's idempotency key.
                id: Uuid::now_v7().to_string(),
                at: Some(timestamp(at)),
                actor_kind: self.principal.kind.as_str().to_owned(),
                actor_id: self.principal.subject_id.to_string(),
                action: action.to_owned(),
                subject_kind: subject.0.to_owned(),
                subject_id: subject.1,
                ip: self.ip.clone(),
            }),
        };
        super::record_audit(tx, &request, at).await
    }
}
