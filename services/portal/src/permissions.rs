//! Per-customer permissions: the organization's defaults, overridden flag by flag for
//! one customer. Stored, answered and audited here; each action's owner enforces its flag.

use std::collections::BTreeSet;

use atrium_common::auth::Principal;
use uuid::Uuid;

use crate::AppState;
use crate::assignments::check_customers;
use crate::audit::Acting;
use crate::error::PortalError;
use crate::settings::{self, store::OverrideRow};
use atrium_common::settings::CustomerFlags;

/// A customer's permissions: in force, and their own overrides.
pub struct Permissions {
    pub effective: CustomerFlags,
    pub overrides: OverrideRow,
}

fn combine(defaults: CustomerFlags, overrides: OverrideRow) -> Permissions {
    Permissions {
        effective: CustomerFlags {
            can_view_invoices: overrides
                .can_view_invoices
                .unwrap_or(defaults.can_view_invoices),
            can_approve_work: overrides
                .can_approve_work
                .unwrap_or(defaults.can_approve_work),
            can_add_comments: overrides
                .can_add_comments
                .unwrap_or(defaults.can_add_comments),
            can_submit_requests: overrides
                .can_submit_requests
                .unwrap_or(defaults.can_submit_requests),
        },
        overrides,
    }
}

/// A customer's permissions as they stand on this request.
async fn of(state: &AppState, org_id: Uuid, customer_id: Uuid) -> Result<Permissions, PortalError> {
    let defaults = settings::load(state, org_id).await?;
    let overrides = settings::store::find_overrides(&state.db, org_id, customer_id)
        .await?
        .unwrap_or_default();
    Ok(combine(defaults.default_permissions, overrides))
}

/// The id of one of the organization's customers (asked of identity), else 404.
async fn org_customer(
    state: &AppState,
    staff: &Principal,
    customer_id: &str,
) -> Result<Uuid, PortalError> {
    let id = Uuid::parse_str(customer_id).map_err(|_| PortalError::CustomerNotFound)?;
    check_customers(state, staff, &BTreeSet::from([id])).await?;
    Ok(id)
}

/// `GET /api/admin/customers/{id}/permissions`.
pub async fn get(
    state: &AppState,
    staff: &Principal,
    customer_id: &str,
) -> Result<Permissions, PortalError> {
    let id = org_customer(state, staff, customer_id).await?;
    of(state, staff.org_id.0, id).await
}

/// `PUT /api/admin/customers/{id}/permissions`: the overrides become exactly these.
pub async fn set(
    state: &AppState,
    acting: &Acting<'_>,
    customer_id: &str,
    overrides: OverrideRow,
) -> Result<Permissions, PortalError> {
    let org_id = acting.principal.org_id;
    let id = org_customer(state, acting.principal, customer_id).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    settings::store::put_overrides(&mut tx, org_id.0, id, &overrides, now).await?;
    acting
        .record(
            &mut tx,
            "customer.permissions_changed",
            ("customer", id.to_string()),
            now,
        )
        .await?;
    tx.commit().await?;
    state.relay.wake();
    of(state, org_id.0, id).await
}

/// The signed-in customer's own permissions (`GET /api/customer/me`).
pub async fn mine(state: &AppState, customer: &Principal) -> Result<Permissions, PortalError> {
    of(state, customer.org_id.0, customer.subject_id).await
}
