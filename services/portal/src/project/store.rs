//! The SQL of projects and their phases, one function per statement on both backends.

use atrium_common::db::{Db, Tx, like_pattern};
use atrium_common::ids::{OrgId, PhaseId, ProjectId};
use atrium_common::{on_db, on_tx};
use chrono::{DateTime, Utc};

use super::{Phase, Project, ProjectKind, ProjectStatus};

/// The columns of [`Project`] from `project p`, for every query that answers projects.
macro_rules! project_columns {
    () => {
        "p.project_id, p.org_id, p.kind, p.name, p.slug, p.description, p.starts_on, p.ends_on, \
         p.status, p.cover_url, p.guest_password_hash, p.guest_password_version, p.created_at, \
         p.updated_at, p.progress"
    };
}
pub(crate) use project_columns;

pub(crate) async fn insert_project(tx: &mut Tx, p: &Project) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "insert into project (project_id, org_id, kind, name, slug, description, starts_on, \
             ends_on, status, cover_url, guest_password_hash, guest_password_version, created_at, \
             updated_at, search_text) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             $13, $14, $15)",
        )
        .bind(p.project_id)
        .bind(p.org_id)
        .bind(p.kind.as_str())
        .bind(&p.name)
        .bind(&p.slug)
        .bind(&p.description)
        .bind(&p.starts_on)
        .bind(&p.ends_on)
        .bind(p.status.as_str())
        .bind(&p.cover_url)
        .bind(&p.guest_password_hash)
        .bind(p.guest_password_version)
        .bind(p.created_at)
        .bind(p.updated_at)
        .bind(search_text(p))
        .execute(conn)
        .await
        .map(drop)
    })
}

/// What a staff search of projects matches, folded for any script.
fn search_text(p: &Project) -> String {
    atrium_common::db::fold(&[&p.name, &p.slug, &p.description])
}

/// Fills the search text of projects written before it existed (migration 0006), in
/// batches; answers how many it filled.
pub(crate) async fn fill_search_text(db: &Db) -> Result<u64, sqlx::Error> {
    let mut filled = 0;
    loop {
        let batch: Vec<Project> = on_db!(db, |pool| {
            sqlx::query_as(concat!(
                "select ",
                project_columns!(),
                " from project p where p.search_text is null limit 500"
            ))
            .fetch_all(pool)
            .await
        })?;
        if batch.is_empty() {
            return Ok(filled);
        }
        let mut tx = db.begin().await?;
        for p in &batch {
            on_tx!(&mut tx, |conn| {
                sqlx::query("update project set search_text = $2 where project_id = $1")
                    .bind(p.project_id)
                    .bind(search_text(p))
                    .execute(conn)
                    .await
                    .map(drop)
            })?;
        }
        tx.commit().await?;
        filled += batch.len() as u64;
    }
}

/// Writes every editable field of `p` back.
pub(crate) async fn update_project(tx: &mut Tx, p: &Project) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "update project set name = $3, slug = $4, description = $5, starts_on = $6, \
             ends_on = $7, status = $8, cover_url = $9, guest_password_hash = $10, \
             guest_password_version = $11, updated_at = $12, search_text = $13 \
             where org_id = $1 and project_id = $2",
        )
        .bind(p.org_id)
        .bind(p.project_id)
        .bind(&p.name)
        .bind(&p.slug)
        .bind(&p.description)
        .bind(&p.starts_on)
        .bind(&p.ends_on)
        .bind(p.status.as_str())
        .bind(&p.cover_url)
        .bind(&p.guest_password_hash)
        .bind(p.guest_password_version)
        .bind(p.updated_at)
        .bind(search_text(p))
        .execute(conn)
        .await
        .map(drop)
    })
}

/// Takes the project's row for this transaction (a write first, so SQLite takes its
/// write lock up front and PostgreSQL locks the row); false when there is none.
pub(crate) async fn lock_project(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query("update project set updated_at = $3 where org_id = $1 and project_id = $2")
            .bind(org_id)
            .bind(project_id)
            .bind(now)
            .execute(conn)
            .await
            .map(|done| done.rows_affected() == 1)
    })
}

pub(crate) async fn find_project(
    db: &Db,
    org_id: OrgId,
    project_id: ProjectId,
) -> Result<Option<Project>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            project_columns!(),
            " from project p where p.org_id = $1 and p.project_id = $2"
        ))
        .bind(org_id)
        .bind(project_id)
        .fetch_optional(pool)
        .await
    })
}

