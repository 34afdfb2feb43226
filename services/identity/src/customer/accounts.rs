//! Customer accounts as staff manage them: search and view, edit, the lock-out actions
//! (deactivate, reactivate, force re-login) and GDPR erase. Each lock-out bumps the account's epoch in
//! the same statement as the change, so every session dies on its next request.

use std::collections::HashMap;

use atrium_common::auth::Principal;
use atrium_common::ids::{CustomerId, OrgId, StaffId};
use atrium_common::outbox;
use atrium_common::page::Page;
use atrium_proto::common::v1::EraseCustomerRequest;

use super::invitations::audit_on_customer;
use super::store::{self as customer_store, ProfilePatch, Transition};
use super::{Customer, CustomerStatus};
use crate::AppState;
use crate::audit;
use crate::credentials::{self, Holder, tokens};
use crate::error::IdentityError;
use crate::organization::Organization;
use crate::organization::store as org_store;
use crate::session_cache::Revocation;
use crate::staff::store as staff_store;
use crate::staff::{StaffMember, StaffStatus};
use crate::validate;

/// One page of the org's customers and the next page token.
pub async fn list(
    state: &AppState,
    staff: &Principal,
    q: Option<&str>,
    status: Option<&str>,
    page: Page,
) -> Result<(Vec<Customer>, String), IdentityError> {
    let status = status
        .map(|text| {
            CustomerStatus::parse(text)
                .filter(|s| *s != CustomerStatus::Erased)
                .ok_or(IdentityError::InvalidField {
                    field: "status",
                    problem: "must be invited, active or deactivated",
                })
        })
        .transpose()?;
    if q.is_some_and(|q| q.chars().count() > 200) {
        return Err(IdentityError::InvalidField {
            field: "q",
            problem: "must be at most 200 characters",
        });
    }
    let rows = customer_store::list_customers(
        &state.db,
        staff.org_id,
        q.map(str::trim).filter(|q| !q.is_empty()),
        status,
        page.after,
        page.size,
    )
    .await?;
    let next = page.next_token(
        rows.len(),
        rows.last().map(|r| (r.created_at, r.customer_id.0)),
    );
    Ok((rows, next))
}

/// One of the org's customers; another org's id is not found.
pub async fn get(
    state: &AppState,
    staff: &Principal,
    id: CustomerId,
) -> Result<Customer, IdentityError> {
    customer_store::find_customer(&state.db, staff.org_id, id)
        .await?
        .filter(|c| c.status != CustomerStatus::Erased)
        .ok_or(IdentityError::CustomerNotFound)
}

/// Most ids one lookup takes.
pub const MAX_LOOKUP: usize = 1000;

/// The caller's organization and its customers among `ids` (erased, unknown and other
/// orgs' ids left out).
pub async fn lookup(
    state: &AppState,
    staff: &Principal,
    ids: &[String],
) -> Result<(Option<Organization>, Vec<Customer>), IdentityError> {
    if ids.len() > MAX_LOOKUP {
        return Err(IdentityError::InvalidField {
            field: "customer_ids",
            problem: "must hold at most 1000 ids",
        });
    }
    let wanted = parse_ids(ids);
    let by_id: HashMap<CustomerId, Customer> =
        customer_store::find_customers(&state.db, staff.org_id, &wanted)
            .await?
            .into_iter()
            .filter(|customer| customer.status != CustomerStatus::Erased)
            .map(|customer| (customer.customer_id, customer))
            .collect();
    let found = in_order(&wanted, &by_id);
    let organization = org_store::find_organization(&state.db, staff.org_id).await?;
    Ok((organization, found))
}

/// A lock-out action requested by staff.
#[derive(Debug, Clone, Copy)]
pub enum LockOut {
    Deactivate,
    Reactivate,
    /// Ends every session and emails a reset link.
    ForceRelogin,
}

impl LockOut {
    fn audit_action(self) -> &'static str {
        match self {
            LockOut::Deactivate => "customer.deactivated",
            LockOut::Reactivate => "customer.reactivated",
            LockOut::ForceRelogin => "customer.relogin_forced",
        }
    }
}

