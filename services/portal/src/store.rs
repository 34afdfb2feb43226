//! The portal's SQL: projects, phases and assignments, one function per statement on
//! both backends.

use atrium_common::db::{Db, Tx, like_pattern};
use atrium_common::{on_db, on_tx};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProjectRow {
    pub project_id: Uuid,
    pub org_id: Uuid,
    pub kind: String,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub status: String,
    pub cover_url: Option<String>,
    pub guest_password_hash: Option<String>,
    pub guest_password_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The rounded mean of the phases' percent_complete, 0 without phases.
    pub progress: i32,
}

/// The columns of [`ProjectRow`] from `project p`.
macro_rules! project_columns {
    () => {
        "p.project_id, p.org_id, p.kind, p.name, p.slug, p.description, p.starts_on, p.ends_on, \
         p.status, p.cover_url, p.guest_password_hash, p.guest_password_version, p.created_at, \
         p.updated_at, p.progress"
    };
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PhaseRow {
    pub phase_id: Uuid,
    pub project_id: Uuid,
    pub name: String,
    pub position: i32,
    pub status: String,
    pub percent_complete: i32,
}

pub async fn insert_project(tx: &mut Tx, p: &ProjectRow) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "insert into project (project_id, org_id, kind, name, slug, description, starts_on, \
             ends_on, status, cover_url, guest_password_hash, guest_password_version, created_at, \
             updated_at, search_text) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             $13, $14, $15)",
        )
        .bind(p.project_id)
        .bind(p.org_id)
        .bind(&p.kind)
        .bind(&p.name)
        .bind(&p.slug)
        .bind(&p.description)
        .bind(&p.starts_on)
        .bind(&p.ends_on)
        .bind(&p.status)
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
fn search_text(p: &ProjectRow) -> String {
    atrium_common::db::fold(&[&p.name, &p.slug, &p.description])
}

/// Fills the search text of projects written before it existed (migration 0006), in
/// batches; answers how many it filled.
pub async fn fill_search_text(db: &Db) -> Result<u64, sqlx::Error> {
    let mut filled = 0;
    loop {
        let batch: Vec<ProjectRow> = on_db!(db, |pool| {
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
pub async fn update_project(tx: &mut Tx, p: &ProjectRow) -> Result<(), sqlx::Error> {
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
        .bind(&p.status)
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
pub async fn lock_project(
    tx: &mut Tx,
    org_id: Uuid,
    project_id: Uuid,
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

/// Takes the customer's turn for changing their assignments in this transaction.
pub async fn lock_customer(
    tx: &mut Tx,
    org_id: Uuid,
    customer_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "insert into customer_lock (customer_id, org_id, touched_at) values ($1, $2, $3) \
             on conflict (customer_id) do update set touched_at = excluded.touched_at",
        )
        .bind(customer_id)
        .bind(org_id)
        .bind(now)
        .execute(conn)
        .await
        .map(drop)
    })
}

pub async fn find_project(
    db: &Db,
    org_id: Uuid,
    project_id: Uuid,
) -> Result<Option<ProjectRow>, sqlx::Error> {
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
pub async fn project_name(
    tx: &mut Tx,
    org_id: Uuid,
    project_id: Uuid,
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
    pub status: Option<&'a str>,
    pub kind: Option<&'a str>,
}

/// One page of the org's projects, newest first.
pub async fn list_projects(
    db: &Db,
    org_id: Uuid,
    filter: &ProjectFilter<'_>,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<ProjectRow>, sqlx::Error> {
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
        .bind(filter.status)
        .bind(filter.kind)
        .bind(before_at)
        .bind(before_id)
        .bind(limit)
        .fetch_all(pool)
        .await
    })
}

/// Deletes a project with its phases and assignments; false when there was none.
pub async fn delete_project(
    tx: &mut Tx,
    org_id: Uuid,
    project_id: Uuid,
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

pub async fn phases_of(db: &Db, project_id: Uuid) -> Result<Vec<PhaseRow>, sqlx::Error> {
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

pub async fn find_phase(
    tx: &mut Tx,
    project_id: Uuid,
    phase_id: Uuid,
) -> Result<Option<PhaseRow>, sqlx::Error> {
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

pub async fn insert_phase(
    tx: &mut Tx,
    phase: &PhaseRow,
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
        .bind(&phase.status)
        .bind(phase.percent_complete)
        .bind(now)
        .execute(conn)
        .await
        .map(drop)
    })
}

pub async fn update_phase(tx: &mut Tx, phase: &PhaseRow) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "update project_phase set name = $3, position = $4, status = $5, percent_complete = $6 \
             where project_id = $1 and phase_id = $2",
        )
        .bind(phase.project_id)
        .bind(phase.phase_id)
        .bind(&phase.name)
        .bind(phase.position)
        .bind(&phase.status)
        .bind(phase.percent_complete)
        .execute(conn)
        .await
        .map(drop)
    })
}

