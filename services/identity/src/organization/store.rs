//! The SQL of organizations.

use atrium_common::db::{Db, Tx, is_unique_violation};
use atrium_common::ids::OrgId;
use atrium_common::{on_db, on_tx};

use super::Organization;
use crate::error::IdentityError;

pub async fn insert_organization(tx: &mut Tx, org: &Organization) -> Result<(), IdentityError> {
    let result = on_tx!(tx, |conn| {
        sqlx::query(
            "insert into organization (organization_id, slug, name, created_at, updated_at) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(org.organization_id)
        .bind(&org.slug)
        .bind(&org.name)
        .bind(org.created_at)
        .bind(org.updated_at)
        .execute(conn)
        .await
        .map(drop)
    });
    match result {
        Ok(()) => Ok(()),
        Err(err) if is_unique_violation(&err) => Err(IdentityError::OrganizationExists),
        Err(err) => Err(err.into()),
    }
}

pub async fn find_organization_by_slug(
    db: &Db,
    slug: &str,
) -> Result<Option<Organization>, IdentityError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(
            "select organization_id, slug, name, created_at, updated_at from organization \
             where slug = $1",
        )
        .bind(slug)
        .fetch_optional(pool)
        .await
    })?)
}

pub async fn find_organization(
    db: &Db,
    organization_id: OrgId,
) -> Result<Option<Organization>, IdentityError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(
            "select organization_id, slug, name, created_at, updated_at from organization \
             where organization_id = $1",
        )
        .bind(organization_id)
        .fetch_optional(pool)
        .await
    })?)
}

/// Takes the organization's row lock for the rest of `tx`, so staff changes of one org
/// (and the last-owner rule they check) run one at a time on both backends.
pub async fn lock_organization(tx: &mut Tx, org_id: OrgId) -> Result<(), IdentityError> {
    on_tx!(tx, |conn| {
        sqlx::query("update organization set updated_at = updated_at where organization_id = $1")
            .bind(org_id)
            .execute(conn)
            .await
            .map(drop)
    })?;
    Ok(())
}
