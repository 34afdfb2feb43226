//! Delivery: a dispatcher claims due messages one at a time and each is rendered and
//! sent over SMTP in its own task. A permanent SMTP refusal ends a message as `failed`; anything else retries
//! with exponential backoff and jitter. Without SMTP a message is `held` and its text is
//! written to the log, so a first-time user can still follow an invitation link.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::{AsyncSmtpTransport, PoolConfig};
use lettre::{AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::email::{Email, EmailStatus};
use crate::store;
use crate::templates::{self, Rendered};
use crate::{AppState, error::NotifierError};

/// A message that keeps failing temporarily is given up after this many attempts.
pub const MAX_ATTEMPTS: i32 = 12;
/// How often the idle dispatcher looks for due messages without being woken.
const POLL: Duration = Duration::from_millis(500);

/// The SMTP side, built once at start.
#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(
        smtp_url: Option<&secrecy::SecretString>,
        mail_from: &str,
    ) -> anyhow::Result<Mailer> {
        let from: Mailbox = mail_from
            .parse()
            .map_err(|err| anyhow::anyhow!("ATRIUM_MAIL_FROM is not a mailbox: {err}"))?;
        let transport = match smtp_url {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(|err| {
                        anyhow::anyhow!("ATRIUM_SMTP_URL is not a valid SMTP URL: {err}")
                    })?
                    .timeout(Some(Duration::from_secs(10)))
                    .pool_config(PoolConfig::new().max_size(crate::DELIVERY_WORKERS as u32))
                    .build(),
            ),
            None => None,
        };
        Ok(Mailer { transport, from })
    }

    pub fn is_configured(&self) -> bool {
        self.transport.is_some()
    }
}

/// Starts the dispatcher: one loop claims due messages and hands each to its own task,
/// at most `count` at once. Idle, it asks once per wake-up or poll, not once per
/// delivery slot. The handle ends after shutdown, once the deliveries under way have
/// finished (a send cut off after SMTP accepted it would be sent again).
pub fn spawn_workers(state: &AppState, count: usize) -> Option<tokio::task::JoinHandle<()>> {
    if count == 0 {
        return None;
    }
    let state = state.clone();
    Some(tokio::spawn(async move { dispatch(state, count).await }))
}

