//! The outbox's rules: what an enqueue must carry, idempotency by key, and what staff may
//! see of it (never bodies, variables or links) and retry.

use atrium_common::ids::{EmailId, OrgId};
use atrium_common::page::Page;

use crate::AppState;
use crate::delivery::wake;
use crate::email::{Email, EmailStatus};
use crate::error::NotifierError;
use crate::store;
use crate::templates::{self, choose_locale};

/// A message a service hands over.
#[derive(Debug, Clone)]
pub struct NewEmail {
    pub org_id: String,
    pub idempotency_key: String,
    pub template_key: String,
    pub locale: String,
    pub org_locale: String,
    pub recipient_email: String,
    pub recipient_name: String,
    pub variables_json: String,
    pub org_name: String,
    pub logo_url: String,
    pub sender_name: String,
}

/// Stores the message before answering; the same key again answers the first message.
pub async fn enqueue(state: &AppState, email: NewEmail) -> Result<(Email, bool), NotifierError> {
    let org_id = OrgId::parse(&email.org_id)
        .ok_or_else(|| NotifierError::invalid("org_id", "must be a UUID"))?;
    let key = email.idempotency_key.trim();
    if key.is_empty() || key.len() > 200 {
        return Err(NotifierError::invalid(
            "idempotency_key",
            "must be 1-200 characters",
        ));
    }
    if !templates::is_known_key(&email.template_key) {
        return Err(NotifierError::invalid(
            "template_key",
            "is not a known template",
        ));
    }
    let locale = choose_locale(&email.locale, &email.org_locale)
        .map_err(|(field, problem)| NotifierError::invalid(field, problem))?;
    let recipient = email.recipient_email.trim();
    if recipient.len() > 254 || recipient.parse::<lettre::Address>().is_err() {
        return Err(NotifierError::invalid(
            "recipient_email",
            "must be an email address",
        ));
    }
    let variables: serde_json::Value = serde_json::from_str(&email.variables_json)
        .ok()
        .filter(serde_json::Value::is_object)
        .ok_or_else(|| NotifierError::invalid("variables_json", "must be a JSON object"))?;
    let now = state.clock.now();
    let row = Email {
        email_id: EmailId::new(),
        org_id,
        idempotency_key: key.to_owned(),
        template_key: email.template_key,
        locale: locale.to_owned(),
        recipient_email: recipient.to_owned(),
        recipient_name: email.recipient_name,
        variables: Some(variables.to_string()),
        org_name: email.org_name,
        logo_url: email.logo_url,
        sender_name: email.sender_name,
        status: EmailStatus::Queued,
        attempts: 0,
        last_error: String::new(),
        next_attempt_at: now,
        claimed_until: None,
        sent_at: None,
        created_at: now,
        updated_at: now,
    };
    if !store::insert_email(&state.db, &row).await? {
        // The key was seen before (or another caller stored it a moment ago).
        let existing = store::find_email_by_key(&state.db, org_id, key)
            .await?
            .ok_or(NotifierError::EmailNotFound)?;
        return Ok((existing, false));
    }
    wake(state);
    Ok((row, true))
}

/// One page of an org's outbox, newest first.
pub async fn list(
    state: &AppState,
    org_id: OrgId,
    page: Page,
    status: Option<EmailStatus>,
) -> Result<(Vec<Email>, String), NotifierError> {
    let rows = store::list_emails(&state.db, org_id, status, page.after, page.size).await?;
    let next = page.next_token(
        rows.len(),
        rows.last().map(|r| (r.created_at, r.email_id.0)),
    );
    Ok((rows, next))
}

/// Queues a failed (or held) message of the org again.
pub async fn retry(
    state: &AppState,
    org_id: OrgId,
    email_id: EmailId,
) -> Result<Email, NotifierError> {
    if let Some(row) = store::requeue(&state.db, org_id, email_id, state.clock.now()).await? {
        wake(state);
        return Ok(row);
    }
    match store::find_email(&state.db, org_id, email_id).await? {
        Some(_) => Err(NotifierError::NotRetryable),
        None => Err(NotifierError::EmailNotFound),
    }
}
