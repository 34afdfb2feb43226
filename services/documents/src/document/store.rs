//! The SQL of documents, their history and download log. Every statement names the
//! organization, so no caller's earlier check keeps tenants apart; a status move
//! applies only from the status it was decided on.

use atrium_common::db::{Db, Tx, fold, like_pattern};
use atrium_common::ids::{CustomerId, DocumentId, DocumentTypeId, FileId, OrgId, ProjectId};
use atrium_common::sql;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::workflow::Status;

/// A document with its current file, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DocumentRow {
    pub document_id: DocumentId,
    pub org_id: OrgId,
    pub project_id: ProjectId,
    pub title: String,
    pub description: String,
    pub document_type_id: Option<DocumentTypeId>,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub version: i32,
    pub file_id: FileId,
    pub file_name: String,
    pub file_size: i64,
    pub content_type: String,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    /// When it was last sent by share link, and how often (none on a new row).
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_count: i64,
}

/// A document's new current file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    pub file_id: FileId,
    pub file_name: String,
    pub file_size: i64,
    pub content_type: String,
    pub sha256: String,
}

/// One step of a document's history.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct HistoryRow {
    pub at: DateTime<Utc>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor_kind: String,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub reason: Option<String>,
    pub version: i32,
}

/// One download of a document.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DownloadRow {
    pub download_id: Uuid,
    pub at: DateTime<Utc>,
    pub customer_id: Option<CustomerId>,
    pub link_id: Option<Uuid>,
    pub ip: String,
}

const COLUMNS: &str = "document_id, org_id, project_id, title, description, document_type_id, \
     status, version, file_id, file_name, file_size, content_type, sha256, created_at, \
     updated_at, published_at, sent_at, sent_count";

/// What a staff search matches: the title, description and file name, folded.
fn search_text(title: &str, description: &str, file_name: &str) -> String {
    fold(&[title, description, file_name])
}

pub async fn insert_document(tx: &mut Tx, d: &DocumentRow) -> Result<(), sqlx::Error> {
    sql!(tx tx, query(
        "insert into document (document_id, org_id, project_id, title, description, \
         document_type_id, status, version, file_id, file_name, file_size, content_type, \
         sha256, created_at, updated_at, published_at, search_text) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
    ) [
        d.document_id, d.org_id, d.project_id, &d.title, &d.description, d.document_type_id,
        d.status.as_str(), d.version, d.file_id, &d.file_name, d.file_size, &d.content_type,
        &d.sha256, d.created_at, d.updated_at, d.published_at,
        search_text(&d.title, &d.description, &d.file_name),
    ] execute)
    .map(drop)
}

/// Writes the document's title, description and type as `d` has them.
pub async fn update_details(tx: &mut Tx, d: &DocumentRow) -> Result<bool, sqlx::Error> {
    sql!(tx tx, query(
        "update document set title = $3, description = $4, document_type_id = $5, \
         updated_at = $6, search_text = $7 where org_id = $1 and document_id = $2"
    ) [
        d.org_id, d.document_id, &d.title, &d.description, d.document_type_id, d.updated_at,
        search_text(&d.title, &d.description, &d.file_name),
    ] execute)
    .map(|updated| updated == 1)
}

pub async fn find_document(
    db: &Db,
    org_id: OrgId,
    document_id: DocumentId,
) -> Result<Option<DocumentRow>, sqlx::Error> {
    let select = format!("select {COLUMNS} from document where org_id = $1 and document_id = $2");
    sql!(db db, query_as::<_, DocumentRow>(sqlx::AssertSqlSafe(select)) [org_id, document_id] fetch_optional)
}

/// Which of a project's documents a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocumentFilter<'a> {
    /// Only this status. The customers' list is the published ones, newest
    /// `published_at` first (the page cursor is then that time); any other list is newest
    /// `created_at` first.
    pub status: Option<Status>,
    /// A case-insensitive substring of the title, description or file name.
    pub q: Option<&'a str>,
    /// The cursor of the last row seen.
    pub after: Option<(DateTime<Utc>, Uuid)>,
}

