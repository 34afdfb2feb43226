//! The SQL of document types, every statement scoped to the organization.

use atrium_common::db::Db;
use atrium_common::ids::{DocumentTypeId, OrgId};
use atrium_common::sql;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TypeRow {
    pub document_type_id: DocumentTypeId,
    pub name: String,
    pub requires_approval: bool,
}

pub async fn insert_type(
    db: &Db,
    org_id: OrgId,
    t: &TypeRow,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    sql!(db db, query(
        "insert into document_type (document_type_id, org_id, name, requires_approval, \
         created_at) values ($1, $2, $3, $4, $5)"
    ) [t.document_type_id, org_id, &t.name, t.requires_approval, now] execute)
}

pub async fn list_types(db: &Db, org_id: OrgId) -> Result<Vec<TypeRow>, sqlx::Error> {
    sql!(db db, query_as::<_, TypeRow>(
        "select document_type_id, name, requires_approval from document_type \
         where org_id = $1 order by name, document_type_id"
    ) [org_id] fetch_all)
}

pub async fn find_type(
    db: &Db,
    org_id: OrgId,
    id: DocumentTypeId,
) -> Result<Option<TypeRow>, sqlx::Error> {
    sql!(db db, query_as::<_, TypeRow>(
        "select document_type_id, name, requires_approval from document_type \
         where org_id = $1 and document_type_id = $2"
    ) [org_id, id] fetch_optional)
}

pub async fn update_type(db: &Db, org_id: OrgId, t: &TypeRow) -> Result<u64, sqlx::Error> {
    sql!(db db, query(
        "update document_type set name = $3, requires_approval = $4 \
         where org_id = $1 and document_type_id = $2"
    ) [org_id, t.document_type_id, &t.name, t.requires_approval] execute)
}

/// Deletes the type unless a document uses it; how many rows went (0 or 1).
pub async fn delete_unused_type(
    db: &Db,
    org_id: OrgId,
    id: DocumentTypeId,
) -> Result<u64, sqlx::Error> {
    sql!(db db, query(
        "delete from document_type where org_id = $1 and document_type_id = $2 \
         and not exists (select 1 from document d where d.document_type_id = $2)"
    ) [org_id, id] execute)
}
