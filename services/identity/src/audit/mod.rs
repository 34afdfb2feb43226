//! The audit trail: who did what to what, from where, as DESIGN.md's audit entry. Identity
//! writes its own entries in the transaction of the action they record, so an action and
//! its entry commit together; a failed sign-in, which changes nothing else, is written alone.

mod store;

use atrium_common::auth::Principal;
use atrium_common::db::{Db, Tx};
use atrium_common::ids::{CustomerId, OrgId, StaffId};
use atrium_common::token::hash_token;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::IdentityError;

/// One entry, as the trail holds it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEntry {
    pub audit_id: Uuid,
    pub org_id: OrgId,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: String,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub ip: String,
}

/// Who acted.
#[derive(Debug, Clone)]
pub struct Actor {
    pub kind: &'static str,
    pub id: String,
}

impl Actor {
    pub fn staff(id: StaffId) -> Actor {
        Actor {
            kind: "staff",
            id: id.to_string(),
        }
    }

    pub fn customer(id: CustomerId) -> Actor {
        Actor {
            kind: "customer",
            id: id.to_string(),
        }
    }

    /// A caller the gateway vouched for.
    pub fn of(principal: &Principal) -> Actor {
        Actor {
            kind: principal.kind.as_str(),
            id: principal.subject_id.to_string(),
        }
    }

    /// Someone who typed an email that names no account: the hash of what they typed
    /// (normalised), never the address.
    pub fn typed_email(normalized_email: &str) -> Actor {
        let hash = hash_token(normalized_email);
        Actor {
            kind: "email",
            id: hash.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }
}

/// Builds and writes an entry of `org_id` at `at`.
pub struct Audit<'a> {
    pub org_id: OrgId,
    pub actor: Actor,
    pub action: &'static str,
    pub subject: (&'static str, Uuid),
    pub ip: &'a str,
    pub at: DateTime<Utc>,
}

impl Audit<'_> {
    fn row(&self) -> AuditEntry {
        AuditEntry {
            // Time-ordered, so entries of one instant list in the order they were made.
            audit_id: Uuid::now_v7(),
            org_id: self.org_id,
            at: self.at,
            actor_kind: self.actor.kind.to_owned(),
            actor_id: self.actor.id.clone(),
            action: self.action.to_owned(),
            subject_kind: self.subject.0.to_owned(),
            subject_id: self.subject.1.to_string(),
            ip: self.ip.chars().take(64).collect(),
        }
    }

    /// Writes the entry inside the action's transaction.
    pub async fn record(&self, tx: &mut Tx) -> Result<(), IdentityError> {
        store::insert(tx, &self.row()).await
    }

    /// Writes the entry on its own (an action that changes nothing else).
    pub async fn record_alone(&self, db: &Db) -> Result<(), IdentityError> {
        let mut tx = db.begin().await?;
        store::insert(&mut tx, &self.row()).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Writes an entry another service relayed from its outbox, under the id it chose, so a
/// repeat is one entry. A malformed entry is refused for good (INVALID_ARGUMENT).
pub async fn record_relayed(db: &Db, row: &AuditEntry) -> Result<(), IdentityError> {
    let word = |text: &str| {
        !text.is_empty()
            && text.len() <= 64
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
    };
    let fine = word(&row.action)
        && row.action.contains('.')
        && word(&row.actor_kind)
        && word(&row.subject_kind)
        && !row.actor_id.is_empty()
        && row.actor_id.len() <= 128
        && !row.subject_id.is_empty()
        && row.subject_id.len() <= 128;
    if !fine {
        return Err(IdentityError::InvalidField {
            field: "entry",
            problem: "must name an actor, a <subject>.<verb> action and a subject",
        });
    }
    let mut tx = db.begin().await?;
    store::insert(&mut tx, row).await?;
    tx.commit().await?;
    Ok(())
}

/// What a staff member asks of the trail.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// One page of the org's trail, newest first, and the next page token.
pub async fn list(
    db: &Db,
    org_id: OrgId,
    filter: &AuditFilter,
    page: atrium_common::page::Page,
) -> Result<(Vec<AuditEntry>, String), IdentityError> {
    let rows = store::page(db, org_id, filter, page.after, page.size).await?;
    let next = page.next_token(rows.len(), rows.last().map(|r| (r.at, r.audit_id)));
    Ok((rows, next))
}

/// Drops the client addresses of entries an erased customer made, and of failed sign-ins
/// under their address; the entries themselves stay.
pub async fn redact_customer(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
    normalized_email: &str,
) -> Result<(), IdentityError> {
    let email_actor = Actor::typed_email(normalized_email).id;
    store::clear_ip_of(tx, org_id, &[customer_id.to_string(), email_actor]).await
}
