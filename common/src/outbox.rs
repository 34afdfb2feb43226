//! The sending side of the transactional outbox. A service that must tell another service
//! something as part of an action (identity's invitation and reset mail; later audit
//! entries and erasure) writes the message into its *own* `outbox` table in the same
//! transaction as the action, and the [`Relay`] forwards it with its idempotency key until
//! the receiver acknowledges, then deletes it. Identity relays mail and erasure; the
//! portal relays digests, in-app notifications and audit entries for identity's trail.
//!
//! - A crash between the commit and the relay loses nothing: the row is there after the
//!   restart and is forwarded then.
//! - A crash between the receiver's acknowledgement and the delete forwards the row again
//!   under the same key, which the receiver stores once.
//!
//! Every service that relays has the `outbox` table in its migrations (see identity's
//! `0002_outbox.sql`), the same columns on both backends.

use std::time::Duration;

use atrium_proto::common::v1::EraseCustomerRequest;
use atrium_proto::identity::v1 as identity;
use atrium_proto::notifier::v1 as notifier;
use chrono::{DateTime, Utc};
use prost::Message;
use uuid::Uuid;

use crate::db::Tx;
use crate::sql;

mod audit;
mod relay;

pub use audit::Acting;
pub use relay::{Receivers, Relay};

/// How often an idle relay looks for due messages without being woken.
const POLL: Duration = Duration::from_secs(1);
/// Retries back off up to this long; the relay never gives up on a reachable receiver.
const MAX_BACKOFF_SECS: u64 = 300;

/// What a relayed message asks of its receiver; stored by name, so names never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// `atrium.notifier.v1.EmailService/EnqueueEmail` with an `EnqueueEmailRequest`.
    EnqueueEmail,
    /// `atrium.notifier.v1.ErasureService/EraseCustomer` with an `EraseCustomerRequest`.
    NotifierEraseCustomer,
    /// `atrium.notifier.v1.NotificationService/CreateNotification`.
    CreateNotification,
    /// `atrium.identity.v1.AuditService/RecordAudit` with a `RecordAuditRequest`.
    RecordAudit,
    /// `atrium.portal.v1.ErasureService/EraseCustomer` with an `EraseCustomerRequest`.
    PortalEraseCustomer,
    /// `atrium.documents.v1.ErasureService/EraseCustomer` with an `EraseCustomerRequest`.
    DocumentsEraseCustomer,
    /// `atrium.documents.v1.ErasureService/ForgetProject` with a `ForgetProjectRequest`.
    DocumentsForgetProject,
    /// `atrium.portal.v1.ErasureService/ForgetItem` with a `ForgetItemRequest`.
    PortalForgetItem,
    /// `atrium.billing.v1.ErasureService/EraseCustomer` with an `EraseCustomerRequest`.
    BillingEraseCustomer,
    /// `atrium.portal.v1.BillingSnapshotService/PutBillingSnapshot`.
    PortalBillingSnapshot,
    /// `atrium.documents.v1.ShareLinkService/RevokeCustomerLinks`.
    DocumentsRevokeCustomerLinks,
}

const TOPICS: [Topic; 11] = [
    Topic::EnqueueEmail,
    Topic::NotifierEraseCustomer,
    Topic::CreateNotification,
    Topic::RecordAudit,
    Topic::PortalEraseCustomer,
    Topic::DocumentsEraseCustomer,
    Topic::DocumentsForgetProject,
    Topic::PortalForgetItem,
    Topic::BillingEraseCustomer,
    Topic::PortalBillingSnapshot,
    Topic::DocumentsRevokeCustomerLinks,
];

impl Topic {
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::EnqueueEmail => "notifier.enqueue_email",
            Topic::NotifierEraseCustomer => "notifier.erase_customer",
            Topic::CreateNotification => "notifier.create_notification",
            Topic::RecordAudit => "identity.record_audit",
            Topic::PortalEraseCustomer => "portal.erase_customer",
            Topic::DocumentsEraseCustomer => "documents.erase_customer",
            Topic::DocumentsForgetProject => "documents.forget_project",
            Topic::PortalForgetItem => "portal.forget_item",
            Topic::BillingEraseCustomer => "billing.erase_customer",
            Topic::PortalBillingSnapshot => "portal.put_billing_snapshot",
            Topic::DocumentsRevokeCustomerLinks => "documents.revoke_customer_links",
        }
    }

    fn parse(name: &str) -> Option<Topic> {
        TOPICS.into_iter().find(|topic| topic.as_str() == name)
    }
}

