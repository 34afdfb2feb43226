//! Staff management (`staff.manage`): invitations by email, role and status changes, and
//! removal. Admins cannot touch owners (nor make one), and the organization's last active
//! owner cannot be removed, demoted or deactivated. Every change takes the organization's
//! row lock first, so two changes racing for the last owner are one after the other.

use atrium_common::auth::Principal;
use atrium_common::page::Page;
use uuid::Uuid;

use crate::AppState;
use crate::audit::{Actor, Audit};
use crate::credentials::{self, Account, Holder, Link, Purpose, Redemption, tokens};
use crate::error::IdentityError;
use crate::staff;
use crate::store::{self, StaffRow};
use crate::validate::{self, Email};
use atrium_common::roles::{Permission, Role};

const PERMISSION: Permission = Permission::StaffManage;

/// The acting staff member, if their role may manage staff.
async fn manager(
    state: &AppState,
    principal: &Principal,
) -> Result<(StaffRow, Role), IdentityError> {
    let actor = store::find_staff(&state.db, principal.org_id, principal.subject_id)
        .await?
        .filter(|s| s.status == "active")
        .ok_or(IdentityError::SessionInvalid)?;
    let role = Role::parse(&actor.role).ok_or(IdentityError::PermissionDenied(PERMISSION))?;
    if !role.allows(PERMISSION) {
        return Err(IdentityError::PermissionDenied(PERMISSION));
    }
    Ok((actor, role))
}

/// Admins may not touch an owner, nor hand out the owner role.
fn may_touch(actor: Role, target: Role) -> Result<(), IdentityError> {
    if target == Role::Owner && actor != Role::Owner {
        return Err(IdentityError::PermissionDenied(PERMISSION));
    }
    Ok(())
}

fn parse_role(text: &str) -> Result<Role, IdentityError> {
    Role::parse(text).ok_or(IdentityError::InvalidField {
        field: "role",
        problem: "must be owner, admin, editor, viewer or accountant",
    })
}

fn parse_id(text: &str) -> Result<Uuid, IdentityError> {
    Uuid::parse_str(text).map_err(|_| IdentityError::StaffNotFound)
}

/// Invites a staff member: the account (`invited`) and a 7-day single-use link, mailed
/// through the outbox in the same transaction. A member whose earlier link expired is
/// invited again with a new one.
pub async fn invite(
    state: &AppState,
    principal: &Principal,
    email: &str,
    name: &str,
    role: &str,
    ip: &str,
) -> Result<StaffRow, IdentityError> {
    let (actor, actor_role) = manager(state, principal).await?;
    let email = Email::parse("email", email)?;
    let name = validate::optional_text("name", name, 200)?;
    let role = parse_role(role)?;
    may_touch(actor_role, role)?;
    let org = store::find_organization(&state.db, principal.org_id)
        .await?
        .ok_or(IdentityError::OrganizationNotFound)?;
    let now = state.clock.now();
    let existing =
        store::find_staff_by_email(&state.db, org.organization_id, &email.normalized).await?;
    let (member, is_new) = match existing {
        None => (
            StaffRow {
                staff_id: Uuid::new_v4(),
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
                role: role.as_str().into(),
                status: "invited".into(),
                password_hash: None,
                created_at: now,
                updated_at: now,
            },
            true,
        ),
        Some(member) if member.status == "invited" => {
            if tokens::has_live(&state.db, member.holder(), Purpose::Invitation, now).await? {
                return Err(IdentityError::InvitationPending);
            }
            may_touch(actor_role, Role::parse(&member.role).unwrap_or(Role::Owner))?;
            (member, false)
        }
        Some(_) => return Err(IdentityError::StaffExists),
    };
    let mut tx = state.db.begin().await?;
    store::lock_organization(&mut tx, org.organization_id).await?;
    if is_new {
        match store::insert_staff(&mut tx, &member).await {
            Err(IdentityError::Database(err)) if atrium_common::db::is_unique_violation(&err) => {
                return Err(IdentityError::InvitationPending);
            }
            other => other?,
        }
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
    Audit {
        org_id: org.organization_id,
        actor: Actor::staff(actor.staff_id),
        action: "staff.invited",
        subject: ("staff", member.staff_id),
        ip,
        at: now,
    }
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
    } = credentials::redeem::<StaffRow>(state, token, Purpose::Invitation, password).await?;
    let signed_in = staff::open_session(state, &mut tx, &member, &ip, &user_agent, now).await?;
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
) -> Result<(Vec<StaffRow>, String), IdentityError> {
    manager(state, principal).await?;
    let rows = store::list_staff(&state.db, principal.org_id, page.after, page.size).await?;
    let next = page.next_token(rows.len(), rows.last().map(|r| (r.created_at, r.staff_id)));
    Ok((rows, next))
}