pub async fn delete_phase(
    tx: &mut Tx,
    project_id: Uuid,
    phase_id: Uuid,
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
pub async fn refresh_progress(tx: &mut Tx, project_id: Uuid) -> Result<(), sqlx::Error> {
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

/// The customers a project is assigned to.
pub async fn customers_of(tx: &mut Tx, project_id: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query_scalar("select customer_id from assignment where project_id = $1")
            .bind(project_id)
            .fetch_all(conn)
            .await
    })
}

/// The projects assigned to a customer.
pub async fn projects_of(
    tx: &mut Tx,
    org_id: Uuid,
    customer_id: Uuid,
) -> Result<Vec<Uuid>, sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "select project_id from assignment where org_id = $1 and customer_id = $2",
        )
        .bind(org_id)
        .bind(customer_id)
        .fetch_all(conn)
        .await
    })
}

/// Assigns a project to a customer (a revocation marker goes: it is theirs again).
pub async fn assign(
    tx: &mut Tx,
    org_id: Uuid,
    customer_id: Uuid,
    project_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "insert into assignment (org_id, customer_id, project_id, assigned_at) \
             values ($1, $2, $3, $4) on conflict (customer_id, project_id) do nothing",
        )
        .bind(org_id)
        .bind(customer_id)
        .bind(project_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        sqlx::query("delete from revoked_assignment where customer_id = $1 and project_id = $2")
            .bind(customer_id)
            .bind(project_id)
            .execute(conn)
            .await
            .map(drop)
    })
}

/// Takes a project away from a customer, leaving the marker that says it once was theirs.
pub async fn unassign(
    tx: &mut Tx,
    org_id: Uuid,
    customer_id: Uuid,
    project_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query("delete from assignment where customer_id = $1 and project_id = $2")
            .bind(customer_id)
            .bind(project_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "insert into revoked_assignment (org_id, customer_id, project_id, revoked_at) \
             values ($1, $2, $3, $4) on conflict (customer_id, project_id) \
             do update set revoked_at = excluded.revoked_at",
        )
        .bind(org_id)
        .bind(customer_id)
        .bind(project_id)
        .bind(now)
        .execute(conn)
        .await
        .map(drop)
    })
}

/// One of the customer's assigned projects, checked on this very read.
pub async fn find_assigned(
    db: &Db,
    org_id: Uuid,
    customer_id: Uuid,
    project_id: Uuid,
) -> Result<Option<ProjectRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            project_columns!(),
            " from assignment a join project p on p.project_id = a.project_id \
             where a.org_id = $1 and a.customer_id = $2 and a.project_id = $3 and p.org_id = $1"
        ))
        .bind(org_id)
        .bind(customer_id)
        .bind(project_id)
        .fetch_optional(pool)
        .await
    })
}

/// Whether the project was assigned to the customer and taken away.
pub async fn was_revoked(
    db: &Db,
    org_id: Uuid,
    customer_id: Uuid,
    project_id: Uuid,
) -> Result<bool, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar::<_, i32>(
            "select 1 from revoked_assignment where org_id = $1 and customer_id = $2 \
             and project_id = $3",
        )
        .bind(org_id)
        .bind(customer_id)
        .bind(project_id)
        .fetch_optional(pool)
        .await
        .map(|found| found.is_some())
    })
}

/// One page of the customer's assigned projects, newest assignment first (galleries
/// left out unless `with_galleries`).
pub async fn list_assigned(
    db: &Db,
    org_id: Uuid,
    customer_id: Uuid,
    with_galleries: bool,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<(ProjectRow, DateTime<Utc>)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Assigned {
        #[sqlx(flatten)]
        project: ProjectRow,
        assigned_at: DateTime<Utc>,
    }
    let (before_at, before_id) = before.unzip();
    let rows: Vec<Assigned> = on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            project_columns!(),
            ", a.assigned_at from assignment a join project p on p.project_id = a.project_id \
             where a.org_id = $1 and a.customer_id = $2 and p.org_id = $1 \
             and ($3 is null or a.assigned_at < $3 or (a.assigned_at = $3 and a.project_id < $4)) \
             and ($6 or p.kind <> 'gallery') \
             order by a.assigned_at desc, a.project_id desc limit $5"
        ))
        .bind(org_id)
        .bind(customer_id)
        .bind(before_at)
        .bind(before_id)
        .bind(limit)
        .bind(with_galleries)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| (r.project, r.assigned_at))
        .collect())
}

