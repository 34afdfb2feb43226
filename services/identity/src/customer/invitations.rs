//! Customer invitations: staff create the customer (`invited`, assignable at once) and a
//! single-use token valid 7 days, and the invitation mail is written to identity's outbox
//! in the same transaction. The link holder previews it without consuming anything and
//! accepts it by setting a password, which activates the account and signs them in.

use atrium_common::auth::Principal;
use atrium_common::ids::{CustomerId, InvitationId};
use chrono::{DateTime, Utc};

use super::invitation_store;
use super::sessions::{self as customer_sessions, ClientInfo, OpenedSession};
use super::store as customer_store;
use super::{Customer, CustomerStatus, Invitation, InvitationStatus, PendingInvitation};
use crate::AppState;
use crate::audit::{Actor, Audit};
use crate::credentials::{
    self, Account, Holder, INVITATION_TTL, Link, Purpose, Redemption, tokens,
};
use crate::error::IdentityError;
use crate::organization::store as org_store;
use crate::staff::store as staff_store;
use crate::validate::{self, Email};

/// The profile staff give when inviting.
#[derive(Debug, Clone, Default)]
pub struct NewInvitation {
    pub email: String,
    pub name: String,
    pub company: String,
    pub phone: String,
    pub address: String,
    pub locale: String,
}

/// A new customer of the organization in `status`, from the profile staff gave.
pub(super) fn new_customer(
    org_id: atrium_common::ids::OrgId,
    input: NewInvitation,
    status: CustomerStatus,
    now: DateTime<Utc>,
) -> Result<Customer, IdentityError> {
    let email = Email::parse("email", &input.email)?;
    Ok(Customer {
        customer_id: CustomerId::new(),
        org_id,
        email: email.display,
        email_normalized: email.normalized,
        name: validate::optional_text("name", &input.name, 200)?,
        company: validate::optional_text("company", &input.company, 200)?,
        phone: validate::optional_text("phone", &input.phone, 50)?,
        address: validate::optional_text("address", &input.address, 5000)?,
        locale: validate::locale("locale", &input.locale)?,
        status,
        password_hash: None,
        epoch: 0,
        created_at: now,
        updated_at: now,
        account_manager_id: None,
    })
}

/// Creates the customer and the invitation, and queues the mail, in one transaction.
pub async fn invite(
    state: &AppState,
    staff: &Principal,
    input: NewInvitation,
    ip: &str,
) -> Result<(Invitation, Customer), IdentityError> {
    let org = org_store::find_organization(&state.db, staff.org_id)
        .await?
        .ok_or(IdentityError::OrganizationNotFound)?;
    let now = state.clock.now();
    let fresh = new_customer(org.organization_id, input, CustomerStatus::Invited, now)?;
    let inviter = staff_store::find_staff(&state.db, staff.org_id, staff.staff_id()).await?;
    let existing = customer_store::find_customer_by_email(
        &state.db,
        org.organization_id,
        &fresh.email_normalized,
    )
    .await?;
    let (customer, is_new) = match existing {
        None => (fresh, true),
        Some(customer) if customer.status == CustomerStatus::Invited => {
            let pending = invitation_store::find_pending_invitation(
                &state.db,
                customer.org_id,
                customer.customer_id,
            )
            .await?;
            if pending.is_some() {
                return Err(IdentityError::InvitationPending);
            }
            // Invited before, that invitation cancelled: invite the same customer again.
            (customer, false)
        }
        // Created without an account: this is their invitation.
        Some(customer) if customer.status == CustomerStatus::NoAccount => (customer, false),
        Some(_) => return Err(IdentityError::CustomerExists),
    };
    let sender_name = inviter.map(|s| s.name).unwrap_or_default();
    let mut tx = state.db.begin().await?;
    if is_new && !customer_store::insert_customer(&mut tx, &customer).await? {
        // Another invitation of the same email committed a moment ago.
        return Err(IdentityError::InvitationPending);
    }
    let customer = match customer.status {
        CustomerStatus::NoAccount => {
            customer_store::mark_invited(&mut tx, customer.org_id, customer.customer_id, now)
                .await?
                .ok_or(IdentityError::InvitationPending)?
        }
        _ => customer,
    };
    let by = (Some(staff.staff_id()), sender_name.as_str());
    let invitation = open_invitation(state, &mut tx, (&org, &customer), by, now).await?;
    audit_on_customer(staff, "customer.invited", customer.customer_id, ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    tracing::info!(invitation_id = %invitation.invitation_id, "customer invited");
    Ok((invitation, customer))
}

/// A new pending invitation of `customer` (7 days from `now`) and its mail, inside `tx`;
/// `by` is who invites (a staff member and the name the mail signs with, or nobody).
pub(super) async fn open_invitation(
    state: &AppState,
    tx: &mut atrium_common::db::Tx,
    (org, customer): (&crate::organization::Organization, &Customer),
    (invited_by, sender_name): (Option<atrium_common::ids::StaffId>, &str),
    now: DateTime<Utc>,
) -> Result<Invitation, IdentityError> {
    let invitation = Invitation {
        invitation_id: InvitationId::new(),
        org_id: org.organization_id,
        customer_id: customer.customer_id,
        status: InvitationStatus::Pending,
        expires_at: now + INVITATION_TTL,
        invited_by,
        accepted_at: None,
        created_at: now,
        updated_at: now,
    };
    invitation_store::insert_invitation(tx, &invitation).await?;
    credentials::issue_link(
        state,
        tx,
        customer,
        Purpose::Invitation,
        invitation_link(sender_name),
        org,
        now,
    )
    .await?;
    Ok(invitation)
}

/// What the link holder sees before accepting.
pub struct Preview {
    pub org_name: String,
    pub email: String,
    pub expires_at: DateTime<Utc>,
}

/// The mail an invitation link goes out in.
fn invitation_link(sender_name: &str) -> Link<'_> {
    Link {
        template: "customer_invitation",
        page: "/customer/accept-invitation",
        sender_name,
        extra: &[],
    }
}