async fn dispatch(state: AppState, count: usize) {
    let shutdown = state.server.shutdown.clone();
    let slots = Arc::new(Semaphore::new(count));
    while !shutdown.is_triggered() {
        let slot = tokio::select! {
            biased;
            _ = shutdown.wait() => break,
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
        };
        match claim_next(&state).await {
            Ok(Some(email)) => {
                let state = state.clone();
                tokio::spawn(async move {
                    if let Err(err) = deliver_leased(&state, email).await {
                        tracing::error!(error = %atrium_common::error::error_chain(&err), "delivery");
                    }
                    drop(slot);
                });
                continue;
            }
            // Only the slot in hand is taken: nothing is being sent.
            Ok(None) if slots.available_permits() + 1 == count => state.wake.quiet_pass(),
            Ok(None) => {}
            Err(err) => {
                tracing::error!(error = %atrium_common::error::error_chain(&err), "claiming due email")
            }
        }
        drop(slot);
        tokio::select! {
            biased;
            _ = shutdown.wait() => break,
            _ = state.wake.notify.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
    // Every slot back means every delivery under way has finished.
    let all = u32::try_from(count).unwrap_or(u32::MAX);
    let _ = slots.acquire_many(all).await;
}

/// Claims and handles one due message; answers whether there was one.
pub async fn deliver_next(state: &AppState) -> Result<bool, NotifierError> {
    match claim_next(state).await? {
        Some(email) => deliver_leased(state, email).await.map(|()| true),
        None => Ok(false),
    }
}

/// Reserves the next due message for this process for one lease.
async fn claim_next(state: &AppState) -> Result<Option<Email>, NotifierError> {
    Ok(store::MAIL_QUEUE
        .claim(&state.db, state.clock.now())
        .await?)
}

/// Delivers a claimed message, extending its claim while the SMTP exchange runs: a
/// process that dies mid-send leaves it to the next claimant within one short lease.
async fn deliver_leased(state: &AppState, email: Email) -> Result<(), NotifierError> {
    let email_id = email.email_id;
    store::MAIL_QUEUE
        .hold(&state.db, &state.clock, email_id.0, deliver(state, email))
        .await
}

/// Records that `email` was not sent, and why (`Held`: kept for later; `Failed`: for good).
async fn unsent(
    state: &AppState,
    email: &Email,
    status: EmailStatus,
    why: &str,
) -> Result<(), NotifierError> {
    let now = state.clock.now();
    store::finish_unsent(&state.db, email.email_id, status, why, now).await
}

/// Renders and sends a claimed message, and records how that went.
async fn deliver(state: &AppState, email: Email) -> Result<(), NotifierError> {
    let rendered = match render_email(state, &email).await {
        Ok(rendered) => rendered,
        Err(problem) => {
            tracing::warn!(email_id = %email.email_id, template = %email.template_key, "template does not render");
            return unsent(state, &email, EmailStatus::Failed, &problem).await;
        }
    };
    let Some(transport) = &state.mailer.transport else {
        // The embedded default: keep the message and show it, links included, in the log.
        tracing::info!(
            email_id = %email.email_id,
            to = %email.recipient_email,
            subject = %rendered.subject,
            "no SMTP configured, email held in the outbox:\n{}",
            rendered.text
        );
        return unsent(state, &email, EmailStatus::Held, "no SMTP configured").await;
    };
    let message = match build_message(&state.mailer.from, &email, rendered) {
        Ok(message) => message,
        Err(problem) => {
            return unsent(state, &email, EmailStatus::Failed, &problem).await;
        }
    };
    match transport.send(message).await {
        Ok(_) => {
            store::mark_sent(&state.db, email.email_id, state.clock.now()).await?;
            tracing::info!(email_id = %email.email_id, template = %email.template_key, "email sent");
        }
        Err(err) if err.is_permanent() => {
            let problem = smtp_problem(&err);
            tracing::warn!(email_id = %email.email_id, error = %problem, "email refused permanently");
            store::finish_unsent(
                &state.db,
                email.email_id,
                EmailStatus::Failed,
                &problem,
                state.clock.now(),
            )
            .await?;
        }
        Err(err) => {
            let problem = smtp_problem(&err);
            let now = state.clock.now();
            if email.attempts >= MAX_ATTEMPTS {
                tracing::warn!(email_id = %email.email_id, error = %problem, "email given up after retries");
                store::finish_unsent(
                    &state.db,
                    email.email_id,
                    EmailStatus::Failed,
                    &problem,
                    now,
                )
                .await?;
            } else {
                let next = now + backoff(email.attempts);
                tracing::info!(email_id = %email.email_id, attempt = email.attempts, error = %problem, "email will be retried");
                store::reschedule(&state.db, email.email_id, &problem, next, now).await?;
            }
        }
    }
    Ok(())
}

/// Renders with the org's override if it has one, else the default.
async fn render_email(state: &AppState, email: &Email) -> Result<Rendered, String> {
    let source = crate::template_admin::effective_template(
        state,
        email.org_id,
        &email.template_key,
        &email.locale,
    )
    .await
    .map_err(|err| format!("loading template: {err}"))?;
    let mut variables: serde_json::Value = match &email.variables {
        Some(json) => {
            serde_json::from_str(json).map_err(|_| "variables are not a JSON object".to_owned())?
        }
        None => return Err("variables were already deleted".to_owned()),
    };
    if let Some(object) = variables.as_object_mut() {
        let branding = crate::branding::of(&state.branding, email).await;
        object.insert("org_name".into(), branding.org_name.into());
        object.insert("logo_url".into(), branding.logo_url.into());
        object.insert("recipient_name".into(), email.recipient_name.clone().into());
        object.insert("sender_name".into(), branding.sender_name.into());
    }
    templates::render(&source, &email.locale, &variables)
        .map_err(|err| format!("template error: {err}"))
}

fn build_message(from: &Mailbox, email: &Email, rendered: Rendered) -> Result<Message, String> {
    let to: Mailbox = email
        .recipient_email
        .parse()
        .map_err(|_| "recipient is not a valid address".to_owned())?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(rendered.subject)
        .message_id(Some(message_id(email, from)))
        .multipart(MultiPart::alternative_plain_html(
            rendered.text,
            rendered.html,
        ))
        .map_err(|err| format!("building message: {err}"))
}

/// A Message-ID derived from the idempotency key: a resent duplicate carries the same id.
pub fn message_id(email: &Email, from: &Mailbox) -> String {
    let digest = Sha256::digest(format!("{}:{}", email.org_id, email.idempotency_key).as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("<{hex}@{}>", from.email.domain())
}

/// The last error as recorded: the server's reply or the connection problem, never a body.
fn smtp_problem(err: &lettre::transport::smtp::Error) -> String {
    let text = atrium_common::error::error_chain(err);
    text.chars().take(500).collect()
}

/// Delivery retries back off up to 30 minutes.
pub fn backoff(attempts: i32) -> TimeDelta {
    atrium_common::retry::backoff(attempts, 30 * 60)
}

/// Wakes a sleeping worker (after an enqueue or a retry).
pub fn wake(state: &AppState) {
    state.wake.notify.notify_one();
}

/// The dispatcher's doorbell, and its count of quiet passes: passes that found nothing
/// due with no delivery under way.
#[derive(Clone, Default)]
pub struct Wake {
    notify: Arc<tokio::sync::Notify>,
    quiet: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Wake {
    /// Wakes the dispatcher and waits for its next quiet pass: then every message that
    /// was due has been handled and none is being sent. Tests assert an absence ("one
    /// mail, not two") after this point instead of after a sleep.
    pub async fn until_quiet(&self) {
        let mut passes = self.quiet.subscribe();
        passes.mark_unchanged();
        self.notify.notify_one();
        let _ = passes.changed().await;
    }

    fn quiet_pass(&self) {
        self.quiet.send_modify(|passes| *passes += 1);
    }
}