/// One page of a project's documents (at most `limit`).
pub async fn list_documents(
    db: &Db,
    (org_id, project_id): (OrgId, ProjectId),
    filter: DocumentFilter<'_>,
    limit: i64,
) -> Result<Vec<DocumentRow>, sqlx::Error> {
    let at = if filter.status == Some(Status::Published) {
        "published_at"
    } else {
        "created_at"
    };
    let select = format!(
        "select {COLUMNS} from document where org_id = $1 and project_id = $2 \
         and ($3 is null or status = $3) and ($4 is null or search_text like $4 escape '\\') \
         and ($5 is null or {at} < $5 or ({at} = $5 and document_id < $6)) \
         order by {at} desc, document_id desc limit $7"
    );
    let status = filter.status.map(Status::as_str);
    let pattern = filter.q.map(like_pattern);
    let (after_at, after_id) = filter.after.unzip();
    sql!(db db, query_as::<_, DocumentRow>(sqlx::AssertSqlSafe(select)) [
        org_id, project_id, status, pattern, after_at, after_id, limit,
    ] fetch_all)
}

/// Moves a document from `from` to `to` (stamping `published_at` when it becomes
/// published, clearing it when it leaves); false when it was no longer in `from`.
pub async fn move_status(
    tx: &mut Tx,
    (org_id, document_id): (OrgId, DocumentId),
    from: Status,
    to: Status,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let published_at = (to == Status::Published).then_some(now);
    sql!(tx tx, query(
        "update document set status = $4, updated_at = $5, published_at = $6 \
         where org_id = $1 and document_id = $2 and status = $3"
    ) [org_id, document_id, from.as_str(), to.as_str(), now, published_at] execute)
    .map(|moved| moved == 1)
}

/// Makes `file` the document's current file as a new version, back in `draft`; false
/// when the document is not at `version` any more (another upload came first).
pub async fn replace_file(
    tx: &mut Tx,
    (org_id, document_id): (OrgId, DocumentId),
    version: i32,
    file: &FileRow,
    (title, description): (&str, &str),
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let search_text = search_text(title, description, &file.file_name);
    sql!(tx tx, query(
        "update document set version = version + 1, status = 'draft', published_at = null, \
         file_id = $4, file_name = $5, file_size = $6, content_type = $7, sha256 = $8, \
         updated_at = $9, search_text = $10 where org_id = $1 and document_id = $2 \
         and version = $3"
    ) [
        org_id, document_id, version, file.file_id, &file.file_name, file.file_size,
        &file.content_type, &file.sha256, now, search_text,
    ] execute)
    .map(|replaced| replaced == 1)
}

/// Deletes a document with its history and log; the id of its file, for the storage.
pub async fn delete_document(
    tx: &mut Tx,
    org_id: OrgId,
    document_id: DocumentId,
) -> Result<Option<FileId>, sqlx::Error> {
    let file: Option<(FileId,)> = sql!(tx tx, query_as(
        "select file_id from document where org_id = $1 and document_id = $2"
    ) [org_id, document_id] fetch_optional)?;
    sql!(tx tx, query(
        "delete from document_history where document_id in \
         (select document_id from document where org_id = $1 and document_id = $2)"
    ) [org_id, document_id] execute)?;
    sql!(tx tx, query(
        "delete from document_download where org_id = $1 and document_id = $2"
    ) [org_id, document_id] execute)?;
    sql!(tx tx, query(
        "delete from document where org_id = $1 and document_id = $2"
    ) [org_id, document_id] execute)?;
    Ok(file.map(|(id,)| id))
}

/// Deletes every document of a project with their histories and logs; the ids of their
/// files, for the storage.
pub async fn delete_project_documents(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
) -> Result<Vec<FileId>, sqlx::Error> {
    let files: Vec<(FileId,)> = sql!(tx tx, query_as(
        "select file_id from document where org_id = $1 and project_id = $2"
    ) [org_id, project_id] fetch_all)?;
    let of_project = "(select document_id from document where org_id = $1 and project_id = $2)";
    for table in ["document_history", "document_download"] {
        let statement = format!("delete from {table} where document_id in {of_project}");
        sql!(tx tx, query(sqlx::AssertSqlSafe(statement)) [org_id, project_id] execute)?;
    }
    sql!(tx tx, query(
        "delete from document where org_id = $1 and project_id = $2"
    ) [org_id, project_id] execute)?;
    Ok(files.into_iter().map(|(id,)| id).collect())
}

