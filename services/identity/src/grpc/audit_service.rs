//! `AuditService`: the organization's audit trail, and entries other services relay.

use atrium_common::auth::{Principal, SubjectKind};
use atrium_common::grpc::{Rpc, from_timestamp, timestamp};
use atrium_proto::identity::v1 as pb;
use tonic::{Request, Response};
use uuid::Uuid;

use atrium_common::error::into_status;
use atrium_common::page::Page;

use crate::audit::{self, AuditEntry, AuditFilter};
use crate::error::IdentityError;

use super::Identity;

#[tonic::async_trait]
impl pb::audit_service_server::AuditService for Identity {
    async fn list_audit(
        &self,
        request: Request<pb::ListAuditRequest>,
    ) -> Rpc<pb::ListAuditResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let r = request.into_inner();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let filter = AuditFilter {
            actor_id: Some(r.actor_id).filter(|a| !a.is_empty()),
            action: Some(r.action).filter(|a| !a.is_empty()),
            from: r.from.as_ref().and_then(from_timestamp),
            to: r.to.as_ref().and_then(from_timestamp),
        };
        let (rows, next_page_token) =
            audit::list(&self.0.db, principal.org_id, &filter, page).await?;
        let items = rows
            .into_iter()
            .map(|row| pb::AuditEntry {
                id: row.audit_id.to_string(),
                at: Some(timestamp(row.at)),
                actor_kind: row.actor_kind,
                actor_id: row.actor_id,
                action: row.action,
                subject_kind: row.subject_kind,
                subject_id: row.subject_id,
                ip: row.ip,
            })
            .collect();
        Ok(Response::new(pb::ListAuditResponse {
            items,
            next_page_token,
        }))
    }

    async fn record_audit(
        &self,
        request: Request<pb::RecordAuditRequest>,
    ) -> Rpc<pb::RecordAuditResponse> {
        let r = request.into_inner();
        let entry = r.entry.unwrap_or_default();
        let invalid = |field: &'static str| {
            into_status(IdentityError::InvalidField {
                field,
                problem: "is missing or malformed",
            })
        };
        let row = AuditEntry {
            audit_id: Uuid::parse_str(&entry.id).map_err(|_| invalid("entry.id"))?,
            org_id: r.org_id.parse().map_err(|_| invalid("org_id"))?,
            at: entry
                .at
                .as_ref()
                .and_then(from_timestamp)
                .ok_or_else(|| invalid("entry.at"))?,
            actor_kind: entry.actor_kind,
            actor_id: entry.actor_id,
            action: entry.action,
            subject_kind: entry.subject_kind,
            subject_id: entry.subject_id,
            ip: entry.ip.chars().take(64).collect(),
        };
        audit::record_relayed(&self.0.db, &row).await?;
        Ok(Response::new(pb::RecordAuditResponse {}))
    }
}
