//! The SQL of share links. A link is found by its token's SHA-256 or by its id; whether
//! it is live is decided by its owner, [`super`], from the row and the clock.

use atrium_common::db::Db;
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::sql;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::SubjectKind;

const COLUMNS: &str = "link_id, org_id, customer_id, subject_kind, subject_id, subject_extra, \
                       created_by, created_at, expires_at, ended_at, revoked_at, \
                       first_viewed_at, last_viewed_at, views, downloads";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LinkRow {
    pub link_id: Uuid,
    pub org_id: OrgId,
    pub customer_id: CustomerId,
    #[sqlx(try_from = "String")]
    pub subject_kind: SubjectKind,
    pub subject_id: Uuid,
    pub subject_extra: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub first_viewed_at: Option<DateTime<Utc>>,
    pub last_viewed_at: Option<DateTime<Utc>>,
    pub views: i64,
    pub downloads: i64,
}

/// A link about to be stored, with its token's hash.
pub struct NewLink<'a> {
    pub row: &'a LinkRow,
    pub token_hash: &'a [u8],
}

pub async fn insert(db: &Db, link: NewLink<'_>) -> Result<(), sqlx::Error> {
    let r = link.row;
    sql!(db db, query(
        "insert into share_link (link_id, org_id, customer_id, subject_kind, subject_id, \
         subject_extra, token_hash, created_by, created_at, expires_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ) [r.link_id, r.org_id, r.customer_id, r.subject_kind.as_str(), r.subject_id,
       &r.subject_extra, link.token_hash, r.created_by, r.created_at, r.expires_at] execute)
    .map(drop)
}

pub async fn find_by_token(db: &Db, token_hash: &[u8]) -> Result<Option<LinkRow>, sqlx::Error> {
    let text = format!("select {COLUMNS} from share_link where token_hash = $1");
    sql!(db db, query_as::<_, LinkRow>(sqlx::AssertSqlSafe(text)) [token_hash] fetch_optional)
}

pub async fn find(db: &Db, link_id: Uuid) -> Result<Option<LinkRow>, sqlx::Error> {
    let text = format!("select {COLUMNS} from share_link where link_id = $1");
    sql!(db db, query_as::<_, LinkRow>(sqlx::AssertSqlSafe(text)) [link_id] fetch_optional)
}

/// Counts an open (`download` false) or a download of the link.
pub async fn count_use(
    db: &Db,
    link_id: Uuid,
    download: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let text = if download {
        "update share_link set downloads = downloads + 1 where link_id = $1"
    } else {
        "update share_link set views = views + 1, last_viewed_at = $2, \
         first_viewed_at = coalesce(first_viewed_at, $2) where link_id = $1"
    };
    sql!(db db, query(text) [link_id, now] execute).map(drop)
}

/// Ends the live link (the holder's "End access"); answers whether one was live.
pub async fn end(db: &Db, link_id: Uuid, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    sql!(db db, query(
        "update share_link set ended_at = $2 where link_id = $1 \
         and ended_at is null and revoked_at is null and expires_at > $2"
    ) [link_id, now] execute)
    .map(|changed| changed == 1)
}

/// Revokes one of the organization's links (staff); answers whether it was found.
pub async fn revoke(
    db: &Db,
    org_id: OrgId,
    link_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    sql!(db db, query(
        "update share_link set revoked_at = coalesce(revoked_at, $3) \
         where org_id = $1 and link_id = $2"
    ) [org_id, link_id, now] execute)
    .map(|changed| changed == 1)
}

/// Revokes every link to one of the organization's subjects (a document unpublished),
/// in the transaction that changes it.
pub async fn revoke_subject(
    tx: &mut atrium_common::db::Tx,
    (org_id, kind, subject_id): (OrgId, SubjectKind, Uuid),
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    sql!(tx tx, query(
        "update share_link set revoked_at = $4 \
         where org_id = $1 and subject_kind = $2 and subject_id = $3 and revoked_at is null"
    ) [org_id, kind.as_str(), subject_id, now] execute)
}

/// Revokes every live link of the customer (deactivated or erased); answers how many.
pub async fn revoke_customer(
    db: &Db,
    (org_id, customer_id): (OrgId, CustomerId),
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    sql!(db db, query(
        "update share_link set revoked_at = $3 where org_id = $1 and customer_id = $2 \
         and revoked_at is null"
    ) [org_id, customer_id, now] execute)
}

/// Which of the organization's links a list shows.
pub enum Whose {
    Subject(SubjectKind, Uuid),
    Customer(CustomerId),
}

/// A page of the organization's links, newest first, after the keyset `after`.
pub async fn list(
    db: &Db,
    org_id: OrgId,
    whose: &Whose,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<LinkRow>, sqlx::Error> {
    let (after_at, after_id) = after.unzip();
    let keyset = "($3 is null or created_at < $3 or (created_at = $3 and link_id < $4))";
    match whose {
        Whose::Subject(kind, id) => {
            let text = format!(
                "select {COLUMNS} from share_link where org_id = $1 and subject_kind = $5 \
                 and subject_id = $2 and {keyset} order by created_at desc, link_id desc \
                 limit $6"
            );
            sql!(db db, query_as::<_, LinkRow>(sqlx::AssertSqlSafe(text))
                [org_id, id, after_at, after_id, kind.as_str(), limit] fetch_all)
        }
        Whose::Customer(customer_id) => {
            let text = format!(
                "select {COLUMNS} from share_link where org_id = $1 and customer_id = $2 \
                 and {keyset} order by created_at desc, link_id desc limit $5"
            );
            sql!(db db, query_as::<_, LinkRow>(sqlx::AssertSqlSafe(text))
                [org_id, customer_id, after_at, after_id, limit] fetch_all)
        }
    }
}
