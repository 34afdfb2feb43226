//! Who sees which project: each save reconciles a whole list in one transaction, from
//! the project's side or the customer's, and refuses the whole list over one id that is
//! not the organization's. The same transaction writes the audit entries and the
//! digests of what is newly shared into the outbox.

use std::collections::{BTreeMap, BTreeSet};

use atrium_common::auth::Principal;
use atrium_common::db::Tx;
use atrium_proto::identity::v1 as identity;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::AppState;
use crate::audit::{self, Acting};
use crate::digest::{Save, Shared};
use crate::error::PortalError;
use crate::projects::parse_project_id;
use crate::{settings, store};

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

/// The organization's customers a save names, as identity answered, and its name.
pub(crate) struct Known {
    pub customers: BTreeMap<Uuid, identity::Customer>,
    pub org_name: String,
}

/// Asks identity which of `ids` are this org's customers; any other id refuses the call.
pub(crate) async fn check_customers(
    state: &AppState,
    staff: &Principal,
    ids: &BTreeSet<Uuid>,
) -> Result<Known, PortalError> {
    if ids.is_empty() {
        return Ok(Known {
            customers: BTreeMap::new(),
            org_name: String::new(),
        });
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
        .into_inner();
    let customers: BTreeMap<Uuid, identity::Customer> = found
        .customers
        .into_iter()
        .filter_map(|c| Some((Uuid::parse_str(&c.id).ok()?, c)))
        .collect();
    if ids.iter().all(|id| customers.contains_key(id)) {
        Ok(Known {
            customers,
            org_name: found.organization.unwrap_or_default().name,
        })
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

/// Writes the audit entries of a reconcile's changes.
async fn record_changes(
    tx: &mut Tx,
    acting: &Acting<'_>,
    changes: &[(&str, Uuid, Uuid)],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    for &(action, customer_id, project_id) in changes {
        acting
            .record(tx, action, audit::assignment(customer_id, project_id), now)
            .await?;
    }
    Ok(())
}

/// `PUT /api/admin/projects/{id}/customers`: the project's customers become exactly these.
pub async fn set_project_customers(
    state: &AppState,
    acting: &Acting<'_>,
    project_id: &str,
    customer_ids: &[String],
) -> Result<Reconciled, PortalError> {
    let org_id = acting.principal.org_id;
    let project_id = parse_project_id(project_id)?;
    let wanted = parse_ids("customer_ids", customer_ids)?;
    let project = store::find_project(&state.db, org_id.0, project_id)
        .await?
        .ok_or(PortalError::ProjectNotFound)?;
    let known = check_customers(state, acting.principal, &wanted).await?;
    let settings = settings::load(state, org_id.0).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !store::lock_project(&mut tx, org_id.0, project_id, now).await? {
        return Err(PortalError::ProjectNotFound);
    }
    let before: BTreeSet<Uuid> = store::customers_of(&mut tx, project_id)
        .await?
        .into_iter()
        .collect();
    let reconciled = diff(before, wanted);
    let mut changes = Vec::new();
    for &customer_id in &reconciled.added {
        store::assign(&mut tx, org_id.0, customer_id, project_id, now).await?;
        changes.push(("assignment.added", customer_id, project_id));
    }
    for &customer_id in &reconciled.removed {
        store::unassign(&mut tx, org_id.0, customer_id, project_id, now).await?;
        changes.push(("assignment.removed", customer_id, project_id));
    }
    record_changes(&mut tx, acting, &changes, now).await?;
    let save = Save {
        save_id: Uuid::new_v4(),
        org_id: org_id.0,
        org_name: &known.org_name,
        settings: &settings,
        public_url: &state.public_url,
        at: now,
    };
    let shared = [Shared {
        project_id,
        name: project.name,
    }];
    for customer_id in &reconciled.added {
        if let Some(customer) = known.customers.get(customer_id) {
            save.send(&mut tx, customer, &shared).await?;
        }
    }
    tx.commit().await?;
    state.relay.wake();
    Ok(reconciled)
}

/// `PUT /api/admin/customers/{id}/projects`: the customer's projects become exactly these.
pub async fn set_customer_projects(
    state: &AppState,
    acting: &Acting<'_>,
    customer_id: &str,
    project_ids: &[String],
) -> Result<Reconciled, PortalError> {
    let org_id = acting.principal.org_id;
    let customer_id = Uuid::parse_str(customer_id).map_err(|_| PortalError::CustomerNotFound)?;
    let wanted = parse_ids("project_ids", project_ids)?;
    let known = check_customers(state, acting.principal, &BTreeSet::from([customer_id])).await?;
    let settings = settings::load(state, org_id.0).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    store::lock_customer(&mut tx, org_id.0, customer_id, now).await?;
    let mut names = BTreeMap::new();
    for &project_id in &wanted {
        let name = store::project_name(&mut tx, org_id.0, project_id)
            .await?
            .ok_or(PortalError::ProjectNotFound)?;
        names.insert(project_id, name);
    }
    let before: BTreeSet<Uuid> = store::projects_of(&mut tx, org_id.0, customer_id)
        .await?
        .into_iter()
        .collect();
    let reconciled = diff(before, wanted);
    let mut changes = Vec::new();
    for &project_id in &reconciled.added {
        store::assign(&mut tx, org_id.0, customer_id, project_id, now).await?;
        changes.push(("assignment.added", customer_id, project_id));
    }
    for &project_id in &reconciled.removed {
        store::unassign(&mut tx, org_id.0, customer_id, project_id, now).await?;
        changes.push(("assignment.removed", customer_id, project_id));
    }
    record_changes(&mut tx, acting, &changes, now).await?;
    let shared: Vec<Shared> = reconciled
        .added
        .iter()
        .map(|&project_id| Shared {
            project_id,
            name: names.remove(&project_id).unwrap_or_default(),
        })
        .collect();
    let save = Save {
        save_id: Uuid::new_v4(),
        org_id: org_id.0,
        org_name: &known.org_name,
        settings: &settings,
        public_url: &state.public_url,
        at: now,
    };
    if let Some(customer) = known.customers.get(&customer_id) {
        save.send(&mut tx, customer, &shared).await?;
    }
    tx.commit().await?;
    state.relay.wake();
    Ok(reconciled)
}