/// Writes a GDPR erase of one customer into the caller's outbox, one message for every
/// service that keeps a copy of customer data, inside the caller's transaction.
pub async fn erase_customer(
    tx: &mut Tx,
    request: &EraseCustomerRequest,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let key = format!("erase:{}:{}", request.org_id, request.customer_id);
    let topics = [
        Topic::NotifierEraseCustomer,
        Topic::PortalEraseCustomer,
        Topic::DocumentsEraseCustomer,
        Topic::BillingEraseCustomer,
    ];
    for topic in topics {
        write(tx, topic, &key, &request.encode_to_vec(), now).await?;
    }
    Ok(())
}

/// Writes "this project is gone" for the documents service (its documents and files go
/// too) into the caller's outbox, inside the caller's transaction.
pub async fn forget_project(
    tx: &mut Tx,
    request: &atrium_proto::documents::v1::ForgetProjectRequest,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let key = format!("forget:{}:{}", request.org_id, request.project_id);
    let payload = request.encode_to_vec();
    write(tx, Topic::DocumentsForgetProject, &key, &payload, now).await
}

/// Writes "this gallery item is no cover any more" (deleted, or made internal) for the
/// portal into the caller's outbox, inside the caller's transaction.
pub async fn forget_item(
    tx: &mut Tx,
    request: &atrium_proto::portal::v1::ForgetItemRequest,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    // Each change is its own message: an item can stop being a cover more than once.
    let key = format!("forget-item:{}:{}", request.item_id, Uuid::new_v4());
    write(
        tx,
        Topic::PortalForgetItem,
        &key,
        &request.encode_to_vec(),
        now,
    )
    .await
}

/// Writes billing's snapshot of one customer's billing for the portal's dashboard into
/// the caller's outbox, inside the caller's transaction; its version names it.
pub async fn put_billing_snapshot(
    tx: &mut Tx,
    request: &atrium_proto::portal::v1::PutBillingSnapshotRequest,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let key = format!(
        "billing-snapshot:{}:{}:{}",
        request.org_id, request.customer_id, request.version
    );
    let payload = request.encode_to_vec();
    write(tx, Topic::PortalBillingSnapshot, &key, &payload, now).await
}

/// Writes "this customer was deactivated: their share links die" for the documents
/// service into the caller's outbox, inside the caller's transaction.
pub async fn revoke_customer_links(
    tx: &mut Tx,
    request: &atrium_proto::documents::v1::RevokeCustomerLinksRequest,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    // Each deactivation is its own message: an account can be deactivated again.
    let key = format!("revoke-links:{}:{}", request.customer_id, Uuid::new_v4());
    let payload = request.encode_to_vec();
    write(tx, Topic::DocumentsRevokeCustomerLinks, &key, &payload, now).await
}

/// Writes a request for an email into the caller's outbox, inside the caller's transaction.
/// The request's own `idempotency_key` names it; writing the same key twice is one message.
pub async fn enqueue_email(
    tx: &mut Tx,
    request: &notifier::EnqueueEmailRequest,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    write(
        tx,
        Topic::EnqueueEmail,
        &request.idempotency_key,
        &request.encode_to_vec(),
        now,
    )
    .await
}

/// Writes an in-app notification into the caller's outbox; its `idempotency_key` (required)
/// names it.
pub async fn create_notification(
    tx: &mut Tx,
    request: &notifier::CreateNotificationRequest,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    write(
        tx,
        Topic::CreateNotification,
        &request.idempotency_key,
        &request.encode_to_vec(),
        now,
    )
    .await
}

/// Writes an audit entry for identity's trail into the caller's outbox; the entry's own id
/// names it.
pub async fn record_audit(
    tx: &mut Tx,
    request: &identity::RecordAuditRequest,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let key = request
        .entry
        .as_ref()
        .map(|e| e.id.clone())
        .unwrap_or_default();
    write(tx, Topic::RecordAudit, &key, &request.encode_to_vec(), now).await
}

async fn write(
    tx: &mut Tx,
    topic: Topic,
    idempotency_key: &str,
    payload: &[u8],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sql!(tx tx, query(
        "insert into outbox (message_id, topic, idempotency_key, payload, status, attempts, last_error, \
         next_attempt_at, claimed_until, created_at) values ($1, $2, $3, $4, 'pending', 0, '', $5, null, $5) \
         on conflict (topic, idempotency_key) do nothing"
    ) [Uuid::new_v4(), topic.as_str(), idempotency_key, payload, now] execute).map(drop)
}

#[cfg(test)]
mod tests;
