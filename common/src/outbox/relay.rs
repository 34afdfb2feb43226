//! The relay: forwards each service's outbox rows to their receivers with their
//! idempotency keys, retrying with backoff until acknowledged, then deletes them.

use std::sync::Arc;

use atrium_proto::billing::v1::erasure_service_client::ErasureServiceClient as BillingErasureClient;
use atrium_proto::common::v1::EraseCustomerRequest;
use atrium_proto::documents::v1::erasure_service_client::ErasureServiceClient as DocumentsErasureClient;
use atrium_proto::documents::v1::share_link_service_client::ShareLinkServiceClient;
use atrium_proto::identity::v1 as identity;
use atrium_proto::identity::v1::audit_service_client::AuditServiceClient;
use atrium_proto::notifier::v1 as notifier;
use atrium_proto::notifier::v1::email_service_client::EmailServiceClient;
use atrium_proto::notifier::v1::erasure_service_client::ErasureServiceClient;
use atrium_proto::notifier::v1::notification_service_client::NotificationServiceClient;
use atrium_proto::portal::v1::billing_snapshot_service_client::BillingSnapshotServiceClient;
use atrium_proto::portal::v1::erasure_service_client::ErasureServiceClient as PortalErasureClient;
use chrono::{DateTime, Utc};
use prost::Message;
use secrecy::SecretString;
use tokio::sync::Notify;
use tonic::Code;
use uuid::Uuid;

use crate::auth::Principal;
use crate::clock::Clock;
use crate::config::{ServiceName, Settings};
use crate::db::Db;
use crate::grpc::{ServiceChannel, channel, connect};
use crate::retry::backoff;
use crate::shutdown::Shutdown;

use super::*;
use crate::sql;

/// The services a relay forwards to.
#[derive(Clone)]
pub struct Receivers {
    pub email: EmailServiceClient<ServiceChannel>,
    pub notifier_erasure: ErasureServiceClient<ServiceChannel>,
    pub notifications: NotificationServiceClient<ServiceChannel>,
    pub audit: AuditServiceClient<ServiceChannel>,
    pub portal_erasure: PortalErasureClient<ServiceChannel>,
    pub billing_snapshots: BillingSnapshotServiceClient<ServiceChannel>,
    pub share_links: ShareLinkServiceClient<ServiceChannel>,
    pub documents_erasure: DocumentsErasureClient<ServiceChannel>,
    pub billing_erasure: BillingErasureClient<ServiceChannel>,
}

impl Receivers {
    pub fn new(settings: &Settings) -> anyhow::Result<Receivers> {
        let notifier = connect(settings, ServiceName::Notifier)?;
        let identity = connect(settings, ServiceName::Identity)?;
        let portal = connect(settings, ServiceName::Portal)?;
        let documents = connect(settings, ServiceName::Documents)?;
        let billing = connect(settings, ServiceName::Billing)?;
        Ok(Receivers::over(
            notifier,
            identity,
            portal,
            (documents, billing),
        ))
    }

    /// Receivers with each service at the address `url_of` names.
    pub fn at(
        url_of: impl Fn(ServiceName) -> String,
        service_token: &SecretString,
    ) -> anyhow::Result<Receivers> {
        let notifier = channel(&url_of(ServiceName::Notifier), service_token)?;
        let identity = channel(&url_of(ServiceName::Identity), service_token)?;
        let portal = channel(&url_of(ServiceName::Portal), service_token)?;
        let documents = channel(&url_of(ServiceName::Documents), service_token)?;
        let billing = channel(&url_of(ServiceName::Billing), service_token)?;
        Ok(Receivers::over(
            notifier,
            identity,
            portal,
            (documents, billing),
        ))
    }