/// What the dashboard shows of an assigned project.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CardRow {
    pub project_id: Uuid,
    pub kind: String,
    pub name: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub status: String,
    pub cover_url: Option<String>,
    pub progress: i32,
}

/// Every project assigned to the customer, newest assignment first, as dashboard cards;
/// galleries only `with_galleries`.
pub async fn list_cards(
    db: &Db,
    org_id: Uuid,
    customer_id: Uuid,
    with_galleries: bool,
) -> Result<Vec<CardRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "select p.project_id, p.kind, p.name, p.starts_on, p.ends_on, p.status, \
             p.cover_url, p.progress \
             from assignment a join project p on p.project_id = a.project_id \
             where a.org_id = $1 and a.customer_id = $2 and p.org_id = $1 \
             and ($3 or p.kind <> 'gallery') \
             order by a.assigned_at desc, a.project_id desc",
        )
        .bind(org_id)
        .bind(customer_id)
        .bind(with_galleries)
        .fetch_all(pool)
        .await
    })
}

/// One of the org's projects by its slug.
pub async fn find_by_slug(
    db: &Db,
    org_id: Uuid,
    slug: &str,
) -> Result<Option<ProjectRow>, sqlx::Error> {
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

/// Opens a guest session on a gallery at its current password version, dropping the
/// gallery's expired ones.
pub async fn insert_guest_session(
    db: &Db,
    token_hash: &[u8],
    project: &ProjectRow,
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
pub async fn find_guest_gallery(
    db: &Db,
    org_id: Uuid,
    slug: &str,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<ProjectRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            project_columns!(),
            " from guest_session g join project p on p.project_id = g.project_id \
             where g.token_hash = $1 and g.org_id = $2 and p.org_id = $2 and p.slug = $3 \
             and p.kind = 'gallery' and p.guest_password_hash is not null \
             and p.guest_password_version = g.password_version and g.expires_at > $4"
        ))
        .bind(token_hash)
        .bind(org_id)
        .bind(slug)
        .bind(now)
        .fetch_optional(pool)
        .await
    })
}

/// Drops everything the portal holds on an erased customer: assignments, revocation
/// markers, permission overrides and the reconcile lock row.
pub async fn erase_customer(
    tx: &mut Tx,
    org_id: Uuid,
    customer_id: Uuid,
) -> Result<(), sqlx::Error> {
    for statement in [
        "delete from assignment where org_id = $1 and customer_id = $2",
        "delete from revoked_assignment where org_id = $1 and customer_id = $2",
        "delete from customer_permission where org_id = $1 and customer_id = $2",
        "delete from customer_lock where org_id = $1 and customer_id = $2",
    ] {
        on_tx!(tx, |conn| {
            sqlx::query(statement)
                .bind(org_id)
                .bind(customer_id)
                .execute(conn)
                .await
                .map(drop)
        })?;
    }
    Ok(())
}

/// One member of a project's team as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TeamRow {
    pub staff_id: Uuid,
    pub role_title: String,
}

/// A project's team, in the order staff chose.
pub async fn team_of(db: &Db, org_id: Uuid, project_id: Uuid) -> Result<Vec<TeamRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "select staff_id, role_title from project_team where org_id = $1 and project_id = $2 \
             order by position",
        )
        .bind(org_id)
        .bind(project_id)
        .fetch_all(pool)
        .await
    })
}

/// Replaces a project's team.
pub async fn replace_team(
    tx: &mut Tx,
    org_id: Uuid,
    project_id: Uuid,
    members: &[TeamRow],
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query("delete from project_team where org_id = $1 and project_id = $2")
            .bind(org_id)
            .bind(project_id)
            .execute(&mut *conn)
            .await?;
        for (position, member) in members.iter().enumerate() {
            sqlx::query(
                "insert into project_team (project_id, org_id, staff_id, role_title, position) \
                 values ($1, $2, $3, $4, $5)",
            )
            .bind(project_id)
            .bind(org_id)
            .bind(member.staff_id)
            .bind(&member.role_title)
            .bind(i32::try_from(position).unwrap_or(i32::MAX))
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    })
}
