//! The SQL of assignments (which customer sees which project), revocation markers and
//! what an erased customer leaves behind.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{CustomerId, OrgId, ProjectId};
use chrono::{DateTime, Utc};

use crate::project::store::project_columns;
use crate::project::{Card, Project};
use atrium_common::sql;

use crate::error::PortalError;

/// Takes the customer's turn for changing their assignments in this transaction.
pub(crate) async fn lock_customer(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
    now: DateTime<Utc>,
) -> Result<(), PortalError> {
    Ok(sql!(tx tx, query(
        "insert into customer_lock (customer_id, org_id, touched_at) values ($1, $2, $3) \
         on conflict (customer_id) do update set touched_at = excluded.touched_at"
    ) [customer_id, org_id, now] execute)
    .map(drop)?)
}

/// The customers a project is assigned to.
pub(crate) async fn customers_of(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
) -> Result<Vec<CustomerId>, PortalError> {
    Ok(sql!(tx tx, query_scalar(
        "select customer_id from assignment where org_id = $1 and project_id = $2"
    ) [org_id, project_id] fetch_all)?)
}

/// The projects assigned to a customer.
pub(crate) async fn projects_of(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
) -> Result<Vec<ProjectId>, PortalError> {
    Ok(sql!(tx tx, query_scalar(
        "select project_id from assignment where org_id = $1 and customer_id = $2"
    ) [org_id, customer_id] fetch_all)?)
}

/// Assigns a project to a customer (a revocation marker goes: it is theirs again).
pub(crate) async fn assign(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
    project_id: ProjectId,
    now: DateTime<Utc>,
) -> Result<(), PortalError> {
    sql!(tx tx, query(
        "insert into assignment (org_id, customer_id, project_id, assigned_at) \
         values ($1, $2, $3, $4) on conflict (customer_id, project_id) do nothing"
    ) [org_id, customer_id, project_id, now] execute)?;
    sql!(tx tx, query(
        "delete from revoked_assignment where customer_id = $1 and project_id = $2"
    ) [customer_id, project_id] execute)?;
    Ok(())
}

/// Takes a project away from a customer, leaving the marker that says it once was theirs.
pub(crate) async fn unassign(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
    project_id: ProjectId,
    now: DateTime<Utc>,
) -> Result<(), PortalError> {
    sql!(tx tx, query(
        "delete from assignment where customer_id = $1 and project_id = $2"
    ) [customer_id, project_id] execute)?;
    sql!(tx tx, query(
        "insert into revoked_assignment (org_id, customer_id, project_id, revoked_at) \
         values ($1, $2, $3, $4) on conflict (customer_id, project_id) \
         do update set revoked_at = excluded.revoked_at"
    ) [org_id, customer_id, project_id, now] execute)?;
    Ok(())
}

/// One of the customer's assigned projects, checked on this very read.
pub(crate) async fn find_assigned(
    db: &Db,
    org_id: OrgId,
    customer_id: CustomerId,
    project_id: ProjectId,
) -> Result<Option<Project>, PortalError> {
    Ok(sql!(db db, query_as(
        concat!(
            "select ",
            project_columns!(),
            " from assignment a join project p on p.project_id = a.project_id \
             where a.org_id = $1 and a.customer_id = $2 and a.project_id = $3 and p.org_id = $1"
        )
    ) [org_id, customer_id, project_id] fetch_optional)?)
}

/// Whether the project was assigned to the customer and taken away.
pub(crate) async fn was_revoked(
    db: &Db,
    org_id: OrgId,
    customer_id: CustomerId,
    project_id: ProjectId,
) -> Result<bool, PortalError> {
    Ok(sql!(db db, query_scalar::<_, i32>(
        "select 1 from revoked_assignment where org_id = $1 and customer_id = $2 \
         and project_id = $3"
    ) [org_id, customer_id, project_id] fetch_optional)
    .map(|found| found.is_some())?)
}

/// One page of the customer's assigned projects, newest assignment first (galleries
/// left out unless `with_galleries`).
pub(crate) async fn list_assigned(
    db: &Db,
    org_id: OrgId,
    customer_id: CustomerId,
    with_galleries: bool,
    before: Option<(DateTime<Utc>, uuid::Uuid)>,
    limit: i64,
) -> Result<Vec<(Project, DateTime<Utc>)>, PortalError> {
    #[derive(sqlx::FromRow)]
    struct Assigned {
        #[sqlx(flatten)]
        project: Project,
        assigned_at: DateTime<Utc>,
    }
    let (before_at, before_id) = before.unzip();
    let rows: Vec<Assigned> = sql!(db db, query_as(
        concat!(
            "select ",
            project_columns!(),
            ", a.assigned_at from assignment a join project p on p.project_id = a.project_id \
             where a.org_id = $1 and a.customer_id = $2 and p.org_id = $1 \
             and ($3 is null or a.assigned_at < $3 or (a.assigned_at = $3 and a.project_id < $4)) \
             and ($6 or p.kind <> 'gallery') \
             order by a.assigned_at desc, a.project_id desc limit $5"
        )
    ) [org_id, customer_id, before_at, before_id, limit, with_galleries] fetch_all)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.project, r.assigned_at))
        .collect())
}

/// Every project assigned to the customer, newest assignment first, as dashboard cards;
/// galleries only `with_galleries`.
pub(crate) async fn list_cards(
    db: &Db,
    org_id: OrgId,
    customer_id: CustomerId,
    with_galleries: bool,
) -> Result<Vec<Card>, PortalError> {
    Ok(sql!(db db, query_as(
        "select p.project_id, p.kind, p.name, p.starts_on, p.ends_on, p.status, \
         p.cover_url, p.cover_item_id, p.progress \
         from assignment a join project p on p.project_id = a.project_id \
         where a.org_id = $1 and a.customer_id = $2 and p.org_id = $1 \
         and ($3 or p.kind <> 'gallery') \
         order by a.assigned_at desc, a.project_id desc"
    ) [org_id, customer_id, with_galleries] fetch_all)?)
}

/// Drops everything the portal holds on an erased customer: assignments, revocation
/// markers, permission overrides and the reconcile lock row.
pub(crate) async fn erase_customer(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
) -> Result<(), PortalError> {
    for statement in [
        "delete from assignment where org_id = $1 and customer_id = $2",
        "delete from revoked_assignment where org_id = $1 and customer_id = $2",
        "delete from customer_permission where org_id = $1 and customer_id = $2",
        "delete from customer_lock where org_id = $1 and customer_id = $2",
    ] {
        sql!(tx tx, query(statement) [org_id, customer_id] execute)?;
    }
    Ok(())
}
