//! The SQL of projects and their phases, one function per statement on both backends.

use atrium_common::db::{Db, Tx, is_unique_violation, like_pattern};
use atrium_common::ids::{OrgId, PhaseId, ProjectId};
use chrono::{DateTime, Utc};

use super::{Phase, Project, ProjectKind, ProjectStatus};
use atrium_common::sql;

use crate::error::PortalError;

/// The columns of [`Project`] from `project p`, for every query that answers projects.
macro_rules! project_columns {
    () => {
        "p.project_id, p.org_id, p.kind, p.name, p.slug, p.description, p.starts_on, p.ends_on, \
         p.status, p.cover_url, p.cover_item_id, p.guest_password_hash, \
         p.guest_password_version, p.created_at, p.updated_at, p.progress"
    };
}
pub(crate) use project_columns;

/// Stores a new project; `SlugTaken` when another project of the org has its slug.
pub(crate) async fn insert_project(tx: &mut Tx, p: &Project) -> Result<(), PortalError> {
    let written = sql!(tx tx, query(
        "insert into project (project_id, org_id, kind, name, slug, description, starts_on, \
         ends_on, status, cover_url, guest_password_hash, guest_password_version, created_at, \
         updated_at, search_text, cover_item_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         $10, $11, $12, $13, $14, $15, $16)"
    ) [
        p.project_id, p.org_id, p.kind.as_str(), &p.name, &p.slug, &p.description, &p.starts_on,
        &p.ends_on, p.status.as_str(), &p.cover_url, &p.guest_password_hash,
        p.guest_password_version, p.created_at, p.updated_at, search_text(p), &p.cover_item_id,
    ] execute);
    // The slug is the one unique column a write can collide on.
    match written {
        Ok(_) => Ok(()),
        Err(err) if is_unique_violation(&err) => Err(PortalError::SlugTaken),
        Err(err) => Err(err.into()),
    }
}

/// What a staff search of projects matches, folded for any script.
fn search_text(p: &Project) -> String {
    atrium_common::db::fold(&[&p.name, &p.slug, &p.description])
}

/// Fills the search text of projects written before it existed (migration 0006), in
/// batches; answers how many it filled.
pub(crate) async fn fill_search_text(db: &Db) -> Result<u64, PortalError> {
    let mut filled = 0;
    loop {
        let batch: Vec<Project> = sql!(db db, query_as(
            concat!(
                "select ",
                project_columns!(),
                " from project p where p.search_text is null limit 500"
            )
        ) [] fetch_all)?;
        if batch.is_empty() {
            return Ok(filled);
        }
        let mut tx = db.begin().await?;
        for p in &batch {
            sql!(tx &mut tx, query(
                "update project set search_text = $2 where project_id = $1"
            ) [p.project_id, search_text(p)] execute)
            .map(drop)?;
        }
        tx.commit().await?;
        filled += batch.len() as u64;
    }
}

/// Writes every editable field of `p` back; `SlugTaken` when another project has its slug.
pub(crate) async fn update_project(tx: &mut Tx, p: &Project) -> Result<(), PortalError> {
    let written = sql!(tx tx, query(
        "update project set name = $3, slug = $4, description = $5, starts_on = $6, \
         ends_on = $7, status = $8, cover_url = $9, guest_password_hash = $10, \
         guest_password_version = $11, updated_at = $12, search_text = $13, \
         cover_item_id = $14 where org_id = $1 and project_id = $2"
    ) [
        p.org_id, p.project_id, &p.name, &p.slug, &p.description, &p.starts_on, &p.ends_on,
        p.status.as_str(), &p.cover_url, &p.guest_password_hash, p.guest_password_version,
        p.updated_at, search_text(p), &p.cover_item_id,
    ] execute);
    // The slug is the one unique column a write can collide on.
    match written {
        Ok(_) => Ok(()),
        Err(err) if is_unique_violation(&err) => Err(PortalError::SlugTaken),
        Err(err) => Err(err.into()),
    }
}

/// Takes the project's row for this transaction (a write first, so SQLite takes its
/// write lock up front and PostgreSQL locks the row); false when there is none.
pub(crate) async fn lock_project(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
    now: DateTime<Utc>,
) -> Result<bool, PortalError> {
    Ok(sql!(tx tx, query(
        "update project set updated_at = $3 where org_id = $1 and project_id = $2"
    ) [org_id, project_id, now] execute)
    .map(|done| done == 1)?)
}

pub(crate) async fn find_project(
    db: &Db,
    org_id: OrgId,
    project_id: ProjectId,
) -> Result<Option<Project>, PortalError> {
    Ok(sql!(db db, query_as(
        concat!(
            "select ",
            project_columns!(),
            " from project p where p.org_id = $1 and p.project_id = $2"
        )
    ) [org_id, project_id] fetch_optional)?)
}

