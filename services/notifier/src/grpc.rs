//! The notifier's gRPC surface: decode, call the domain, encode. No SQL here.

use atrium_common::auth::{Principal, SubjectKind};
use atrium_common::error::into_status;
use atrium_common::grpc::Rpc;
use atrium_common::grpc::timestamp;
use atrium_common::page::Page;
use atrium_proto::common::v1::{EraseCustomerRequest, EraseCustomerResponse};
use atrium_proto::notifier::v1 as pb;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::AppState;
use crate::email::{Email, EmailStatus};
use crate::erasure;
use crate::error::NotifierError;
use crate::notifications::Notification;
use crate::notifications::{self, NewNotification};
use crate::outbox::{self, NewEmail};
use crate::template_admin::{self, TemplateView};
use crate::templates::TemplateSource;

pub struct Notifier(pub AppState);

/// What staff may see of a message: no body, variables or link.
impl From<Email> for pb::OutboxEntry {
    fn from(row: Email) -> pb::OutboxEntry {
        pb::OutboxEntry {
            id: row.email_id.to_string(),
            template_key: row.template_key,
            locale: row.locale,
            recipient_email: row.recipient_email,
            status: row.status.as_str().to_owned(),
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
    async fn enqueue_email(
        &self,
        request: Request<pb::EnqueueEmailRequest>,
    ) -> Rpc<pb::EnqueueEmailResponse> {
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

    async fn list_outbox(
        &self,
        request: Request<pb::ListOutboxRequest>,
    ) -> Rpc<pb::ListOutboxResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let r = request.into_inner();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let status = Some(r.status.as_str())
            .filter(|s| !s.is_empty())
            .map(|s| {
                EmailStatus::parse(s).ok_or_else(|| {
                    NotifierError::invalid("status", "must be queued, held, sent or failed")
                })
            })
            .transpose()
            .map_err(into_status)?;
        let (rows, next_page_token) = outbox::list(&self.0, principal.org_id, page, status).await?;
        Ok(Response::new(pb::ListOutboxResponse {
            items: rows.into_iter().map(Into::into).collect(),
            next_page_token,
        }))
    }

    async fn retry_email(
        &self,
        request: Request<pb::RetryEmailRequest>,
    ) -> Rpc<pb::RetryEmailResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let email_id = atrium_common::ids::EmailId::parse(&request.get_ref().email_id)
            .ok_or_else(|| Status::not_found("email not found"))?;
        let row = outbox::retry(&self.0, principal.org_id, email_id).await?;
        Ok(Response::new(pb::RetryEmailResponse {
            entry: Some(row.into()),
        }))
    }
}

impl From<TemplateView> for pb::EmailTemplate {
    fn from(view: TemplateView) -> pb::EmailTemplate {
        pb::EmailTemplate {
            key: view.key,
            locale: view.locale,
            subject: view.source.subject,
            text: view.source.text,
            html: view.source.html,
            overridden: view.overridden,
            variables: view.variables.into_iter().map(str::to_owned).collect(),
            updated_at: view.updated_at.map(timestamp),
        }
    }
}

#[tonic::async_trait]
impl pb::template_service_server::TemplateService for Notifier {
    async fn list_templates(
        &self,
        request: Request<pb::ListTemplatesRequest>,
    ) -> Rpc<pb::ListTemplatesResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let views = template_admin::list(&self.0, principal.org_id).await?;
        Ok(Response::new(pb::ListTemplatesResponse {
            items: views.into_iter().map(Into::into).collect(),
        }))
    }

    async fn get_template(
        &self,
        request: Request<pb::GetTemplateRequest>,
    ) -> Rpc<pb::GetTemplateResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let r = request.get_ref();
        let view = template_admin::get(&self.0, principal.org_id, &r.key, &r.locale).await?;
        Ok(Response::new(pb::GetTemplateResponse {
            template: Some(view.into()),
        }))
    }

    async fn put_template(
        &self,
        request: Request<pb::PutTemplateRequest>,
    ) -> Rpc<pb::PutTemplateResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let r = request.into_inner();
        let source = TemplateSource {
            subject: r.subject,
            text: r.text,
            html: r.html,
        };
        let view =
            template_admin::put(&self.0, principal.org_id, &r.key, &r.locale, source).await?;
        Ok(Response::new(pb::PutTemplateResponse {
            template: Some(view.into()),
        }))
    }

    async fn preview_template(
        &self,
        request: Request<pb::PutTemplateRequest>,
    ) -> Rpc<pb::PreviewTemplateResponse> {
        Principal::require(&request, SubjectKind::Staff)?;
        let r = request.into_inner();
        let source = TemplateSource {
            subject: r.subject,
            text: r.text,
            html: r.html,
        };
        let rendered = template_admin::preview(&r.key, &r.locale, source)?;
        Ok(Response::new(pb::PreviewTemplateResponse {
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
        }))
    }

    async fn delete_template(
        &self,
        request: Request<pb::DeleteTemplateRequest>,
    ) -> Rpc<pb::DeleteTemplateResponse> {
        let principal = Principal::require(&request, SubjectKind::Staff)?;
        let r = request.get_ref();
        let view =
            template_admin::restore_default(&self.0, principal.org_id, &r.key, &r.locale).await?;
        Ok(Response::new(pb::DeleteTemplateResponse {
            template: Some(view.into()),
        }))
    }
}

