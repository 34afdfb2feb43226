//! "Get portal access" from a share link: the link's customer gets the mail that lets
//! them in — a reset link when they have a password, their pending invitation again
//! when they were invited, an invitation when they have no account yet — and nothing
//! else happens otherwise. The caller answers the
//! same whatever happened, so a link holder learns nothing of the account.

use atrium_common::auth::Principal;

use super::CustomerStatus;
use super::invitation_store;
use super::invitations::{audit_on_customer, reissue};
use super::store as customer_store;
use crate::AppState;
use crate::credentials;
use crate::error::IdentityError;
use crate::organization::store as org_store;

/// Mails the customer `holder` names the way into the portal, if there is one.
pub async fn request(state: &AppState, holder: &Principal, ip: &str) -> Result<(), IdentityError> {
    let Some(org) = org_store::find_organization(&state.db, holder.org_id).await? else {
        return Ok(());
    };
    let customer_id = holder.customer_id();
    let Some(customer) =
        customer_store::find_customer(&state.db, org.organization_id, customer_id).await?
    else {
        return Ok(());
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let action = match customer.status {
        CustomerStatus::Active if customer.password_hash.is_some() => {
            credentials::write_reset_mail(state, &mut tx, &customer, &org, now).await?;
            "customer.portal_access_reset"
        }
        CustomerStatus::Invited => {
            let pending = invitation_store::find_pending_invitation(
                &state.db,
                org.organization_id,
                customer_id,
            )
            .await?;
            let Some(pending) = pending else {
                return Ok(());
            };
            reissue(state, &mut tx, (&org, pending.invitation_id), "", now).await?;
            "customer.invitation_resent"
        }
        CustomerStatus::NoAccount => {
            let by = (None, "");
            super::no_account::invite_in(state, &mut tx, (&org, customer_id), by, now).await?;
            "customer.invited"
        }
        _ => return Ok(()),
    };
    audit_on_customer(holder, action, customer_id, ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(())
}

/// "Request access" on a link page (design/links.md): the customer of the organization
/// `org` (its slug) with `email`, when there is one who may still be sent documents (no
/// account, invited or active; never deactivated or erased). The caller answers the same
/// whatever this finds.
pub async fn find_by_email(
    state: &AppState,
    org: &str,
    email: &str,
) -> Result<Option<super::Customer>, IdentityError> {
    let Some(org) = org_store::find_organization_by_slug(&state.db, org).await? else {
        return Ok(None);
    };
    let email = crate::validate::normalize_email(email);
    let found =
        customer_store::find_customer_by_email(&state.db, org.organization_id, &email).await?;
    Ok(found.filter(|c| {
        matches!(
            c.status,
            CustomerStatus::NoAccount | CustomerStatus::Invited | CustomerStatus::Active
        )
    }))
}
