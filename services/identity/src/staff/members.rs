//! Staff management (`staff.manage`): invitations by email, role and status changes, and
//! removal. Admins cannot touch owners (nor make one), and the organization's last active
//! owner cannot be removed, demoted or deactivated. Every change takes the organization's
//! row lock first, so two changes racing for the last owner are one after the other.

use atrium_common::auth::Principal;
use atrium_common::ids::StaffId;
use atrium_common::page::Page;

use super::session_store as staff_session_store;
use super::sessions::open_session;
use super::store as staff_store;
use super::{StaffMember, StaffStatus};
use crate::AppState;
use crate::audit::{Actor, Audit};
use crate::credentials::{self, Account, Holder, Link, Purpose, Redemption, tokens};
use crate::error::IdentityError;
use crate::organization::store as org_store;
use crate::validate::{self, Email};
use atrium_common::roles::{Permission, Role};

const PERMISSION: Permission = Permission::StaffManage;

/// The acting staff member, if their role may manage staff.
async fn manager(
    state: &AppState,
    principal: &Principal,
) -> Result<(StaffMember, Role), IdentityError> {
    let actor = staff_store::find_staff(&state.db, principal.org_id, principal.staff_id())
        .await?
        .filter(|s| s.status == StaffStatus::Active)
        .ok_or(IdentityError::SessionInvalid)?;
    let role = actor.role;
    if !role.allows(PERMISSION) {
        return Err(IdentityError::PermissionDenied(PERMISSION));
    }
    Ok((actor, role))
}

/// An entry of `actor` acting on the member `staff_id`.
fn on_member<'a>(
    actor: &StaffMember,
    action: &'static str,
    staff_id: StaffId,
    ip: &'a str,
    at: chrono::DateTime<chrono::Utc>,
) -> Audit<'a> {
    Audit {
        org_id: actor.org_id,
        actor: Actor::staff(actor.staff_id),
        action,
        subject: ("staff", staff_id.0),
        ip,
        at,
    }
}

/// Admins may not touch an owner, nor hand out the owner role.
fn may_touch(actor: Role, target: Role) -> Result<(), IdentityError> {
    if target == Role::Owner && actor != Role::Owner {
        return Err(IdentityError::PermissionDenied(PERMISSION));
    }
    Ok(())
}

/// A role as a request names it.
pub fn parse_role(text: &str) -> Result<Role, IdentityError> {
    Role::parse(text).ok_or(IdentityError::InvalidField {
        field: "role",
        problem: "must be owner, admin, editor, viewer or accountant",
    })
}