    fn over(
        notifier: ServiceChannel,
        identity: ServiceChannel,
        portal: ServiceChannel,
        (documents, billing): (ServiceChannel, ServiceChannel),
    ) -> Receivers {
        Receivers {
            email: EmailServiceClient::new(notifier.clone()),
            notifier_erasure: ErasureServiceClient::new(notifier.clone()),
            notifications: NotificationServiceClient::new(notifier),
            audit: AuditServiceClient::new(identity),
            portal_erasure: PortalErasureClient::new(portal.clone()),
            billing_snapshots: BillingSnapshotServiceClient::new(portal),
            documents_erasure: DocumentsErasureClient::new(documents.clone()),
            share_links: ShareLinkServiceClient::new(documents),
            billing_erasure: BillingErasureClient::new(billing),
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
struct OutboxRow {
    message_id: Uuid,
    topic: String,
    idempotency_key: String,
    payload: Vec<u8>,
    attempts: i32,
}

/// What became of one forwarding attempt.
enum Outcome {
    Acknowledged,
    /// The receiver refused it for good (or it cannot be read): kept as `dead`, logged.
    Refused(String),
    /// Try again later.
    Failed(String),
}

/// Forwards a service's outbox rows to their receivers until each is acknowledged,
/// calling as a service (the receiving RPCs are internal).
#[derive(Clone)]
pub struct Relay {
    db: Db,
    clock: Clock,
    receivers: Receivers,
    wake: Arc<Notify>,
}

impl Relay {
    pub fn new(db: Db, clock: Clock, receivers: Receivers) -> Relay {
        Relay {
            db,
            clock,
            receivers,
            wake: Arc::default(),
        }
    }

    /// Tells the relay a transaction with outbox rows has committed.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs the relay in the background until `shutdown` trips.
    pub fn spawn(&self, shutdown: Shutdown) -> tokio::task::JoinHandle<()> {
        let relay = self.clone();
        tokio::spawn(async move {
            while !shutdown.is_triggered() {
                match relay.relay_next().await {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(err) => {
                        tracing::warn!(error = %crate::error::error_chain(&err), "outbox relay")
                    }
                }
                tokio::select! {
                    _ = relay.wake.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                    _ = shutdown.wait() => return,
                }
            }
        })
    }

    /// Claims one due row and forwards it; answers whether there was one.
    pub async fn relay_next(&self) -> Result<bool, sqlx::Error> {
        let now = self.clock.now();
        let Some(row) = QUEUE.claim::<OutboxRow>(&self.db, now).await? else {
            return Ok(false);
        };
        // The claim is extended while the receiver is asked; a relay that dies mid-call
        // leaves the row to another (or to itself, restarted) within one lease.
        let outcome = QUEUE
            .hold(&self.db, &self.clock, row.message_id, self.forward(&row))
            .await;
        let now = self.clock.now();
        match outcome {
            Outcome::Acknowledged => {
                sql!(db &self.db, query(
                    "delete from outbox where message_id = $1"
                ) [row.message_id] execute)
                .map(drop)?;
            }
            Outcome::Refused(problem) => {
                tracing::error!(message_id = %row.message_id, topic = %row.topic, error = %problem, "outbox message refused for good");
                set_status(&self.db, row.message_id, "dead", &problem, now).await?;
            }
            Outcome::Failed(problem) => {
                let next = now + backoff(row.attempts, MAX_BACKOFF_SECS);
                tracing::info!(message_id = %row.message_id, topic = %row.topic, attempt = row.attempts, error = %problem, "outbox message will be retried");
                sql!(db &self.db, query(
                    "update outbox set last_error = $2, next_attempt_at = $3, claimed_until = null \
                     where message_id = $1"
                ) [row.message_id, &problem, next] execute)
                .map(drop)?;
            }
        }
        Ok(true)
    }

    async fn forward(&self, row: &OutboxRow) -> Outcome {
        /// Decodes the payload as `$message` and calls `$client.$method` with it.
        macro_rules! call {
            ($message:ty, $client:ident . $method:ident) => {{
                let Ok(request) = <$message>::decode(row.payload.as_slice()) else {
                    return Outcome::Refused("the payload does not decode".into());
                };
                self.receivers
                    .$client
                    .clone()
                    .$method(Principal::service().request(request))
                    .await
                    .map(drop)
            }};
        }
        let answer = match Topic::parse(&row.topic) {
            Some(Topic::EnqueueEmail) => {
                let Ok(request) = notifier::EnqueueEmailRequest::decode(row.payload.as_slice())
                else {
                    return Outcome::Refused("the payload does not decode".into());
                };
                if request.idempotency_key != row.idempotency_key {
                    return Outcome::Refused("the payload names another key".into());
                }
                self.receivers
                    .email
                    .clone()
                    .enqueue_email(Principal::service().request(request))
                    .await
                    .map(drop)
            }
            Some(Topic::NotifierEraseCustomer) => {
                call!(EraseCustomerRequest, notifier_erasure.erase_customer)
            }
            Some(Topic::CreateNotification) => {
                call!(
                    notifier::CreateNotificationRequest,
                    notifications.create_notification
                )
            }
            Some(Topic::RecordAudit) => call!(identity::RecordAuditRequest, audit.record_audit),
            Some(Topic::PortalEraseCustomer) => {
                call!(EraseCustomerRequest, portal_erasure.erase_customer)
            }
            Some(Topic::DocumentsEraseCustomer) => {
                call!(EraseCustomerRequest, documents_erasure.erase_customer)
            }
            Some(Topic::BillingEraseCustomer) => {
                call!(EraseCustomerRequest, billing_erasure.erase_customer)
            }
            Some(Topic::DocumentsRevokeCustomerLinks) => {
                call!(
                    atrium_proto::documents::v1::RevokeCustomerLinksRequest,
                    share_links.revoke_customer_links
                )
            }
            Some(Topic::PortalBillingSnapshot) => {
                call!(
                    atrium_proto::portal::v1::PutBillingSnapshotRequest,
                    billing_snapshots.put_billing_snapshot
                )
            }
            Some(Topic::PortalForgetItem) => {
                call!(
                    atrium_proto::portal::v1::ForgetItemRequest,
                    portal_erasure.forget_item
                )
            }
            Some(Topic::DocumentsForgetProject) => {
                call!(
                    atrium_proto::documents::v1::ForgetProjectRequest,
                    documents_erasure.forget_project
                )
            }
            None => return Outcome::Refused(format!("unknown topic {}", row.topic)),
        };
        match answer {
            Ok(()) => Outcome::Acknowledged,
            Err(status) => judge(&status),
        }
    }

    pub async fn pending(&self) -> Result<i64, sqlx::Error> {
        sql!(db &self.db, query_scalar(
            "select count(*) from outbox where status = 'pending'"
        ) [] fetch_one)
    }
}

/// A receiver's refusal of the request itself is final; anything else is retried.
fn judge(status: &tonic::Status) -> Outcome {
    let problem = format!("{:?}: {}", status.code(), status.message());
    match status.code() {
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
            Outcome::Refused(problem)
        }
        _ => Outcome::Failed(problem),
    }
}

/// The outbox as a queue: pending rows, oldest first.
static QUEUE: crate::lease::Queue = crate::lease_queue! {
    what: "outbox",
    table: "outbox",
    id: "message_id",
    waiting: "status = 'pending'",
    order: "created_at",
    set: "",
    returning: "message_id, topic, idempotency_key, payload, attempts",
};

async fn set_status(
    db: &Db,
    message_id: Uuid,
    status: &str,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sql!(db db, query(
        "update outbox set status = $2, last_error = $3, next_attempt_at = $4, claimed_until = null \
         where message_id = $1"
    ) [message_id, status, error, now] execute).map(drop)
}
