//! Who sees which project: each save reconciles a whole list in one transaction, from
//! the project's side or the customer's, and refuses the whole list over one id that is
//! not the organization's.

use std::collections::BTreeSet;

use atrium_common::auth::Principal;
use atrium_proto::identity::v1 as identity;
use uuid::Uuid;

use crate::AppState;
use crate::error::PortalError;
use crate::projects::parse_project_id;
use crate::store;

/// Most ids one save takes.
const MAX_IDS: usize = 1000;

/// What a save changed, and the list as it now stands (each sorted).
pub struct Reconciled {
    pub added: Vec<Uuid>,
    pub removed: Vec<Uuid>,
    pub current: Vec<Uuid>,
}

/// The ids of a body list, duplicates collapsed; a text that is not a UUID is 422.
fn parse_ids(field: &'static str, ids: &[String]) -> Result<BTreeSet<Uuid>, PortalError> {
    if ids.len() > MAX_IDS {
        return Err(PortalError::InvalidField {
            field,
            problem: "must hold at most 1000 ids",
        });
    }
    ids.iter()
        .map(|id| {
            Uuid::parse_str(id).map_err(|_| PortalError::InvalidField {
                field,
                problem: "must hold only UUIDs",
            })
        })
        .collect()
}

/// Asks identity which of `ids` are this org's customers; any other id refuses the call.
pub(crate) async fn check_customers(
    state: &AppState,
    staff: &Principal,
    ids: &BTreeSet<Uuid>,
) -> Result<(), PortalError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut request = tonic::Request::new(identity::LookupCustomersRequest {
        customer_ids: ids.iter().map(Uuid::to_string).collect(),
    });
    staff.write_to(request.metadata_mut());
    let found = state
        .identity
        .clone()
        .lookup_customers(request)
        .await
        .map_err(PortalError::Identity)?
        .into_inner()
        .customers;
    let known: BTreeSet<Uuid> = found
        .iter()
        .filter_map(|c| Uuid::parse_str(&c.id).ok())
        .collect();
    if ids.is_subset(&known) {
        Ok(())
    } else {
        Err(PortalError::CustomerNotFound)
    }
}

fn diff(before: BTreeSet<Uuid>, wanted: BTreeSet<Uuid>) -> Reconciled {
    Reconciled {
        added: wanted.difference(&before).copied().collect(),
        removed: before.difference(&wanted).copied().collect(),
        current: wanted.into_iter().collect(),
    }
}

/// `PUT /api/admin/projects/{id}/customers`: the project's customers become exactly these.
pub async fn set_project_customers(
    state: &AppState,
    staff: &Principal,
    project_id: &str,
    customer_ids: &[String],
) -> Result<Reconciled, PortalError> {
    let project_id = parse_project_id(project_id)?;
    let wanted = parse_ids("customer_ids", customer_ids)?;
    if store::find_project(&state.db, staff.org_id, project_id)
        .await?
        .is_none()
    {
        return Err(PortalError::ProjectNotFound);
    }
    check_customers(state, staff, &wanted).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !store::lock_project(&mut tx, staff.org_id, project_id, now).await? {
        return Err(PortalError::ProjectNotFound);
    }
    let before: BTreeSet<Uuid> = store::customers_of(&mut tx, project_id)
        .await?
        .into_iter()
        .collect();
    let reconciled = diff(before, wanted);
    for &customer_id in &reconciled.added {
        store::assign(&mut tx, staff.org_id, customer_id, project_id, now).await?;
    }
    for &customer_id in &reconciled.removed {
        store::unassign(&mut tx, staff.org_id, customer_id, project_id, now).await?;
    }
    tx.commit().await?;
    Ok(reconciled)
}

/// `PUT /api/admin/customers/{id}/projects`: the customer's projects become exactly these.
pub async fn set_customer_projects(
    state: &AppState,
    staff: &Principal,
    customer_id: &str,
    project_ids: &[String],
) -> Result<Reconciled, PortalError> {
    let customer_id = Uuid::parse_str(customer_id).map_err(|_| PortalError::CustomerNotFound)?;
    let wanted = parse_ids("project_ids", project_ids)?;
    check_customers(state, staff, &BTreeSet::from([customer_id])).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    store::lock_customer(&mut tx, staff.org_id, customer_id, now).await?;
    for &project_id in &wanted {
        if !store::project_exists(&mut tx, staff.org_id, project_id).await? {
            return Err(PortalError::ProjectNotFound);
        }
    }
    let before: BTreeSet<Uuid> = store::projects_of(&mut tx, staff.org_id, customer_id)
        .await?
        .into_iter()
        .collect();
    let reconciled = diff(before, wanted);
    for &project_id in &reconciled.added {
        store::assign(&mut tx, staff.org_id, customer_id, project_id, now).await?;
    }
    for &project_id in &reconciled.removed {
        store::unassign(&mut tx, staff.org_id, customer_id, project_id, now).await?;
    }
    tx.commit().await?;
    Ok(reconciled)
}
