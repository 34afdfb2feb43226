//! Share links (design/links.md): one document, invoice, quote, credit note, order or
//! statement opened by an emailed link with no sign-in. Made here for a staff member
//! who sends the subject, answered once with its token (kept only as its SHA-256),
//! opened by anyone who holds the token while it is live, and checked again by the
//! subject's owner before it shows anything.

pub mod store;

use atrium_common::auth::{Principal, SubjectKind as Who};
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::page::Page;
use atrium_common::roles::Permission;
use atrium_common::token::{hash_token, random_token};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::AppState;
use crate::error::DocumentsError;
use store::{LinkRow, NewLink, Whose};

atrium_common::text_enum! {
    /// What a link opens.
    pub enum SubjectKind {
        Document = "document",
        Invoice = "invoice",
        Quote = "quote",
        CreditNote = "credit_note",
        Order = "order",
        Statement = "statement",
    }
}

impl SubjectKind {
    /// What a staff member needs to send (and revoke) a link to such a subject.
    pub fn manage(self) -> Permission {
        match self {
            SubjectKind::Document => Permission::DocumentsManage,
            _ => Permission::BillingManage,
        }
    }

    /// What a staff member needs to list the links of such a subject.
    pub fn view(self) -> Permission {
        match self {
            SubjectKind::Document => Permission::ProjectsView,
            _ => Permission::BillingView,
        }
    }
}

/// What a link is about: the subject's kind and id, and a statement's period and
/// currency (as its sender wrote them; empty for other kinds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: Uuid,
    pub extra: String,
}

/// Live: neither ended nor revoked, and not yet expired.
pub fn is_live(link: &LinkRow, now: DateTime<Utc>) -> bool {
    link.ended_at.is_none() && link.revoked_at.is_none() && link.expires_at > now
}

pub(crate) fn may(staff: &Principal, permission: Permission) -> Result<(), DocumentsError> {
    match staff.role {
        Some(role) if staff.kind == Who::Staff && role.allows(permission) => Ok(()),
        _ => Err(DocumentsError::Denied(permission)),
    }
}

/// A new live link to `subject` for the organization's `customer_id`, made for the
/// staff member who sends it; answers it with its token (the only time it is seen).
pub async fn create(
    state: &AppState,
    staff: &Principal,
    customer_id: CustomerId,
    subject: Subject,
) -> Result<(LinkRow, String), DocumentsError> {
    may(staff, subject.kind.manage())?;
    if subject.extra.len() > 200 {
        return Err(DocumentsError::InvalidField {
            field: "subject.extra",
            problem: "must be at most 200 bytes",
        });
    }
    mint(
        state,
        (staff.org_id, customer_id),
        subject,
        Some(staff.subject_id),
    )
    .await
}

/// Stores a new live link of the customer to `subject`, made by `by` (none: renewed by
/// its holder); answers it with its token.
async fn mint(
    state: &AppState,
    whose: (OrgId, CustomerId),
    subject: Subject,
    by: Option<Uuid>,
) -> Result<(LinkRow, String), DocumentsError> {
    let now = state.clock.now();
    let lifetime = (now, now + state.share_link_ttl);
    insert_new(&state.db, whose, subject, (by, lifetime)).await
}

/// Stores a new live link made by `by` at `created_at`, running out at `expires_at`.
async fn insert_new(
    db: &atrium_common::db::Db,
    (org_id, customer_id): (OrgId, CustomerId),
    subject: Subject,
    (by, (created_at, expires_at)): (Option<Uuid>, (DateTime<Utc>, DateTime<Utc>)),
) -> Result<(LinkRow, String), DocumentsError> {
    let token = random_token();
    let row = LinkRow {
        link_id: Uuid::now_v7(),
        org_id,
        customer_id,
        subject_kind: subject.kind,
        subject_id: subject.id,
        subject_extra: subject.extra,
        created_by: by,
        created_at,
        expires_at,
        ended_at: None,
        revoked_at: None,
        first_viewed_at: None,
        last_viewed_at: None,
        views: 0,
        downloads: 0,
    };
    let hash = hash_token(&token);
    store::insert(
        db,
        NewLink {
            row: &row,
            token_hash: &hash,
        },
    )
    .await?;
    Ok((row, token))
}

/// "Send again": a new live link to the same subject for the holder whose link (live,
/// expired or ended, never revoked) the token names; anything else is `TokenInvalid`.
pub async fn renew(
    state: &AppState,
    holder: &Principal,
    token: &str,
) -> Result<(LinkRow, String), DocumentsError> {
    let old = known(state, token)
        .await?
        .filter(|link| link.org_id == holder.org_id && link.customer_id.0 == holder.subject_id)
        .ok_or(DocumentsError::TokenInvalid)?;
    let subject = Subject {
        kind: old.subject_kind,
        id: old.subject_id,
        extra: old.subject_extra,
    };
    mint(state, (old.org_id, old.customer_id), subject, None).await
}

