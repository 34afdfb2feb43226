//! In-app notifications: what a create must carry, and the recipient's own list, unread
//! count and read marks. Another recipient's notification is simply not found.

pub mod store;

use atrium_common::auth::{Principal, SubjectKind};
use atrium_common::ids::{NotificationId, OrgId};
use atrium_common::page::Page;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::AppState;
use crate::error::NotifierError;
use store::Recipient;

/// An in-app notification of one recipient.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Notification {
    pub notification_id: NotificationId,
    pub org_id: OrgId,
    pub recipient_kind: String,
    pub recipient_id: Uuid,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub idempotency_key: Option<String>,
    /// A JSON object: the notice's parameters.
    pub params: String,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A notification a service asks for.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub org_id: String,
    pub recipient_kind: String,
    pub recipient_id: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub idempotency_key: String,
    pub params_json: String,
}

/// One page of the principal's notifications, the next page token and the unread count.
pub struct Listing {
    pub items: Vec<Notification>,
    pub next_page_token: String,
    pub unread_count: i64,
}

fn recipient(principal: &Principal) -> Result<Recipient<'static>, NotifierError> {
    let kind = match principal.kind {
        SubjectKind::Customer => "customer",
        SubjectKind::Staff => "staff",
        SubjectKind::Guest | SubjectKind::Service => {
            return Err(NotifierError::NotificationNotFound);
        }
    };
    Ok(Recipient {
        org_id: principal.org_id,
        kind,
        id: principal.subject_id,
    })
}

fn parse_uuid(field: &'static str, text: &str) -> Result<Uuid, NotifierError> {
    Uuid::parse_str(text).map_err(|_| NotifierError::invalid(field, "must be a UUID"))
}

fn check_length(
    field: &'static str,
    text: &str,
    min: usize,
    max: usize,
) -> Result<(), NotifierError> {
    let count = text.chars().count();
    if count < min || count > max {
        let problem = if min == 0 {
            format!("must be at most {max} characters")
        } else {
            format!("must be {min}-{max} characters")
        };
        return Err(NotifierError::invalid(field, problem));
    }
    Ok(())
}

/// A portal path or an http(s) URL; never `javascript:` or another scheme a browser would run.
fn check_link(link: &str) -> Result<(), NotifierError> {
    let safe = link.is_empty()
        || (link.starts_with('/') && !link.starts_with("//"))
        || link.starts_with("https://")
        || link.starts_with("http://");
    if !safe || link.len() > 2000 || link.chars().any(char::is_control) {
        return Err(NotifierError::invalid(
            "link",
            "must be a path starting with / or an http(s) URL of at most 2000 characters",
        ));
    }
    Ok(())
}

/// Stores a notification; the same idempotency key again answers the first one.
pub async fn create(
    state: &AppState,
    new: NewNotification,
) -> Result<(Notification, bool), NotifierError> {
    let org_id = OrgId(parse_uuid("org_id", &new.org_id)?);
    let recipient_id = parse_uuid("recipient_id", &new.recipient_id)?;
    if !["customer", "staff"].contains(&new.recipient_kind.as_str()) {
        return Err(NotifierError::invalid(
            "recipient_kind",
            "must be customer or staff",
        ));
    }
    let kind_ok = !new.kind.is_empty()
        && new.kind.len() <= 64
        && new
            .kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !kind_ok {
        return Err(NotifierError::invalid(
            "kind",
            "must be 1-64 characters of a-z, 0-9, '.', '_' or '-'",
        ));
    }
    let title = new.title.trim();
    check_length("title", title, 1, 200)?;
    check_length("body", &new.body, 0, 5000)?;
    check_link(&new.link)?;
    let params = params_of(&new.params_json)?;
    let key = Some(new.idempotency_key.trim())
        .filter(|k| !k.is_empty())
        .map(str::to_owned);
    if let Some(key) = &key {
        check_length("idempotency_key", key, 1, 200)?;
        if let Some(existing) = store::find_by_key(&state.db, org_id, key).await? {
            return Ok((existing, false));
        }
    }
    let row = Notification {
        notification_id: NotificationId::new(),
        org_id,
        recipient_kind: new.recipient_kind,
        recipient_id,
        kind: new.kind,
        title: title.to_owned(),
        body: new.body,
        link: new.link,
        idempotency_key: key.clone(),
        params,
        read_at: None,
        created_at: state.clock.now(),
    };
    if store::insert(&state.db, &row).await? {
        return Ok((row, true));
    }
    // Another caller stored the same key a moment ago.
    let existing = match &key {
        Some(key) => store::find_by_key(&state.db, org_id, key).await?,
        None => None,
    };
    existing
        .map(|row| (row, false))
        .ok_or(NotifierError::NotificationNotFound)
}

/// The principal's notifications, newest first, with their unread count.
pub async fn list(
    state: &AppState,
    principal: &Principal,
    page: Page,
) -> Result<Listing, NotifierError> {
    let recipient = recipient(principal)?;
    let items = store::list(&state.db, recipient, page.after, page.size).await?;
    let next_page_token = page.next_token(
        items.len(),
        items.last().map(|r| (r.created_at, r.notification_id.0)),
    );
    let unread_count = store::unread_count(&state.db, recipient).await?;
    Ok(Listing {
        items,
        next_page_token,
        unread_count,
    })
}

/// How many of the principal's notifications are unread.
pub async fn unread(state: &AppState, principal: &Principal) -> Result<i64, NotifierError> {
    store::unread_count(&state.db, recipient(principal)?).await
}

/// Marks one of the principal's notifications read; another's is not found.
pub async fn mark_read(
    state: &AppState,
    principal: &Principal,
    notification_id: &str,
) -> Result<Notification, NotifierError> {
    let recipient = recipient(principal)?;
    let id = NotificationId::parse(notification_id).ok_or(NotifierError::NotificationNotFound)?;
    store::mark_read(&state.db, recipient, id, state.clock.now())
        .await?
        .ok_or(NotifierError::NotificationNotFound)
}

/// Marks every unread notification of the principal read; answers how many.
pub async fn mark_all_read(state: &AppState, principal: &Principal) -> Result<u64, NotifierError> {
    let recipient = recipient(principal)?;
    store::mark_all_read(&state.db, recipient, state.clock.now()).await
}

/// The parameters as stored: a JSON object of at most 5000 characters; empty is `{}`.
fn params_of(text: &str) -> Result<String, NotifierError> {
    if text.trim().is_empty() {
        return Ok("{}".to_owned());
    }
    check_length("params_json", text, 2, 5000)?;
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(_)) => Ok(text.to_owned()),
        _ => Err(NotifierError::invalid(
            "params_json",
            "must be a JSON object",
        )),
    }
}
