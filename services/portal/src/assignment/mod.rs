//! Who sees which project: each save reconciles a whole list in one transaction, from
//! the project's side or the customer's, and refuses the whole list over one id that is
//! not the organization's. The same transaction writes the audit entries and the
//! digests of what is newly shared into the outbox.

pub mod store;

use std::collections::{BTreeMap, BTreeSet};

use atrium_common::auth::Principal;
use atrium_common::db::Tx;
use atrium_common::ids::{CustomerId, ProjectId};
use atrium_proto::identity::v1 as identity;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::AppState;
use crate::audit::{self, Acting};
use crate::digest::{Save, Shared};
use crate::error::PortalError;
use crate::project::{self, parse_project_id};
use crate::settings;

/// Most ids one save takes.
const MAX_IDS: usize = 1000;

/// What a save changed, and the list as it now stands (each sorted).
pub struct Reconciled<Id> {
    pub added: Vec<Id>,
    pub removed: Vec<Id>,
    pub current: Vec<Id>,
}

/// The ids of a body list, duplicates collapsed; a text that is not a UUID is 422.
fn parse_ids<Id: From<Uuid> + Ord>(
    field: &'static str,
    ids: &[String],
) -> Result<BTreeSet<Id>, PortalError> {
    if ids.len() > MAX_IDS {
        return Err(PortalError::InvalidField {
            field,
            problem: "must hold at most 1000 ids",
        });
    }
    ids.iter()
        .map(|id| {
            Uuid::parse_str(id)
                .map(Id::from)
                .map_err(|_| PortalError::InvalidField {
                    field,
                    problem: "must hold only UUIDs",
                })
        })
        .collect()
}

/// The organization's customers a save names, as identity answered, and its name.
pub(crate) struct Known {
    pub customers: BTreeMap<CustomerId, identity::Customer>,
    pub org_name: String,
}

/// Asks identity which of `ids` are this org's customers; any other id refuses the call.
pub(crate) async fn check_customers(
    state: &AppState,
    staff: &Principal,
    ids: &BTreeSet<CustomerId>,
) -> Result<Known, PortalError> {
    if ids.is_empty() {
        return Ok(Known {
            customers: BTreeMap::new(),
            org_name: String::new(),
        });
    }
    let mut request = tonic::Request::new(identity::LookupCustomersRequest {
        customer_ids: ids.iter().map(CustomerId::to_string).collect(),
    });
    staff.write_to(request.metadata_mut());
    let found = state
        .identity
        .clone()
        .lookup_customers(request)
        .await
        .map_err(PortalError::Identity)?
        .into_inner();
    let customers: BTreeMap<CustomerId, identity::Customer> = found
        .customers
        .into_iter()
        .filter_map(|c| Some((CustomerId::parse(&c.id)?, c)))
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

fn diff<Id: Ord + Copy>(before: Vec<Id>, wanted: BTreeSet<Id>) -> Reconciled<Id> {
    let before: BTreeSet<Id> = before.into_iter().collect();
    Reconciled {
        added: wanted.difference(&before).copied().collect(),
        removed: before.difference(&wanted).copied().collect(),
        current: wanted.into_iter().collect(),
    }
}

/// Writes what a reconcile changed: each `(customer, project)` pair assigned or taken
/// away, with its audit entry.
async fn apply(
    tx: &mut Tx,
    acting: &Acting,
    added: impl Iterator<Item = (CustomerId, ProjectId)>,
    removed: impl Iterator<Item = (CustomerId, ProjectId)>,
    now: DateTime<Utc>,
) -> Result<(), PortalError> {
    let org_id = acting.principal.org_id;
    for (customer_id, project_id) in added {
        store::assign(tx, org_id, customer_id, project_id, now).await?;
        let subject = audit::assignment(customer_id, project_id);
        acting.record(tx, "assignment.added", subject, now).await?;
    }
    for (customer_id, project_id) in removed {
        store::unassign(tx, org_id, customer_id, project_id, now).await?;
        let subject = audit::assignment(customer_id, project_id);
        acting
            .record(tx, "assignment.removed", subject, now)
            .await?;
    }
    Ok(())
}

/// What every digest of one save shares.
fn save<'a>(
    state: &'a AppState,
    acting: &Acting,
    known: &'a Known,
    settings: &'a atrium_common::settings::OrgSettings,
    now: DateTime<Utc>,
) -> Save<'a> {
    Save {
        save_id: Uuid::new_v4(),
        org_id: acting.principal.org_id,
        org_name: &known.org_name,
        settings,
        public_url: &state.public_url,
        at: now,
    }
}

