//! The SQL of project teams.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{OrgId, ProjectId, StaffId};
use atrium_common::on_tx;
use atrium_common::sql;

/// One member of a project's team as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct TeamRow {
    pub staff_id: StaffId,
    pub role_title: String,
}

/// A project's team, in the order staff chose.
pub(crate) async fn team_of(
    db: &Db,
    org_id: OrgId,
    project_id: ProjectId,
) -> Result<Vec<TeamRow>, sqlx::Error> {
    sql!(db db, query_as(
        "select staff_id, role_title from project_team where org_id = $1 and project_id = $2 \
         order by position"
    ) [org_id, project_id] fetch_all)
}

/// Replaces a project's team.
pub(crate) async fn replace_team(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
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
