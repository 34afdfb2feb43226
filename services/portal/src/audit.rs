//! Entries for identity's audit trail: written into the portal's outbox in the
//! transaction of the change they record, and relayed from there.

use atrium_common::auth::Principal;
use atrium_common::db::Tx;
use atrium_common::grpc::timestamp;
use atrium_common::ids::{CustomerId, ProjectId};
use atrium_common::outbox;
use atrium_proto::identity::v1 as identity;
use chrono::{DateTime, Utc};
use uuid::Uuid;

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
        outbox::record_audit(tx, &request, at).await
    }
}

/// The audit subject of one customer's assignment to one project.
pub fn assignment(customer_id: CustomerId, project_id: ProjectId) -> (&'static str, String) {
    ("assignment", format!("{customer_id}/{project_id}"))
}