pub async fn lock_out(
    state: &AppState,
    staff: &Principal,
    customer_id: CustomerId,
    action: LockOut,
    ip: &str,
) -> Result<Customer, IdentityError> {
    let current = get(state, staff, customer_id).await?;
    let now = state.clock.now();
    let transition = match action {
        LockOut::Deactivate => Transition::Deactivate,
        LockOut::Reactivate => Transition::Reactivate,
        LockOut::ForceRelogin => Transition::EndSessions,
    };
    let mut tx = state.db.begin().await?;
    let changed =
        customer_store::transition(&mut tx, staff.org_id, current.customer_id, transition, now)
            .await?;
    let Some(changed) = changed else {
        drop(tx);
        return match action {
            // Already where the action leads: answer the account as it is.
            LockOut::Deactivate | LockOut::Reactivate => Ok(current),
            LockOut::ForceRelogin => Err(IdentityError::CustomerNotActive),
        };
    };
    let revoking = match action {
        LockOut::Reactivate => None,
        LockOut::Deactivate | LockOut::ForceRelogin => {
            let new_epoch = Revocation::Epoch {
                customer_id: changed.customer_id,
                epoch: changed.epoch,
            };
            Some(state.sessions.revoke(&mut tx, new_epoch, now).await?)
        }
    };
    if let LockOut::Deactivate = action {
        // Links die with access (design/links.md).
        let links = atrium_proto::documents::v1::RevokeCustomerLinksRequest {
            org_id: staff.org_id.to_string(),
            customer_id: changed.customer_id.to_string(),
        };
        atrium_common::outbox::revoke_customer_links(&mut tx, &links, now).await?;
    }
    if let LockOut::ForceRelogin = action {
        let org = org_store::find_organization(&state.db, staff.org_id)
            .await?
            .ok_or(IdentityError::OrganizationNotFound)?;
        credentials::write_reset_mail(state, &mut tx, &changed, &org, now).await?;
    }
    audit_on_customer(staff, action.audit_action(), changed.customer_id, ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    if let Some(revoking) = revoking {
        state.sessions.revoked(revoking, now).await;
    }
    state.relay.wake();
    tracing::info!(customer_id = %changed.customer_id, ?action, "customer lock-out action");
    Ok(changed)
}

/// A profile change as asked: `None` leaves a field alone, `Some("")` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    pub email: Option<String>,
    pub name: Option<String>,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub locale: Option<String>,
    /// Staff only: a staff id, or empty to clear.
    pub account_manager_id: Option<String>,
}

fn validated(change: ProfileChange) -> Result<ProfilePatch, IdentityError> {
    let email = match change.email {
        Some(email) => {
            let email = validate::Email::parse("email", &email)?;
            Some((email.display, email.normalized))
        }
        None => None,
    };
    let text = |field, value: Option<String>, max| {
        value
            .map(|v| validate::optional_text(field, &v, max))
            .transpose()
    };
    Ok(ProfilePatch {
        email,
        name: text("name", change.name, 200)?,
        company: text("company", change.company, 200)?,
        phone: text("phone", change.phone, 50)?,
        address: text("address", change.address, 5000)?,
        locale: change
            .locale
            .map(|l| validate::locale("locale", &l))
            .transpose()?,
        account_manager: None,
    })
}

/// The account manager a staff edit names: one of the org's active staff, or none.
async fn account_manager(
    state: &AppState,
    org_id: OrgId,
    id: Option<String>,
) -> Result<Option<Option<StaffId>>, IdentityError> {
    let not_staff = IdentityError::InvalidField {
        field: "account_manager_id",
        problem: "must name an active staff member of this organization",
    };
    match id.as_deref() {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(text) => {
            let id = StaffId::parse(text).ok_or(IdentityError::InvalidField {
                field: "account_manager_id",
                problem: "must be a UUID",
            })?;
            match staff_store::find_staff(&state.db, org_id, id).await? {
                Some(staff) if staff.status == StaffStatus::Active => Ok(Some(Some(id))),
                _ => Err(not_staff),
            }
        }
    }
}

/// Staff edit one of the org's customers; an email another customer has is 409.
pub async fn update(
    state: &AppState,
    staff: &Principal,
    id: CustomerId,
    change: ProfileChange,
    ip: &str,
) -> Result<Customer, IdentityError> {
    let manager = change.account_manager_id.clone();
    let mut patch = validated(change)?;
    patch.account_manager = account_manager(state, staff.org_id, manager).await?;
    apply_profile(state, staff, id, &patch, ip)
        .await?
        .ok_or(IdentityError::CustomerNotFound)
}

