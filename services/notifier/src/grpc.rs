//! The notifier's gRPC surface: decode, call the domain, encode. No SQL here.

use atrium_common::auth::{Principal, SubjectKind};
use atrium_common::error::into_status;
use atrium_common::grpc::timestamp;
use atrium_common::page::Page;
use atrium_proto::notifier::v1 as pb;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::AppState;
use crate::outbox::{self, NewEmail};
use crate::store::EmailRow;

pub struct Notifier(pub AppState);

/// What staff may see of a message: no body, variables or link.
impl From<EmailRow> for pb::OutboxEntry {
    fn from(row: EmailRow) -> pb::OutboxEntry {
        pb::OutboxEntry {
            id: row.email_id.to_string(),
            template_key: row.template_key,
            locale: row.locale,
            recipient_email: row.recipient_email,
            status: row.status,
            attempts: row.attempts,
            last_error: row.last_error,
            created_at: Some(timestamp(row.created_at)),
            updated_at: Some(timestamp(row.updated_at)),
            sent_at: row.sent_at.map(timestamp),
            next_attempt_at: Some(timestamp(row.next_attempt_at)),
        }
    }
}

#[tonic::async_trait]
impl pb::email_service_server::EmailService for Notifier {
    #[tracing::instrument(skip_all)]
    async fn enqueue_email(
        &self,
        request: Request<pb::EnqueueEmailRequest>,
    ) -> Result<Response<pb::EnqueueEmailResponse>, Status> {
        let r = request.into_inner();
        let email = NewEmail {
            org_id: r.org_id,
            idempotency_key: r.idempotency_key,
            template_key: r.template_key,
            locale: r.locale,
            org_locale: r.org_locale,
            recipient_email: r.recipient_email,
            recipient_name: r.recipient_name,
            variables_json: r.variables_json,
            org_name: r.org_name,
            logo_url: r.logo_url,
            sender_name: r.sender_name,
        };
        let (row, created) = outbox::enqueue(&self.0, email).await?;
        Ok(Response::new(pb::EnqueueEmailResponse {
            email_id: row.email_id.to_string(),
            created,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_outbox(
        &self,
        request: Request<pb::ListOutboxRequest>,
    ) -> Result<Response<pb::ListOutboxResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let r = request.into_inner();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let status = Some(r.status.as_str()).filter(|s| !s.is_empty());
        let (rows, next_page_token) = outbox::list(&self.0, principal.org_id, page, status).await?;
        Ok(Response::new(pb::ListOutboxResponse {
            items: rows.into_iter().map(Into::into).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn retry_email(
        &self,
        request: Request<pb::RetryEmailRequest>,
    ) -> Result<Response<pb::RetryEmailResponse>, Status> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let email_id = Uuid::parse_str(&request.get_ref().email_id)
            .map_err(|_| Status::not_found("email not found"))?;
        let row = outbox::retry(&self.0, principal.org_id, email_id).await?;
        Ok(Response::new(pb::RetryEmailResponse {
            entry: Some(row.into()),
        }))
    }
}

impl pb::notification_service_server::NotificationService for Notifier {}
