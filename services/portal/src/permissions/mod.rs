//! Per-customer permissions: the organization's defaults, overridden flag by flag for
//! one customer. Stored, answered and audited here; each action's owner enforces its flag.

use std::collections::BTreeSet;

pub mod store;

use atrium_common::auth::Principal;
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::settings::{CustomerFlags, OrgSettings};

use crate::AppState;
use crate::assignment::check_customers;
use crate::audit::Acting;
use crate::error::PortalError;
use crate::settings;

/// A customer's overrides; `None` follows the organization's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Overrides {
    pub can_view_invoices: Option<bool>,
    pub can_approve_work: Option<bool>,
    pub can_add_comments: Option<bool>,
    pub can_submit_requests: Option<bool>,
}

/// A customer's permissions: in force, and their own overrides.
pub struct Permissions {
    pub effective: CustomerFlags,
    pub overrides: Overrides,
}

fn combine(defaults: CustomerFlags, overrides: Overrides) -> Permissions {
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
async fn of(
    state: &AppState,
    org_id: OrgId,
    customer_id: CustomerId,
) -> Result<Permissions, PortalError> {
    Ok(with_org(state, (org_id, customer_id)).await?.1)
}

/// The organization's settings and a customer's permissions under them, as they stand on
/// this request, with billing's snapshot of the customer (one read of the database).
pub async fn with_org(
    state: &AppState,
    (org_id, customer_id): (OrgId, CustomerId),
) -> Result<(OrgSettings, Permissions, Option<String>), PortalError> {
    let found = settings::store::find_standing(&state.db, org_id, customer_id).await?;
    let settings = found.saved.map(|saved| saved.settings).unwrap_or_default();
    let permissions = combine(settings.default_permissions, found.overrides);
    Ok((settings, permissions, found.billing))
}

/// As [`with_org`] for the dashboard, with the customer's open requests and pending
/// approvals counted in the same statement.
pub async fn with_org_counted(
    state: &AppState,
    (org_id, customer_id): (OrgId, CustomerId),
) -> Result<
    (
        OrgSettings,
        Permissions,
        Option<String>,
        settings::store::Counts,
    ),
    PortalError,
> {
    let found = settings::store::find_standing_counted(&state.db, org_id, customer_id).await?;
    let settings = found.saved.map(|saved| saved.settings).unwrap_or_default();
    let permissions = combine(settings.default_permissions, found.overrides);
    Ok((settings, permissions, found.billing, found.counts))
}

/// The id of one of the organization's customers (asked of identity), else 404.
async fn org_customer(
    state: &AppState,
    staff: &Principal,
    customer_id: &str,
) -> Result<CustomerId, PortalError> {
    let id = CustomerId::parse(customer_id).ok_or(PortalError::CustomerNotFound)?;
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
    of(state, staff.org_id, id).await
}

/// `PUT /api/admin/customers/{id}/permissions`: the overrides become exactly these.
pub async fn set(
    state: &AppState,
    acting: &Acting,
    customer_id: &str,
    overrides: Overrides,
) -> Result<Permissions, PortalError> {
    let org_id = acting.principal.org_id;
    let id = org_customer(state, &acting.principal, customer_id).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    store::put_overrides(&mut tx, org_id, id, &overrides, now).await?;
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
    of(state, org_id, id).await
}

/// Whether the signed-in customer may use an area now: `feature` on in the organization's
/// settings (else `FeatureOff`) and their `permission` flag set (else
/// `PermissionMissing`). Nothing is cached: a change holds from the next request.
pub async fn check_mine(
    state: &AppState,
    customer: &Principal,
    feature: &str,
    permission: &str,
) -> Result<(), PortalError> {
    let (settings, permissions, _) =
        with_org(state, (customer.org_id, customer.customer_id())).await?;
    let features = settings.features;
    let on = match feature {
        "approvals" => features.approvals,
        "requests" => features.requests,
        "documents" => features.documents,
        "billing" => features.billing,
        "gallery" => features.gallery,
        _ => {
            return Err(PortalError::InvalidField {
                field: "feature",
                problem: "must be approvals, requests, documents, billing or gallery",
            });
        }
    };
    if !on {
        return Err(PortalError::FeatureOff);
    }
    let flags = permissions.effective;
    let (name, allowed) = match permission {
        "can_view_invoices" => ("can_view_invoices", flags.can_view_invoices),
        "can_approve_work" => ("can_approve_work", flags.can_approve_work),
        "can_add_comments" => ("can_add_comments", flags.can_add_comments),
        "can_submit_requests" => ("can_submit_requests", flags.can_submit_requests),
        _ => {
            return Err(PortalError::InvalidField {
                field: "permission",
                problem: "must be one of the customer permissions",
            });
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(PortalError::PermissionMissing(name))
    }
}

/// The signed-in customer's own permissions (`GET /api/customer/me`).
pub async fn mine(state: &AppState, customer: &Principal) -> Result<Permissions, PortalError> {
    of(state, customer.org_id, customer.customer_id()).await
}