/// A new live link of the customer `holder` to their own invoice or quote ("Request
/// access": billing found it open and theirs); other kinds are refused.
pub async fn create_mine(
    state: &AppState,
    holder: &Principal,
    subject: Subject,
) -> Result<(LinkRow, String), DocumentsError> {
    if !matches!(subject.kind, SubjectKind::Invoice | SubjectKind::Quote) {
        return Err(DocumentsError::InvalidField {
            field: "subject.kind",
            problem: "must be invoice or quote",
        });
    }
    let whose = (holder.org_id, holder.customer_id());
    mint(state, whose, subject, None).await
}

/// What opening a link counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// A check that counts nothing (a form post about to act).
    Nothing,
    View,
    Download,
}

/// The live link the token names, counting `used`; any other token (unknown, expired,
/// ended, revoked) is `TokenInvalid`, alike.
pub async fn open(state: &AppState, token: &str, used: Use) -> Result<LinkRow, DocumentsError> {
    let now = state.clock.now();
    let found = store::find_by_token(&state.db, &hash_token(token)).await?;
    let link = found
        .filter(|link| is_live(link, now))
        .ok_or(DocumentsError::TokenInvalid)?;
    if used != Use::Nothing {
        store::count_use(&state.db, link.link_id, used == Use::Download, now).await?;
    }
    Ok(link)
}

/// The token's link whatever its state (live, expired or ended, not revoked): "Send
/// again" mails a new one for the same subject; `None` for an unknown or revoked token.
pub async fn known(state: &AppState, token: &str) -> Result<Option<LinkRow>, DocumentsError> {
    let found = store::find_by_token(&state.db, &hash_token(token)).await?;
    Ok(found.filter(|link| link.revoked_at.is_none()))
}

/// The subject's owner checks, with the principal the gateway built from the link (its
/// organization and customer), that the link is live and theirs.
pub async fn check(
    state: &AppState,
    holder: &Principal,
    link_id: &str,
) -> Result<LinkRow, DocumentsError> {
    let id = Uuid::parse_str(link_id).map_err(|_| DocumentsError::TokenInvalid)?;
    let now = state.clock.now();
    let found = store::find(&state.db, id).await?;
    found
        .filter(|link| {
            is_live(link, now)
                && link.org_id == holder.org_id
                && holder.kind == Who::Customer
                && link.customer_id == holder.customer_id()
        })
        .ok_or(DocumentsError::TokenInvalid)
}

/// The holder's "End access": the live link ends for good.
pub async fn end(state: &AppState, token: &str) -> Result<(), DocumentsError> {
    let link = open(state, token, Use::Nothing).await?;
    if store::end(&state.db, link.link_id, state.clock.now()).await? {
        Ok(())
    } else {
        Err(DocumentsError::TokenInvalid)
    }
}

/// A page of the links of one subject (`billing.view` or `projects.view` by its kind)
/// or of one customer (`billing.view`: statements are theirs too).
pub async fn list(
    state: &AppState,
    staff: &Principal,
    whose: Whose,
    page: Page,
) -> Result<(Vec<LinkRow>, String), DocumentsError> {
    match &whose {
        Whose::Subject(kind, _) => may(staff, kind.view())?,
        Whose::Customer(_) => may(staff, Permission::BillingView)?,
    }
    let rows = store::list(&state.db, staff.org_id, &whose, page.after, page.size).await?;
    let last = rows.last().map(|row| (row.created_at, row.link_id));
    let next = page.next_token(rows.len(), last);
    Ok((rows, next))
}

/// Revokes one of the organization's links (the write permission of its subject's area).
pub async fn revoke(
    state: &AppState,
    staff: &Principal,
    link_id: &str,
) -> Result<(), DocumentsError> {
    let id = Uuid::parse_str(link_id).map_err(|_| DocumentsError::LinkNotFound)?;
    let link = store::find(&state.db, id)
        .await?
        .filter(|link| link.org_id == staff.org_id)
        .ok_or(DocumentsError::LinkNotFound)?;
    may(staff, link.subject_kind.manage())?;
    store::revoke(&state.db, staff.org_id, id, state.clock.now()).await?;
    Ok(())
}

/// Every link of the customer stops working (deactivated or erased).
pub async fn revoke_customer(
    state: &AppState,
    whose: (OrgId, CustomerId),
) -> Result<u64, DocumentsError> {
    Ok(store::revoke_customer(&state.db, whose, state.clock.now()).await?)
}

/// A live link of the customer to `subject` stored straight into the store, for the
/// benchmarks' seeds: it runs for a day from `now`. Answers its token.
pub async fn seed(
    db: &atrium_common::db::Db,
    whose: (OrgId, CustomerId),
    (kind, id): (SubjectKind, Uuid),
    now: DateTime<Utc>,
) -> Result<String, DocumentsError> {
    let subject = Subject {
        kind,
        id,
        extra: String::new(),
    };
    let lifetime = (now, now + chrono::Duration::days(1));
    Ok(insert_new(db, whose, subject, (None, lifetime)).await?.1)
}