/// Invites a staff member: the account (`invited`) and a 7-day single-use link, mailed
/// through the outbox in the same transaction. A member whose earlier link expired is
/// invited again with a new one.
pub async fn invite(
    state: &AppState,
    principal: &Principal,
    email: &str,
    name: &str,
    role: Role,
    ip: &str,
) -> Result<StaffMember, IdentityError> {
    let (actor, actor_role) = manager(state, principal).await?;
    let email = Email::parse("email", email)?;
    let name = validate::optional_text("name", name, 200)?;
    may_touch(actor_role, role)?;
    let org = org_store::find_organization(&state.db, principal.org_id)
        .await?
        .ok_or(IdentityError::OrganizationNotFound)?;
    let now = state.clock.now();
    let existing =
        staff_store::find_staff_by_email(&state.db, org.organization_id, &email.normalized).await?;
    let (member, is_new) = match existing {
        None => (
            StaffMember {
                staff_id: StaffId::new(),
                org_id: org.organization_id,
                name: if name.is_empty() {
                    email.display.clone()
                } else {
                    name
                },
                email: email.display,
                email_normalized: email.normalized,
                title: String::new(),
                phone: String::new(),
                locale: String::new(),
                role,
                status: StaffStatus::Invited,
                password_hash: None,
                created_at: now,
                updated_at: now,
            },
            true,
        ),
        Some(member) if member.status == StaffStatus::Invited => {
            if tokens::has_live(&state.db, member.holder(), Purpose::Invitation, now).await? {
                return Err(IdentityError::InvitationPending);
            }
            may_touch(actor_role, member.role)?;
            (member, false)
        }
        Some(_) => return Err(IdentityError::StaffExists),
    };
    let mut tx = state.db.begin().await?;
    org_store::lock_organization(&mut tx, org.organization_id).await?;
    if is_new {
        staff_store::insert_staff(&mut tx, &member).await?;
    }
    let link = Link {
        template: "staff_invitation",
        page: "/admin/accept-invitation",
        sender_name: &actor.name,
        extra: &[("role", role.as_str())],
    };
    credentials::issue_link(
        state,
        &mut tx,
        &member,
        Purpose::Invitation,
        link,
        &org,
        now,
    )
    .await?;
    on_member(&actor, "staff.invited", member.staff_id, ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(member)
}

/// Accepts a staff invitation: redeems its token for the first password (of racing uses
/// exactly one wins), which activates the member, and signs them in.
pub async fn accept(
    state: &AppState,
    token: &str,
    password: String,
    ip: String,
    user_agent: String,
) -> Result<String, IdentityError> {
    let Redemption {
        mut tx,
        account: member,
        now,
    } = credentials::redeem::<StaffMember>(state, token, Purpose::Invitation, password).await?;
    let signed_in = open_session(state, &mut tx, &member, &ip, &user_agent, now).await?;
    member
        .audit("staff.invitation_accepted", &ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(signed_in)
}

/// One page of the organization's staff, newest first.
pub async fn list(
    state: &AppState,
    principal: &Principal,
    page: Page,
) -> Result<(Vec<StaffMember>, String), IdentityError> {
    manager(state, principal).await?;
    let rows = staff_store::list_staff(&state.db, principal.org_id, page.after, page.size).await?;
    let next = page.next_token(
        rows.len(),
        rows.last().map(|r| (r.created_at, r.staff_id.0)),
    );
    Ok((rows, next))
}

/// The active members of the principal's organization whose role holds `permission`.
pub async fn holding(
    state: &AppState,
    principal: &Principal,
    permission: Permission,
) -> Result<Vec<StaffMember>, IdentityError> {
    let mut members = staff_store::active_staff(&state.db, principal.org_id).await?;
    members.retain(|m| m.role.allows(permission));
    Ok(members)
}

/// A change of role and/or status (active or deactivated); `None` leaves it as it is.
pub struct AccessChange {
    pub role: Option<Role>,
    pub status: Option<StaffStatus>,
}

/// Changes a member's role or status. Deactivation ends their sessions at once; a
/// demotion shows in the permissions of their very next request.
pub async fn update(
    state: &AppState,
    principal: &Principal,
    staff_id: StaffId,
    change: AccessChange,
    ip: &str,
) -> Result<StaffMember, IdentityError> {
    let (actor, actor_role) = manager(state, principal).await?;
    let new_role = change.role;
    let wanted_status = change.status;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    org_store::lock_organization(&mut tx, principal.org_id).await?;
    let target = staff_store::find_staff_in(&mut tx, principal.org_id, staff_id)
        .await?
        .ok_or(IdentityError::StaffNotFound)?;
    let old_role = target.role;
    may_touch(actor_role, old_role)?;
    let role = new_role.unwrap_or(old_role);
    may_touch(actor_role, role)?;
    let status = match wanted_status {
        None => target.status,
        Some(StaffStatus::Deactivated) => StaffStatus::Deactivated,
        // Reactivating someone who never set a password leaves them invited.
        Some(_) if target.password_hash.is_none() => StaffStatus::Invited,
        Some(_) => StaffStatus::Active,
    };
    let was_active_owner = old_role == Role::Owner && target.status == StaffStatus::Active;
    let stays_active_owner = role == Role::Owner && status == StaffStatus::Active;
    if was_active_owner
        && !stays_active_owner
        && staff_store::count_active_owners(&mut tx, principal.org_id).await? <= 1
    {
        return Err(IdentityError::LastOwner);
    }
    let updated =
        staff_store::update_staff_access(&mut tx, principal.org_id, staff_id, role, status, now)
            .await?
            .ok_or(IdentityError::StaffNotFound)?;
    let mut actions = Vec::new();
    if role != old_role {
        actions.push("staff.role_changed");
    }
    if status != target.status {
        if status == StaffStatus::Deactivated {
            staff_session_store::end_staff_sessions(&mut tx, principal.org_id, staff_id, None, now)
                .await?;
            actions.push("staff.deactivated");
        } else {
            actions.push("staff.reactivated");
        }
    }
    for action in actions {
        on_member(&actor, action, staff_id, ip, now)
            .record(&mut tx)
            .await?;
    }
    tx.commit().await?;
    Ok(updated)
}

/// Removes a member: the account, its sessions and tokens go; the audit keeps their id.
pub async fn remove(
    state: &AppState,
    principal: &Principal,
    staff_id: StaffId,
    ip: &str,
) -> Result<(), IdentityError> {
    let (actor, actor_role) = manager(state, principal).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    org_store::lock_organization(&mut tx, principal.org_id).await?;
    let target = staff_store::find_staff_in(&mut tx, principal.org_id, staff_id)
        .await?
        .ok_or(IdentityError::StaffNotFound)?;
    let role = target.role;
    may_touch(actor_role, role)?;
    if role == Role::Owner
        && target.status == StaffStatus::Active
        && staff_store::count_active_owners(&mut tx, principal.org_id).await? <= 1
    {
        return Err(IdentityError::LastOwner);
    }
    tokens::delete_all(&mut tx, (Holder::Staff, staff_id.0)).await?;
    if !staff_store::delete_staff(&mut tx, principal.org_id, staff_id).await? {
        return Err(IdentityError::StaffNotFound);
    }
    on_member(&actor, "staff.removed", staff_id, ip, now)
        .record(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