/// Appends a step to the history of a document of `org_id`.
pub async fn append_history(
    tx: &mut Tx,
    (org_id, document_id): (OrgId, DocumentId),
    step: &HistoryRow,
) -> Result<(), sqlx::Error> {
    sql!(tx tx, query(
        "insert into document_history (document_id, seq, at, action, from_status, to_status, \
         actor_kind, actor_id, actor_name, reason, version) \
         select d.document_id, coalesce((select max(h.seq) from document_history h \
         where h.document_id = d.document_id), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, $11 \
         from document d where d.org_id = $1 and d.document_id = $2"
    ) [
        org_id, document_id, step.at, &step.action, &step.from_status, &step.to_status,
        &step.actor_kind, step.actor_id, &step.actor_name, &step.reason, step.version,
    ] execute)
    .map(drop)
}

/// A document's history, oldest step first.
pub async fn history_of(
    db: &Db,
    org_id: OrgId,
    document_id: DocumentId,
) -> Result<Vec<HistoryRow>, sqlx::Error> {
    sql!(db db, query_as::<_, HistoryRow>(
        "select h.at, h.action, h.from_status, h.to_status, h.actor_kind, h.actor_id, \
         h.actor_name, h.reason, h.version from document_history h \
         join document d on d.document_id = h.document_id \
         where d.org_id = $1 and d.document_id = $2 order by h.seq"
    ) [org_id, document_id] fetch_all)
}

pub async fn record_download(
    db: &Db,
    (org_id, document_id): (OrgId, DocumentId),
    download: &DownloadRow,
) -> Result<(), sqlx::Error> {
    sql!(db db, query(
        "insert into document_download (download_id, org_id, document_id, at, customer_id, \
         link_id, ip) values ($1, $2, $3, $4, $5, $6, $7)"
    ) [
        download.download_id, org_id, document_id, download.at, download.customer_id,
        download.link_id, &download.ip,
    ] execute)
    .map(drop)
}

/// Counts a send of the organization's document by share link; false when it is gone.
pub async fn record_send(
    tx: &mut Tx,
    (org_id, document_id): (OrgId, DocumentId),
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    sql!(tx tx, query(
        "update document set sent_at = $3, sent_count = sent_count + 1 \
         where org_id = $1 and document_id = $2"
    ) [org_id, document_id, now] execute)
    .map(|changed| changed == 1)
}

/// Who downloaded a document, newest first.
pub async fn downloads_of(
    db: &Db,
    org_id: OrgId,
    document_id: DocumentId,
) -> Result<Vec<DownloadRow>, sqlx::Error> {
    sql!(db db, query_as::<_, DownloadRow>(
        "select download_id, at, customer_id, link_id, ip from document_download \
         where org_id = $1 and document_id = $2 order by at desc, download_id desc"
    ) [org_id, document_id] fetch_all)
}

/// An erased customer stays in the log as nobody.
pub async fn forget_customer(
    db: &Db,
    org_id: OrgId,
    customer_id: CustomerId,
) -> Result<u64, sqlx::Error> {
    sql!(db db, query(
        "update document_download set customer_id = null where org_id = $1 and customer_id = $2"
    ) [org_id, customer_id] execute)
}

/// Whether a row points at the file (the storage sweep keeps such objects).
pub async fn file_is_used(db: &Db, org_id: OrgId, file_id: FileId) -> Result<bool, sqlx::Error> {
    let found: Option<(i32,)> = sql!(db db, query_as(
        "select 1 from document where org_id = $1 and file_id = $2"
    ) [org_id, file_id] fetch_optional)?;
    Ok(found.is_some())
}
