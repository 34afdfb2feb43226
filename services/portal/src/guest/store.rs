//! The SQL of guest sessions on galleries.

use atrium_common::db::Db;
use atrium_common::ids::OrgId;
use chrono::{DateTime, Utc};

use crate::project::Project;
use crate::project::store::project_columns;
use atrium_common::sql;

use crate::error::PortalError;

/// Opens a guest session on a gallery at its current password version, dropping the
/// gallery's expired ones.
pub(crate) async fn insert_guest_session(
    db: &Db,
    token_hash: &[u8],
    project: &Project,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), PortalError> {
    let mut tx = db.begin().await?;
    sql!(tx &mut tx, query(
        "delete from guest_session where project_id = $1 and expires_at <= $2"
    ) [project.project_id, now] execute)?;
    sql!(tx &mut tx, query(
        "insert into guest_session (token_hash, org_id, project_id, password_version, \
         created_at, expires_at) values ($1, $2, $3, $4, $5, $6)"
    ) [
        token_hash, project.org_id, project.project_id, project.guest_password_version, now,
        expires_at,
    ] execute)?;
    tx.commit().await?;
    Ok(())
}

/// The gallery a live guest session opens: same org and slug, still a gallery with a
/// guest password, and at the password version the session was opened with.
pub(crate) async fn find_guest_gallery(
    db: &Db,
    org_id: OrgId,
    slug: &str,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<Project>, PortalError> {
    Ok(sql!(db db, query_as(
        concat!(
            "select ",
            project_columns!(),
            " from guest_session g join project p on p.project_id = g.project_id \
             where g.token_hash = $1 and g.org_id = $2 and p.org_id = $2 and p.slug = $3 \
             and p.kind = 'gallery' and p.guest_password_hash is not null \
             and p.guest_password_version = g.password_version and g.expires_at > $4"
        )
    ) [token_hash, org_id, slug, now] fetch_optional)?)
}