/// Writes a profile patch and its audit entry (actor: whoever the principal is).
async fn apply_profile(
    state: &AppState,
    actor: &Principal,
    customer_id: CustomerId,
    patch: &ProfilePatch,
    ip: &str,
) -> Result<Option<Customer>, IdentityError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(row) =
        customer_store::update_profile(&mut tx, actor.org_id, customer_id, patch, now).await?
    else {
        return Ok(None);
    };
    audit_on_customer(actor, "customer.updated", customer_id, ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(Some(row))
}

/// The customer edits their own profile; email and status are not theirs to change.
pub async fn update_own(
    state: &AppState,
    customer: &Principal,
    change: ProfileChange,
    ip: &str,
) -> Result<Customer, IdentityError> {
    if change.email.is_some() {
        return Err(IdentityError::InvalidField {
            field: "email",
            problem: "cannot be changed here; ask the business",
        });
    }
    if change.account_manager_id.is_some() {
        return Err(IdentityError::InvalidField {
            field: "account_manager_id",
            problem: "cannot be changed here",
        });
    }
    let patch = validated(change)?;
    apply_profile(state, customer, customer.customer_id(), &patch, ip)
        .await?
        .ok_or(IdentityError::SessionInvalid)
}

/// GDPR erase: anonymises the profile and frees the email, ends every session and kills
/// every token, drops the client addresses the audit holds for the customer (the entries
/// stay), and tells every other service through the outbox, all in one transaction.
pub async fn erase(
    state: &AppState,
    staff: &Principal,
    id: CustomerId,
    ip: &str,
) -> Result<(), IdentityError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let erased = customer_store::erase_customer(&mut tx, staff.org_id, id, now)
        .await?
        .ok_or(IdentityError::CustomerNotFound)?;
    tokens::delete_all(&mut tx, (Holder::Customer, id.0)).await?;
    let no_epoch_left = Revocation::Epoch {
        customer_id: id,
        epoch: erased.epoch + 1,
    };
    let revoking = state.sessions.revoke(&mut tx, no_epoch_left, now).await?;
    audit::redact_customer(&mut tx, staff.org_id, id, &erased.email_normalized).await?;
    let request = EraseCustomerRequest {
        org_id: staff.org_id.to_string(),
        customer_id: id.to_string(),
        email: erased.email,
    };
    outbox::erase_customer(&mut tx, &request, now).await?;
    audit_on_customer(staff, "customer.erased", id, ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    state.sessions.revoked(revoking, now).await;
    state.relay.wake();
    tracing::info!(%id, "customer erased");
    Ok(())
}

/// The signed-in customer's organization and their account manager, if one is set and
/// still active staff.
pub async fn context(
    state: &AppState,
    me: &Customer,
) -> Result<(Option<Organization>, Option<StaffMember>), IdentityError> {
    let manager = match me.account_manager_id {
        Some(id) => staff_store::find_staff(&state.db, me.org_id, id)
            .await?
            .filter(|staff| staff.status == StaffStatus::Active),
        None => None,
    };
    let organization = org_store::find_organization(&state.db, me.org_id).await?;
    Ok((organization, manager))
}

/// The org's active staff among `ids`, for a principal of the org (staff or customer).
pub async fn lookup_staff(
    state: &AppState,
    principal: &Principal,
    ids: &[String],
) -> Result<Vec<StaffMember>, IdentityError> {
    if ids.len() > MAX_LOOKUP {
        return Err(IdentityError::InvalidField {
            field: "staff_ids",
            problem: "must hold at most 1000 ids",
        });
    }
    let wanted = parse_ids(ids);
    let by_id: HashMap<StaffId, StaffMember> =
        staff_store::find_staff_among(&state.db, principal.org_id, &wanted)
            .await?
            .into_iter()
            .filter(|staff| staff.status == StaffStatus::Active)
            .map(|staff| (staff.staff_id, staff))
            .collect();
    Ok(in_order(&wanted, &by_id))
}

/// The ids that parse; others name nobody.
fn parse_ids<Id: std::str::FromStr>(ids: &[String]) -> Vec<Id> {
    ids.iter().filter_map(|id| id.parse().ok()).collect()
}

/// The rows found, in the order their ids were asked for (a repeated id repeats).
fn in_order<Id: std::hash::Hash + Eq, T: Clone>(wanted: &[Id], by_id: &HashMap<Id, T>) -> Vec<T> {
    wanted
        .iter()
        .filter_map(|id| by_id.get(id).cloned())
        .collect()
}
