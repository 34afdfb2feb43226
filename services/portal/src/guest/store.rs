//! The SQL of guest sessions on galleries.

use atrium_common::db::Db;
use atrium_common::ids::OrgId;
use atrium_common::on_db;
use chrono::{DateTime, Utc};

use crate::project::Project;
use crate::project::store::project_columns;
use atrium_common::sql;

/// Opens a guest session on a gallery at its current password version, dropping the
/// gallery's expired ones.
pub(crate) async fn insert_guest_session(
    db: &Db,
    token_hash: &[u8],
    project: &Project,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query("delete from guest_session where project_id = $1 and expires_at <= $2")
            .bind(project.project_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into guest_session (token_hash, org_id, project_id, password_version, \
             created_at, expires_at) values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(project.org_id)
        .bind(project.project_id)
        .bind(project.guest_password_version)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    })
}

/// The gallery a live guest session opens: same org and slug, still a gallery with a
/// guest password, and at the password version the session was opened with.
pub(crate) async fn find_guest_gallery(
    db: &Db,
    org_id: OrgId,
    slug: &str,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<Project>, sqlx::Error> {
    sql!(db db, query_as(
        concat!(
            "select ",
            project_columns!(),
            " from guest_session g join project p on p.project_id = g.project_id \
             where g.token_hash = $1 and g.org_id = $2 and p.org_id = $2 and p.slug = $3 \
             and p.kind = 'gallery' and p.guest_password_hash is not null \
             and p.guest_password_version = g.password_version and g.expires_at > $4"
        )
    ) [token_hash, org_id, slug, now] fetch_optional)
}
