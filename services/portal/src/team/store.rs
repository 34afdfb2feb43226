//! The SQL of project teams.

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{OrgId, ProjectId, StaffId};
use atrium_common::sql;

use crate::error::PortalError;

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
) -> Result<Vec<TeamRow>, PortalError> {
    Ok(sql!(db db, query_as(
        "select staff_id, role_title from project_team where org_id = $1 and project_id = $2 \
         order by position"
    ) [org_id, project_id] fetch_all)?)
}

/// Replaces a project's team.
pub(crate) async fn replace_team(
    tx: &mut Tx,
    org_id: OrgId,
    project_id: ProjectId,
    members: &[TeamRow],
) -> Result<(), PortalError> {
    sql!(tx tx, query(
        "delete from project_team where org_id = $1 and project_id = $2"
    ) [org_id, project_id] execute)?;
    for (position, member) in members.iter().enumerate() {
        let position = i32::try_from(position).unwrap_or(i32::MAX);
        sql!(tx tx, query(
            "insert into project_team (project_id, org_id, staff_id, role_title, position) \
             values ($1, $2, $3, $4, $5)"
        ) [project_id, org_id, member.staff_id, &member.role_title, position] execute)?;
    }
    Ok(())
}
