//! Bulk fixtures for the benchmarks: an organization and its active customers, written
//! through the stores in one transaction, all sharing one precomputed password hash (so
//! seeding ten thousand accounts does not run ten thousand argon2id hashes).

use atrium_common::db::Db;
use atrium_common::ids::{CustomerId, OrgId};
use chrono::Utc;
use uuid::Uuid;

use crate::customer::store as customer_store;
use crate::customer::{Customer, CustomerStatus};
use crate::organization::Organization;
use crate::organization::store as org_store;

/// The organization written and its customers, in the order of their emails'
/// numbers: `customer{i}@{slug}.test`.
pub struct SeededOrganization {
    pub org_id: Uuid,
    pub customer_ids: Vec<Uuid>,
}

/// Writes organization `slug` with `customers` active customers whose password hash is
/// `password_hash` (a PHC string from [`atrium_common::password::hash_password`]).
pub async fn organization_with_customers(
    db: &Db,
    slug: &str,
    customers: usize,
    password_hash: &str,
) -> anyhow::Result<SeededOrganization> {
    let now = Utc::now();
    let org_id = OrgId(Uuid::now_v7());
    let mut tx = db.begin().await?;
    org_store::insert_organization(
        &mut tx,
        &Organization {
            organization_id: org_id,
            slug: slug.to_owned(),
            name: format!("{slug} Ltd"),
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    let mut customer_ids = Vec::with_capacity(customers);
    for i in 0..customers {
        let email = format!("customer{i}@{slug}.test");
        let row = Customer {
            customer_id: CustomerId(Uuid::now_v7()),
            org_id,
            email_normalized: email.clone(),
            email,
            name: format!("Customer {i}"),
            company: String::new(),
            phone: String::new(),
            address: String::new(),
            locale: "en".to_owned(),
            status: CustomerStatus::Active,
            password_hash: Some(password_hash.to_owned()),
            epoch: 0,
            created_at: now,
            updated_at: now,
            account_manager_id: None,
        };
        anyhow::ensure!(
            customer_store::insert_customer(&mut tx, &row).await?,
            "{} already exists",
            row.email
        );
        customer_ids.push(row.customer_id.0);
    }
    tx.commit().await?;
    Ok(SeededOrganization {
        org_id: org_id.0,
        customer_ids,
    })
}
