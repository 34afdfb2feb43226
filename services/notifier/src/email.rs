//! A message in the notifier's queue: what it is, to whom, and how its delivery stands.

use atrium_common::ids::{EmailId, OrgId};
use chrono::{DateTime, Utc};

atrium_common::text_enum! {
    /// Where a message is on its way out.
    pub enum EmailStatus {
        /// Waiting for its (next) attempt, or being sent.
        Queued = "queued",
        /// Kept back: no SMTP is configured.
        Held = "held",
        Sent = "sent",
        /// Refused for good (a permanent SMTP answer, a template that does not render).
        Failed = "failed",
    }
}

/// One message.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Email {
    pub email_id: EmailId,
    pub org_id: OrgId,
    pub idempotency_key: String,
    pub template_key: String,
    pub locale: String,
    pub recipient_email: String,
    pub recipient_name: String,
    pub variables: Option<String>,
    pub org_name: String,
    pub logo_url: String,
    pub sender_name: String,
    #[sqlx(try_from = "String")]
    pub status: EmailStatus,
    pub attempts: i32,
    pub last_error: String,
    pub next_attempt_at: DateTime<Utc>,
    pub claimed_until: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