/// The name of one of the org's projects, inside a transaction; None when it is not one.
pub(crate) async fn project_name(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
) -> Result<Option<String>, PortalError> {
    Ok(sql!(tx tx, query_scalar(
        "select name from project where org_id = $1 and project_id = $2"
    ) [org_id, project_id] fetch_optional)?)
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
) -> Result<Vec<Project>, PortalError> {
    let pattern = filter.q.map(like_pattern);
    let (before_at, before_id) = before.unzip();
    Ok(sql!(db db, query_as(
        concat!(
            "select ",
            project_columns!(),
            " from project p where p.org_id = $1 \
             and ($2 is null or p.search_text like $2 escape '\\') \
             and ($3 is null or p.status = $3) and ($4 is null or p.kind = $4) \
             and ($5 is null or p.created_at < $5 or (p.created_at = $5 and p.project_id < $6)) \
             order by p.created_at desc, p.project_id desc limit $7"
        )
    ) [
        org_id, &pattern, filter.status.map(ProjectStatus::as_str),
        filter.kind.map(ProjectKind::as_str), before_at, before_id, limit,
    ] fetch_all)?)
}

/// One of the org's projects by its slug.
pub(crate) async fn find_by_slug(
    db: &Db,
    org_id: OrgId,
    slug: &str,
) -> Result<Option<Project>, PortalError> {
    Ok(sql!(db db, query_as(
        concat!(
            "select ",
            project_columns!(),
            " from project p where p.org_id = $1 and p.slug = $2"
        )
    ) [org_id, slug] fetch_optional)?)
}

/// Deletes a project with its phases and assignments; false when there was none.
pub(crate) async fn delete_project(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
) -> Result<bool, PortalError> {
    Ok(sql!(tx tx, query(
        "delete from project where org_id = $1 and project_id = $2"
    ) [org_id, project_id] execute)
    .map(|done| done == 1)?)
}

// A phase row has no org_id of its own: each statement reaches it through its project
// within the organization, so no caller's earlier check is what keeps orgs apart.

/// A project's phases in their order; none unless the project is the org's.
pub(crate) async fn phases_of(
    db: &Db,
    org_id: OrgId,
    project_id: ProjectId,
) -> Result<Vec<Phase>, PortalError> {
    Ok(sql!(db db, query_as(
        "select ph.phase_id, ph.project_id, ph.name, ph.position, ph.status, ph.percent_complete \
         from project_phase ph join project p on p.project_id = ph.project_id \
         where p.org_id = $1 and ph.project_id = $2 order by ph.position, ph.created_at, ph.phase_id"
    ) [org_id, project_id] fetch_all)?)
}

pub(crate) async fn find_phase(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
    phase_id: PhaseId,
) -> Result<Option<Phase>, PortalError> {
    Ok(sql!(tx tx, query_as(
        "select ph.phase_id, ph.project_id, ph.name, ph.position, ph.status, ph.percent_complete \
         from project_phase ph join project p on p.project_id = ph.project_id \
         where p.org_id = $1 and ph.project_id = $2 and ph.phase_id = $3"
    ) [org_id, project_id, phase_id] fetch_optional)?)
}

/// Adds a phase to one of the org's projects; false (nothing written) for any other.
pub(crate) async fn insert_phase(
    tx: &mut Tx,
    org_id: OrgId,
    phase: &Phase,
    now: DateTime<Utc>,
) -> Result<bool, PortalError> {
    Ok(sql!(tx tx, query(
        "insert into project_phase (phase_id, project_id, name, position, status, \
         percent_complete, created_at) select $1, $2, $3, $4, $5, $6, $7 \
         where exists (select 1 from project where project_id = $2 and org_id = $8)"
    ) [
        phase.phase_id, phase.project_id, &phase.name, phase.position, phase.status.as_str(),
        phase.percent_complete, now, org_id,
    ] execute)
    .map(|done| done == 1)?)
}

pub(crate) async fn update_phase(
    tx: &mut Tx,
    org_id: OrgId,
    phase: &Phase,
) -> Result<bool, PortalError> {
    Ok(sql!(tx tx, query(
        "update project_phase set name = $3, position = $4, status = $5, percent_complete = $6 \
         where project_id = $1 and phase_id = $2 \
         and exists (select 1 from project where project_id = $1 and org_id = $7)"
    ) [
        phase.project_id, phase.phase_id, &phase.name, phase.position, phase.status.as_str(),
        phase.percent_complete, org_id,
    ] execute)
    .map(|done| done == 1)?)
}

pub(crate) async fn delete_phase(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
    phase_id: PhaseId,
) -> Result<bool, PortalError> {
    Ok(sql!(tx tx, query(
        "delete from project_phase where project_id = $1 and phase_id = $2 \
         and exists (select 1 from project where project_id = $1 and org_id = $3)"
    ) [project_id, phase_id, org_id] execute)
    .map(|done| done == 1)?)
}

/// Recomputes a project's progress from its phases; every phase write calls it in the
/// same transaction.
pub(crate) async fn refresh_progress(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
) -> Result<(), PortalError> {
    Ok(sql!(tx tx, query(
        "update project set progress = coalesce((select cast(round(avg(ph.percent_complete)) \
         as integer) from project_phase ph where ph.project_id = $1), 0) \
         where project_id = $1 and org_id = $2"
    ) [project_id, org_id] execute)
    .map(drop)?)
}

/// Takes the cover photo `item_id` off every project of the org it is the cover of.
pub(crate) async fn clear_cover(
    db: &Db,
    org_id: OrgId,
    item_id: uuid::Uuid,
) -> Result<(), PortalError> {
    sql!(db db, query(
        "update project set cover_item_id = null where org_id = $1 and cover_item_id = $2"
    ) [org_id, item_id.to_string()] execute)?;
    Ok(())
}
