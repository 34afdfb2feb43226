//! Organizations (tenants): onboarding one with its first owner, and reading one.

pub mod store;

use atrium_common::ids::{OrgId, StaffId};
use atrium_common::password::hash_password;
use atrium_common::roles::Role;
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::error::IdentityError;
use crate::organization::store as org_store;
use crate::staff::store as staff_store;
use crate::staff::{StaffMember, StaffStatus};
use crate::validate::{self, Email, Slug};

/// A tenant.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Organization {
    pub organization_id: OrgId,
    pub slug: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A tenant to onboard and its first owner.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub slug: String,
    pub name: String,
    pub owner_email: String,
    pub owner_password: String,
}

/// The outcome of onboarding: the organization, its owner, and whether it was new.
#[derive(Debug, Clone)]
pub struct Onboarded {
    pub organization: Organization,
    pub owner: StaffMember,
    pub created: bool,
}

/// Creates an organization and its owner in one transaction. With `if_absent`, an
/// existing slug answers the existing organization instead of `OrganizationExists`.
pub async fn create_organization(
    state: &AppState,
    input: NewOrganization,
    if_absent: bool,
) -> Result<Onboarded, IdentityError> {
    let slug = Slug::parse(&input.slug)?;
    let name = validate::name("name", &input.name)?;
    let email = Email::parse("owner_email", &input.owner_email)?;
    validate::new_password("owner_password", &input.owner_password)?;
    if if_absent && let Some(existing) = existing_organization(state, &slug).await? {
        return Ok(existing);
    }
    let password_hash = hash_password(input.owner_password).await?;
    let now = state.clock.now();
    let organization = Organization {
        organization_id: OrgId::new(),
        slug: slug.as_str().to_owned(),
        name,
        created_at: now,
        updated_at: now,
    };
    let owner = StaffMember {
        staff_id: StaffId::new(),
        org_id: organization.organization_id,
        name: email.display.clone(),
        email: email.display,
        email_normalized: email.normalized,
        title: String::new(),
        phone: String::new(),
        locale: String::new(),
        role: Role::Owner,
        status: StaffStatus::Active,
        password_hash: Some(password_hash),
        created_at: now,
        updated_at: now,
    };
    let mut tx = state.db.begin().await?;
    match org_store::insert_organization(&mut tx, &organization).await {
        Err(IdentityError::OrganizationExists) if if_absent => {
            drop(tx);
            // Another process onboarded the same slug a moment ago: answer theirs.
            return existing_organization(state, &slug)
                .await?
                .ok_or(IdentityError::OrganizationExists);
        }
        other => other?,
    }
    staff_store::insert_staff(&mut tx, &owner).await?;
    tx.commit().await?;
    tracing::info!(org = %organization.slug, "organization created");
    Ok(Onboarded {
        organization,
        owner,
        created: true,
    })
}

async fn existing_organization(
    state: &AppState,
    slug: &Slug,
) -> Result<Option<Onboarded>, IdentityError> {
    let Some(organization) = org_store::find_organization_by_slug(&state.db, slug.as_str()).await?
    else {
        return Ok(None);
    };
    let owner = staff_store::find_first_owner(&state.db, organization.organization_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("organization {} has no owner", organization.slug))?;
    Ok(Some(Onboarded {
        organization,
        owner,
        created: false,
    }))
}

pub async fn get_organization(state: &AppState, slug: &str) -> Result<Organization, IdentityError> {
    if let Some(found) = org_store::find_organization_by_slug(&state.db, slug).await? {
        return Ok(found);
    }
    // An id names the organization too (share-link pages know the id, not the slug).
    let by_id = match OrgId::parse(slug) {
        Some(id) => org_store::find_organization(&state.db, id).await?,
        None => None,
    };
    by_id.ok_or(IdentityError::OrganizationNotFound)
}
