//! The audit trail: who did what to what, from where, as DESIGN.md's audit entry. Identity
//! writes its own entries in the transaction of the action they record, so an action and
//! its entry commit together; a failed sign-in, which changes nothing else, is written alone.

use atrium_common::auth::Principal;
use atrium_common::db::{Db, Tx};
use atrium_common::token::hash_token;
use atrium_common::{on_db, on_tx};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::IdentityError;

/// One entry, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub audit_id: Uuid,
    pub org_id: Uuid,
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
    pub fn staff(id: Uuid) -> Actor {
        Actor {
            kind: "staff",
            id: id.to_string(),
        }
    }

    pub fn customer(id: Uuid) -> Actor {
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
    pub org_id: Uuid,
    pub actor: Actor,
    pub action: &'static str,
    pub subject: (&'static str, Uuid),
    pub ip: &'a str,
    pub at: DateTime<Utc>,
}

impl Audit<'_> {
    fn row(&self) -> AuditRow {
        AuditRow {
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
        insert(tx, &self.row()).await
    }

    /// Writes the entry on its own (an action that changes nothing else).
    pub async fn record_alone(&self, db: &Db) -> Result<(), IdentityError> {
        let mut tx = db.begin().await?;
        insert(&mut tx, &self.row()).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn insert(tx: &mut Tx, row: &AuditRow) -> Result<(), IdentityError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "insert into audit_entry (audit_id, org_id, at, actor_kind, actor_id, action, subject_kind, \
             subject_id, ip) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (audit_id) do nothing",
        )
        .bind(row.audit_id)
        .bind(row.org_id)
        .bind(row.at)
        .bind(&row.actor_kind)
        .bind(&row.actor_id)
        .bind(&row.action)
        .bind(&row.subject_kind)
        .bind(&row.subject_id)
        .bind(&row.ip)
        .execute(conn)
        .await
        .map(drop)
    })?;
    Ok(())
}

/// Writes an entry another service relayed from its outbox, under the id it chose, so a
/// repeat is one entry. A malformed entry is refused for good (INVALID_ARGUMENT).
pub async fn record_relayed(db: &Db, row: &AuditRow) -> Result<(), IdentityError> {
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
    insert(&mut tx, row).await?;
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
    org_id: Uuid,
    filter: &AuditFilter,
    page: atrium_common::page::Page,
) -> Result<(Vec<AuditRow>, String), IdentityError> {
    let (before_at, before_id) = page.after.unzip();
    let rows: Vec<AuditRow> = on_db!(db, |pool| {
        sqlx::query_as(
            "select audit_id, org_id, at, actor_kind, actor_id, action, subject_kind, subject_id, ip \
             from audit_entry where org_id = $1 and ($2 is null or actor_id = $2) \
             and ($3 is null or action = $3) and ($4 is null or at >= $4) and ($5 is null or at < $5) \
             and ($6 is null or at < $6 or (at = $6 and audit_id < $7)) \
             order by at desc, audit_id desc limit $8",
        )
        .bind(org_id)
        .bind(&filter.actor_id)
        .bind(&filter.action)
        .bind(filter.from)
        .bind(filter.to)
        .bind(before_at)
        .bind(before_id)
        .bind(page.size)
        .fetch_all(pool)
        .await
    })?;
    let next = page.next_token(rows.len(), rows.last().map(|r| (r.at, r.audit_id)));
    Ok((rows, next))
}

/// Drops the client addresses of entries an erased customer made, and of failed sign-ins
/// under their address; the entries themselves stay.
pub async fn redact_customer(
    tx: &mut Tx,
    org_id: Uuid,
    customer_id: Uuid,
    normalized_email: &str,
) -> Result<(), IdentityError> {
    let email_actor = Actor::typed_email(normalized_email).id;
    on_tx!(tx, |conn| {
        sqlx::query(
            "update audit_entry set ip = '' where org_id = $1 and (actor_id = $2 or actor_id = $3)",
        )
        .bind(org_id)
        .bind(customer_id.to_string())
        .bind(&email_actor)
        .execute(conn)
        .await
        .map(drop)
    })?;
    Ok(())
}