/// A change of role and/or status; `None` leaves it as it is.
pub struct AccessChange {
    pub role: Option<String>,
    pub status: Option<String>,
}

/// Changes a member's role or status. Deactivation ends their sessions at once; a
/// demotion shows in the permissions of their very next request.
pub async fn update(
    state: &AppState,
    principal: &Principal,
    staff_id: &str,
    change: AccessChange,
    ip: &str,
) -> Result<StaffRow, IdentityError> {
    let (actor, actor_role) = manager(state, principal).await?;
    let staff_id = parse_id(staff_id)?;
    let new_role = change.role.as_deref().map(parse_role).transpose()?;
    let wanted_status = match change.status.as_deref() {
        None => None,
        Some(status @ ("active" | "deactivated")) => Some(status),
        Some(_) => {
            return Err(IdentityError::InvalidField {
                field: "status",
                problem: "must be active or deactivated",
            });
        }
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    store::lock_organization(&mut tx, principal.org_id).await?;
    let target = store::find_staff_in(&mut tx, principal.org_id, staff_id)
        .await?
        .ok_or(IdentityError::StaffNotFound)?;
    let old_role = Role::parse(&target.role).unwrap_or(Role::Owner);
    may_touch(actor_role, old_role)?;
    let role = new_role.unwrap_or(old_role);
    may_touch(actor_role, role)?;
    let status = match wanted_status {
        None => target.status.as_str(),
        Some("deactivated") => "deactivated",
        // Reactivating someone who never set a password leaves them invited.
        Some(_) if target.password_hash.is_none() => "invited",
        Some(_) => "active",
    }
    .to_owned();
    let was_active_owner = old_role == Role::Owner && target.status == "active";
    let stays_active_owner = role == Role::Owner && status == "active";
    if was_active_owner
        && !stays_active_owner
        && store::count_active_owners(&mut tx, principal.org_id).await? <= 1
    {
        return Err(IdentityError::LastOwner);
    }
    let updated = store::update_staff_access(
        &mut tx,
        principal.org_id,
        staff_id,
        role.as_str(),
        &status,
        now,
    )
    .await?
    .ok_or(IdentityError::StaffNotFound)?;
    let mut actions = Vec::new();
    if role != old_role {
        actions.push("staff.role_changed");
    }
    if status != target.status {
        if status == "deactivated" {
            store::end_staff_sessions(&mut tx, principal.org_id, staff_id, None, now).await?;
            actions.push("staff.deactivated");
        } else {
            actions.push("staff.reactivated");
        }
    }
    for action in actions {
        Audit {
            org_id: principal.org_id,
            actor: Actor::staff(actor.staff_id),
            action,
            subject: ("staff", staff_id),
            ip,
            at: now,
        }
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
    staff_id: &str,
    ip: &str,
) -> Result<(), IdentityError> {
    let (actor, actor_role) = manager(state, principal).await?;
    let staff_id = parse_id(staff_id)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    store::lock_organization(&mut tx, principal.org_id).await?;
    let target = store::find_staff_in(&mut tx, principal.org_id, staff_id)
        .await?
        .ok_or(IdentityError::StaffNotFound)?;
    let role = Role::parse(&target.role).unwrap_or(Role::Owner);
    may_touch(actor_role, role)?;
    if role == Role::Owner
        && target.status == "active"
        && store::count_active_owners(&mut tx, principal.org_id).await? <= 1
    {
        return Err(IdentityError::LastOwner);
    }
    tokens::delete_all(&mut tx, (Holder::Staff, staff_id)).await?;
    if !store::delete_staff(&mut tx, principal.org_id, staff_id).await? {
        return Err(IdentityError::StaffNotFound);
    }
    Audit {
        org_id: principal.org_id,
        actor: Actor::staff(actor.staff_id),
        action: "staff.removed",
        subject: ("staff", staff_id),
        ip,
        at: now,
    }
    .record(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