/// `GET /api/admin/projects/{id}/customers`: who sees the project now, sorted.
pub async fn project_customers(
    state: &AppState,
    principal: &Principal,
    project_id: &str,
) -> Result<Vec<CustomerId>, PortalError> {
    let org_id = principal.org_id;
    let project_id = parse_project_id(project_id)?;
    project::store::find_project(&state.db, org_id, project_id)
        .await?
        .ok_or(PortalError::ProjectNotFound)?;
    let mut tx = state.db.begin().await?;
    let mut ids = store::customers_of(&mut tx, org_id, project_id).await?;
    tx.commit().await?;
    ids.sort();
    Ok(ids)
}

/// `GET /api/admin/customers/{id}/projects`: what the customer sees now, sorted.
pub async fn customer_projects(
    state: &AppState,
    principal: &Principal,
    customer_id: &str,
) -> Result<Vec<ProjectId>, PortalError> {
    let org_id = principal.org_id;
    let customer_id = CustomerId::parse(customer_id).ok_or(PortalError::CustomerNotFound)?;
    check_customers(state, principal, &BTreeSet::from([customer_id])).await?;
    let mut tx = state.db.begin().await?;
    let mut ids = store::projects_of(&mut tx, org_id, customer_id).await?;
    tx.commit().await?;
    ids.sort();
    Ok(ids)
}

/// `PUT /api/admin/projects/{id}/customers`: the project's customers become exactly these.
pub async fn set_project_customers(
    state: &AppState,
    acting: &Acting,
    project_id: &str,
    customer_ids: &[String],
) -> Result<Reconciled<CustomerId>, PortalError> {
    let org_id = acting.principal.org_id;
    let project_id = parse_project_id(project_id)?;
    let wanted = parse_ids("customer_ids", customer_ids)?;
    let project = project::store::find_project(&state.db, org_id, project_id)
        .await?
        .ok_or(PortalError::ProjectNotFound)?;
    let known = check_customers(state, &acting.principal, &wanted).await?;
    let settings = settings::load(state, org_id).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !project::store::lock_project(&mut tx, org_id, project_id, now).await? {
        return Err(PortalError::ProjectNotFound);
    }
    let before = store::customers_of(&mut tx, org_id, project_id).await?;
    let reconciled = diff(before, wanted);
    let pair = |&customer_id: &CustomerId| (customer_id, project_id);
    let (added, removed) = (reconciled.added.iter(), reconciled.removed.iter());
    apply(&mut tx, acting, added.map(pair), removed.map(pair), now).await?;
    let save = save(state, acting, &known, &settings, now);
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
    acting: &Acting,
    customer_id: &str,
    project_ids: &[String],
) -> Result<Reconciled<ProjectId>, PortalError> {
    let org_id = acting.principal.org_id;
    let customer_id = CustomerId::parse(customer_id).ok_or(PortalError::CustomerNotFound)?;
    let wanted = parse_ids("project_ids", project_ids)?;
    let known = check_customers(state, &acting.principal, &BTreeSet::from([customer_id])).await?;
    let settings = settings::load(state, org_id).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    store::lock_customer(&mut tx, org_id, customer_id, now).await?;
    let mut names = BTreeMap::new();
    for &project_id in &wanted {
        let name = project::store::project_name(&mut tx, org_id, project_id)
            .await?
            .ok_or(PortalError::ProjectNotFound)?;
        names.insert(project_id, name);
    }
    let before = store::projects_of(&mut tx, org_id, customer_id).await?;
    let reconciled = diff(before, wanted);
    let pair = |&project_id: &ProjectId| (customer_id, project_id);
    let (added, removed) = (reconciled.added.iter(), reconciled.removed.iter());
    apply(&mut tx, acting, added.map(pair), removed.map(pair), now).await?;
    let shared: Vec<Shared> = reconciled
        .added
        .iter()
        .map(|&project_id| Shared {
            project_id,
            name: names.remove(&project_id).unwrap_or_default(),
        })
        .collect();
    if let Some(customer) = known.customers.get(&customer_id) {
        save(state, acting, &known, &settings, now)
            .send(&mut tx, customer, &shared)
            .await?;
    }
    tx.commit().await?;
    state.relay.wake();
    Ok(reconciled)
}
