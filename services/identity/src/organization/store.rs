//! The SQL of organizations.

use atrium_common::db::{Db, Tx, is_unique_violation};
use atrium_common::ids::OrgId;

use super::Organization;
use crate::error::IdentityError;
use atrium_common::sql;

pub async fn insert_organization(tx: &mut Tx, org: &Organization) -> Result<(), IdentityError> {
    let result = sql!(tx tx, query(
        "insert into organization (organization_id, slug, name, created_at, updated_at) \
         values ($1, $2, $3, $4, $5)"
    ) [org.organization_id, &org.slug, &org.name, org.created_at, org.updated_at] execute)
    .map(drop);
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
    Ok(sql!(db db, query_as(
        "select organization_id, slug, name, created_at, updated_at from organization \
         where slug = $1"
    ) [slug] fetch_optional)?)
}

pub async fn find_organization(
    db: &Db,
    organization_id: OrgId,
) -> Result<Option<Organization>, IdentityError> {
    Ok(sql!(db db, query_as(
        "select organization_id, slug, name, created_at, updated_at from organization \
         where organization_id = $1"
    ) [organization_id] fetch_optional)?)
}

/// Takes the organization's row lock for the rest of `tx`, so staff changes of one org
/// (and the last-owner rule they check) run one at a time on both backends.
pub async fn lock_organization(tx: &mut Tx, org_id: OrgId) -> Result<(), IdentityError> {
    sql!(tx tx, query(
        "update organization set updated_at = updated_at where organization_id = $1"
    ) [org_id] execute)
    .map(drop)?;
    Ok(())
}
