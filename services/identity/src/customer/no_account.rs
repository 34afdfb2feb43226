//! Customers without portal access (`no_account`, DESIGN's core routes): most businesses
//! start with emailed links and add accounts later. Staff create such a customer to bill
//! them, send them links and assign them projects, and no mail goes out; inviting them
//! later (staff, or the customer's own "Get portal access" from a link) sends the 7-day
//! invitation and makes them `invited`.

use atrium_common::auth::Principal;
use atrium_common::db::Tx;
use atrium_common::ids::{CustomerId, StaffId};
use chrono::{DateTime, Utc};

use super::invitations::{NewInvitation, audit_on_customer, new_customer, open_invitation};
use super::store as customer_store;
use super::{Customer, CustomerStatus, Invitation};
use crate::AppState;
use crate::error::IdentityError;
use crate::organization::Organization;
use crate::organization::store as org_store;
use crate::staff::store as staff_store;

/// Creates a customer without an account: nothing is mailed. An email already taken by
/// a customer of the organization is `CustomerExists`.
pub async fn create(
    state: &AppState,
    staff: &Principal,
    input: NewInvitation,
    ip: &str,
) -> Result<Customer, IdentityError> {
    let now = state.clock.now();
    let customer = new_customer(staff.org_id, input, CustomerStatus::NoAccount, now)?;
    let taken =
        customer_store::find_customer_by_email(&state.db, staff.org_id, &customer.email_normalized)
            .await?;
    if taken.is_some() {
        return Err(IdentityError::CustomerExists);
    }
    let mut tx = state.db.begin().await?;
    if !customer_store::insert_customer(&mut tx, &customer).await? {
        return Err(IdentityError::CustomerExists);
    }
    audit_on_customer(staff, "customer.created", customer.customer_id, ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(customer)
}

/// Staff invite a customer who has no account: the invitation mail goes out and they are
/// `invited`. One already invited with a pending invitation is `InvitationPending`, one
/// with an account (or deactivated) `CustomerExists`.
pub async fn invite(
    state: &AppState,
    staff: &Principal,
    customer_id: CustomerId,
    ip: &str,
) -> Result<(Invitation, Customer), IdentityError> {
    let org = org_store::find_organization(&state.db, staff.org_id)
        .await?
        .ok_or(IdentityError::OrganizationNotFound)?;
    let customer = customer_store::find_customer(&state.db, org.organization_id, customer_id)
        .await?
        .filter(|c| c.status != CustomerStatus::Erased)
        .ok_or(IdentityError::CustomerNotFound)?;
    match customer.status {
        CustomerStatus::NoAccount => {}
        CustomerStatus::Invited => return Err(IdentityError::InvitationPending),
        _ => return Err(IdentityError::CustomerExists),
    }
    let sender_name = staff_store::find_staff(&state.db, staff.org_id, staff.staff_id())
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let by = (Some(staff.staff_id()), sender_name.as_str());
    let invited = invite_in(state, &mut tx, (&org, customer_id), by, now).await?;
    audit_on_customer(staff, "customer.invited", customer_id, ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    tracing::info!(invitation_id = %invited.0.invitation_id, "customer without an account invited");
    Ok(invited)
}

/// Inside `tx`: the customer without an account becomes invited, with a new invitation
/// and its mail. One that is no longer without an account (invited meanwhile) is
/// `InvitationPending`.
pub(super) async fn invite_in(
    state: &AppState,
    tx: &mut Tx,
    (org, customer_id): (&Organization, CustomerId),
    by: (Option<StaffId>, &str),
    now: DateTime<Utc>,
) -> Result<(Invitation, Customer), IdentityError> {
    let customer = customer_store::mark_invited(tx, org.organization_id, customer_id, now)
        .await?
        .ok_or(IdentityError::InvitationPending)?;
    let invitation = open_invitation(state, tx, (org, &customer), by, now).await?;
    Ok((invitation, customer))
}
