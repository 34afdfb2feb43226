//! A project's team: the organization's staff with their role on it. Staff always see
//! it; customers see it on their projects while the organization shows team members.
//! Names and contact details are identity's, asked on each read, so a member who leaves
//! disappears at once.

use std::collections::{BTreeMap, BTreeSet};

use atrium_common::auth::Principal;
use atrium_common::ids::{ProjectId, StaffId};
use atrium_proto::identity::v1 as identity;

pub(crate) mod store;

use self::store::TeamRow;
use crate::AppState;
use crate::audit::Acting;
use crate::error::PortalError;
use crate::project::{self, parse_project_id};
use crate::validate;

/// Most members one team has.
const MAX_MEMBERS: usize = 100;

/// A member as shown: their role on the project and identity's profile.
pub struct Member {
    pub role_title: String,
    pub staff: identity::Staff,
}

/// The org's active staff among `ids`, asked of identity for `principal`.
async fn lookup(
    state: &AppState,
    principal: &Principal,
    ids: &BTreeSet<StaffId>,
) -> Result<BTreeMap<StaffId, identity::Staff>, PortalError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut request = tonic::Request::new(identity::LookupStaffRequest {
        staff_ids: ids.iter().map(StaffId::to_string).collect(),
    });
    principal.write_to(request.metadata_mut());
    let found = state
        .identity
        .clone()
        .lookup_staff(request)
        .await
        .map_err(PortalError::Identity)?
        .into_inner()
        .staff;
    Ok(found
        .into_iter()
        .filter_map(|s| Some((StaffId::parse(&s.id)?, s)))
        .collect())
}

/// A project's team as `principal` may see it (members no longer active left out).
pub async fn of(
    state: &AppState,
    principal: &Principal,
    project_id: ProjectId,
) -> Result<Vec<Member>, PortalError> {
    let rows = store::team_of(&state.db, principal.org_id, project_id).await?;
    let ids = rows.iter().map(|r| r.staff_id).collect();
    let mut staff = lookup(state, principal, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Member {
                staff: staff.remove(&row.staff_id)?,
                role_title: row.role_title,
            })
        })
        .collect())
}

/// `PUT /api/admin/projects/{id}/team`: the team becomes exactly these, in this order.
pub async fn set(
    state: &AppState,
    acting: &Acting,
    project_id: &str,
    members: Vec<(String, String)>,
) -> Result<Vec<Member>, PortalError> {
    let org_id = acting.principal.org_id;
    let project_id = parse_project_id(project_id)?;
    if members.len() > MAX_MEMBERS {
        return Err(PortalError::InvalidField {
            field: "members",
            problem: "must hold at most 100 members",
        });
    }
    let mut rows: Vec<TeamRow> = Vec::with_capacity(members.len());
    for (staff_id, role_title) in members {
        let staff_id = StaffId::parse(&staff_id).ok_or(PortalError::InvalidField {
            field: "members.staff_id",
            problem: "must be a UUID",
        })?;
        let role_title = validate::optional_name("members.role_title", &role_title)?;
        if rows.iter().all(|r| r.staff_id != staff_id) {
            rows.push(TeamRow {
                staff_id,
                role_title: role_title.unwrap_or_default(),
            });
        }
    }
    if project::store::find_project(&state.db, org_id, project_id)
        .await?
        .is_none()
    {
        return Err(PortalError::ProjectNotFound);
    }
    let ids: BTreeSet<StaffId> = rows.iter().map(|r| r.staff_id).collect();
    let known = lookup(state, &acting.principal, &ids).await?;
    if ids.iter().any(|id| !known.contains_key(id)) {
        return Err(PortalError::StaffNotFound);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !project::store::lock_project(&mut tx, org_id, project_id, now).await? {
        return Err(PortalError::ProjectNotFound);
    }
    store::replace_team(&mut tx, org_id, project_id, &rows).await?;
    acting
        .record(
            &mut tx,
            "project.team_changed",
            ("project", project_id.to_string()),
            now,
        )
        .await?;
    tx.commit().await?;
    state.relay.wake();
    let mut known = known;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Member {
                staff: known.remove(&row.staff_id)?,
                role_title: row.role_title,
            })
        })
        .collect())
}