impl From<Notification> for pb::Notification {
    fn from(row: Notification) -> pb::Notification {
        pb::Notification {
            id: row.notification_id.to_string(),
            kind: row.kind,
            title: row.title,
            body: row.body,
            link: row.link,
            params_json: row.params,
            read_at: row.read_at.map(timestamp),
            created_at: Some(timestamp(row.created_at)),
        }
    }
}

#[tonic::async_trait]
impl pb::notification_service_server::NotificationService for Notifier {
    async fn create_notification(
        &self,
        request: Request<pb::CreateNotificationRequest>,
    ) -> Rpc<pb::CreateNotificationResponse> {
        let r = request.into_inner();
        let new = NewNotification {
            org_id: r.org_id,
            recipient_kind: r.recipient_kind,
            recipient_id: r.recipient_id,
            kind: r.kind,
            title: r.title,
            body: r.body,
            link: r.link,
            idempotency_key: r.idempotency_key,
            params_json: r.params_json,
        };
        let (row, created) = notifications::create(&self.0, new).await?;
        Ok(Response::new(pb::CreateNotificationResponse {
            notification: Some(row.into()),
            created,
        }))
    }

    async fn list_notifications(
        &self,
        request: Request<pb::ListNotificationsRequest>,
    ) -> Rpc<pb::ListNotificationsResponse> {
        let principal = Principal::from_request(&request)?;
        let r = request.get_ref();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let listing = notifications::list(&self.0, &principal, page).await?;
        Ok(Response::new(pb::ListNotificationsResponse {
            items: listing.items.into_iter().map(Into::into).collect(),
            next_page_token: listing.next_page_token,
            unread_count: listing.unread_count,
        }))
    }

    async fn count_unread(
        &self,
        request: Request<pb::CountUnreadRequest>,
    ) -> Rpc<pb::CountUnreadResponse> {
        let principal = Principal::from_request(&request)?;
        Ok(Response::new(pb::CountUnreadResponse {
            unread_count: notifications::unread(&self.0, &principal).await?,
        }))
    }

    async fn mark_read(&self, request: Request<pb::MarkReadRequest>) -> Rpc<pb::MarkReadResponse> {
        let principal = Principal::from_request(&request)?;
        let row = notifications::mark_read(&self.0, &principal, &request.get_ref().notification_id)
            .await?;
        Ok(Response::new(pb::MarkReadResponse {
            notification: Some(row.into()),
        }))
    }

    async fn mark_all_read(
        &self,
        request: Request<pb::MarkAllReadRequest>,
    ) -> Rpc<pb::MarkAllReadResponse> {
        let principal = Principal::from_request(&request)?;
        let marked = notifications::mark_all_read(&self.0, &principal).await?;
        Ok(Response::new(pb::MarkAllReadResponse {
            marked: marked as i64,
        }))
    }
}

#[tonic::async_trait]
impl pb::erasure_service_server::ErasureService for Notifier {
    async fn erase_customer(
        &self,
        request: Request<EraseCustomerRequest>,
    ) -> Rpc<EraseCustomerResponse> {
        let r = request.get_ref();
        let id = |field: &'static str, text: &str| {
            Uuid::parse_str(text)
                .map_err(|_| into_status(NotifierError::invalid(field, "must be a UUID")))
        };
        let org_id = id("org_id", &r.org_id)?;
        let customer_id = id("customer_id", &r.customer_id)?;
        erasure::erase_customer(
            &self.0.db,
            org_id.into(),
            customer_id,
            &r.email,
            self.0.clock.now(),
        )
        .await?;
        Ok(Response::new(EraseCustomerResponse {}))
    }
}