/// Shows a live invitation; consumes nothing.
pub async fn preview(state: &AppState, token: &str) -> Result<Preview, IdentityError> {
    let live = tokens::find_live(
        &state.db,
        token,
        Holder::Customer,
        Purpose::Invitation,
        state.clock.now(),
    )
    .await?;
    let org = org_store::find_organization(&state.db, live.org_id)
        .await?
        .ok_or(IdentityError::TokenInvalid)?;
    let customer =
        customer_store::find_customer(&state.db, live.org_id, CustomerId(live.holder_id))
            .await?
            .filter(|c| c.status == CustomerStatus::Invited)
            .ok_or(IdentityError::TokenInvalid)?;
    Ok(Preview {
        org_name: org.name,
        email: customer.email,
        expires_at: live.expires_at,
    })
}

/// Accepts an invitation: redeems its token for the first password (of racing uses
/// exactly one wins), which activates the customer, and opens a session, in one
/// transaction.
pub async fn accept(
    state: &AppState,
    token: &str,
    password: String,
    client: ClientInfo,
) -> Result<OpenedSession, IdentityError> {
    let Redemption {
        mut tx,
        account: customer,
        now,
    } = credentials::redeem::<Customer>(state, token, Purpose::Invitation, password).await?;
    let invitation =
        invitation_store::accept_invitation(&mut tx, customer.org_id, customer.customer_id, now)
            .await?
            .ok_or(IdentityError::TokenInvalid)?;
    let ip = client.ip.clone();
    let opened = customer_sessions::open_session(state, &mut tx, customer, client, now).await?;
    opened
        .customer
        .audit("customer.invitation_accepted", &ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    tracing::info!(invitation_id = %invitation.invitation_id, "customer invitation accepted");
    Ok(opened)
}

/// One page of the org's pending invitations and the next page token.
pub async fn list_pending(
    state: &AppState,
    staff: &Principal,
    page: atrium_common::page::Page,
) -> Result<(Vec<PendingInvitation>, String), IdentityError> {
    let rows =
        invitation_store::list_pending_invitations(&state.db, staff.org_id, page.after, page.size)
            .await?;
    let next = page.next_token(
        rows.len(),
        rows.last().map(|r| (r.created_at, r.invitation_id.0)),
    );
    Ok((rows, next))
}

/// Mails a pending invitation again with a new token; the old one dies and the 7 days
/// start again.
pub async fn resend(
    state: &AppState,
    staff: &Principal,
    invitation_id: InvitationId,
    ip: &str,
) -> Result<(Invitation, Customer), IdentityError> {
    let org = org_store::find_organization(&state.db, staff.org_id)
        .await?
        .ok_or(IdentityError::OrganizationNotFound)?;
    let sender_name = staff_store::find_staff(&state.db, staff.org_id, staff.staff_id())
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let (invitation, customer) =
        reissue(state, &mut tx, (&org, invitation_id), &sender_name, now).await?;
    audit_on_customer(
        staff,
        "customer.invitation_resent",
        customer.customer_id,
        ip,
        now,
    )
    .record(&mut tx)
    .await?;
    tx.commit().await?;
    state.relay.wake();
    Ok((invitation, customer))
}

/// Renews the organization's pending invitation inside `tx`: a new token mailed to the
/// customer, the old one dead, 7 days from `now`.
pub async fn reissue(
    state: &AppState,
    tx: &mut atrium_common::db::Tx,
    (org, invitation_id): (&crate::organization::Organization, InvitationId),
    sender_name: &str,
    now: DateTime<Utc>,
) -> Result<(Invitation, Customer), IdentityError> {
    let pending = invitation_store::renew_invitation(
        tx,
        org.organization_id,
        invitation_id,
        now + INVITATION_TTL,
        now,
    )
    .await?
    .ok_or(IdentityError::InvitationNotFound)?;
    let customer =
        customer_store::find_customer(&state.db, org.organization_id, pending.customer_id)
            .await?
            .ok_or(IdentityError::InvitationNotFound)?;
    let link = invitation_link(sender_name);
    let expires_at =
        credentials::issue_link(state, tx, &customer, Purpose::Invitation, link, org, now).await?;
    let invitation = Invitation {
        expires_at,
        ..pending
    };
    Ok((invitation, customer))
}

/// Cancels a pending invitation: its token dies; the customer stays invitable.
pub async fn cancel(
    state: &AppState,
    staff: &Principal,
    invitation_id: InvitationId,
    ip: &str,
) -> Result<(), IdentityError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let customer_id =
        invitation_store::cancel_invitation(&mut tx, staff.org_id, invitation_id, now)
            .await?
            .ok_or(IdentityError::InvitationNotFound)?;
    tokens::revoke(
        &mut tx,
        (Holder::Customer, customer_id.0),
        Purpose::Invitation,
        now,
    )
    .await?;
    Audit {
        org_id: staff.org_id,
        actor: Actor::of(staff),
        action: "customer.invitation_cancelled",
        subject: ("customer_invitation", invitation_id.0),
        ip,
        at: now,
    }
    .record(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An entry of the principal (staff, or the customer themself) acting on a customer.
pub fn audit_on_customer<'a>(
    actor: &Principal,
    action: &'static str,
    customer_id: CustomerId,
    ip: &'a str,
    at: DateTime<Utc>,
) -> Audit<'a> {
    Audit {
        org_id: actor.org_id,
        actor: Actor::of(actor),
        action,
        subject: ("customer", customer_id.0),
        ip,
        at,
    }
}