/// The name of one of the org's projects, inside a transaction; None when it is not one.
pub(crate) async fn project_name(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
) -> Result<Option<String>, sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query_scalar("select name from project where org_id = $1 and project_id = $2")
            .bind(org_id)
            .bind(project_id)
            .fetch_optional(conn)
            .await
    })
}

/// Filters of the staff project list.
pub struct ProjectFilter<'a> {
    pub q: Option<&'a str>,
    pub status: Option<ProjectStatus>,
    pub kind: Option<ProjectKind>,
}

/// One page of the org's projects, newest first.
pub(crate) async fn list_projects(
    db: &Db,
    org_id: OrgId,
    filter: &ProjectFilter<'_>,
    before: Option<(DateTime<Utc>, uuid::Uuid)>,
    limit: i64,
) -> Result<Vec<Project>, sqlx::Error> {
    let pattern = filter.q.map(like_pattern);
    let (before_at, before_id) = before.unzip();
    on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            project_columns!(),
            " from project p where p.org_id = $1 \
             and ($2 is null or p.search_text like $2 escape '\\') \
             and ($3 is null or p.status = $3) and ($4 is null or p.kind = $4) \
             and ($5 is null or p.created_at < $5 or (p.created_at = $5 and p.project_id < $6)) \
             order by p.created_at desc, p.project_id desc limit $7"
        ))
        .bind(org_id)
        .bind(&pattern)
        .bind(filter.status.map(ProjectStatus::as_str))
        .bind(filter.kind.map(ProjectKind::as_str))
        .bind(before_at)
        .bind(before_id)
        .bind(limit)
        .fetch_all(pool)
        .await
    })
}

/// One of the org's projects by its slug.
pub(crate) async fn find_by_slug(
    db: &Db,
    org_id: OrgId,
    slug: &str,
) -> Result<Option<Project>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            project_columns!(),
            " from project p where p.org_id = $1 and p.slug = $2"
        ))
        .bind(org_id)
        .bind(slug)
        .fetch_optional(pool)
        .await
    })
}

/// Deletes a project with its phases and assignments; false when there was none.
pub(crate) async fn delete_project(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query("delete from project where org_id = $1 and project_id = $2")
            .bind(org_id)
            .bind(project_id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected() == 1)
    })
}

pub(crate) async fn phases_of(db: &Db, project_id: ProjectId) -> Result<Vec<Phase>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "select phase_id, project_id, name, position, status, percent_complete \
             from project_phase where project_id = $1 order by position, created_at, phase_id",
        )
        .bind(project_id)
        .fetch_all(pool)
        .await
    })
}

pub(crate) async fn find_phase(
    tx: &mut Tx,
    project_id: ProjectId,
    phase_id: PhaseId,
) -> Result<Option<Phase>, sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query_as(
            "select phase_id, project_id, name, position, status, percent_complete \
             from project_phase where project_id = $1 and phase_id = $2",
        )
        .bind(project_id)
        .bind(phase_id)
        .fetch_optional(conn)
        .await
    })
}

pub(crate) async fn insert_phase(
    tx: &mut Tx,
    phase: &Phase,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "insert into project_phase (phase_id, project_id, name, position, status, \
             percent_complete, created_at) values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(phase.phase_id)
        .bind(phase.project_id)
        .bind(&phase.name)
        .bind(phase.position)
        .bind(phase.status.as_str())
        .bind(phase.percent_complete)
        .bind(now)
        .execute(conn)
        .await
        .map(drop)
    })
}

pub(crate) async fn update_phase(tx: &mut Tx, phase: &Phase) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "update project_phase set name = $3, position = $4, status = $5, percent_complete = $6 \
             where project_id = $1 and phase_id = $2",
        )
        .bind(phase.project_id)
        .bind(phase.phase_id)
        .bind(&phase.name)
        .bind(phase.position)
        .bind(phase.status.as_str())
        .bind(phase.percent_complete)
        .execute(conn)
        .await
        .map(drop)
    })
}

pub(crate) async fn delete_phase(
    tx: &mut Tx,
    project_id: ProjectId,
    phase_id: PhaseId,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query("delete from project_phase where project_id = $1 and phase_id = $2")
            .bind(project_id)
            .bind(phase_id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected() == 1)
    })
}

/// Recomputes a project's progress from its phases; every phase write calls it in the
/// same transaction.
pub(crate) async fn refresh_progress(
    tx: &mut Tx,
    project_id: ProjectId,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "update project set progress = coalesce((select cast(round(avg(ph.percent_complete)) \
             as integer) from project_phase ph where ph.project_id = $1), 0) \
             where project_id = $1",
        )
        .bind(project_id)
        .execute(conn)
        .await
        .map(drop)
    })
}
