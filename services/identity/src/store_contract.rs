//! Identity's store contract: what its statements promise, checked on the backend the
//! tests run on (SQLite, or PostgreSQL with ATRIUM_TEST_DATABASE_URL), so the two SQL
//! dialects cannot drift apart unseen.

use atrium_common::config::ServiceName;
use atrium_common::db::Db;
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::testkit::{self, TestDatabase, at};
use chrono::TimeDelta;

use crate::credentials::tokens::{self, Holder, Purpose};
use crate::customer::store as customers;
use crate::customer::{Customer, CustomerStatus};
use crate::error::IdentityError;
use crate::organization::Organization;
use crate::organization::store as organizations;
use crate::validate::normalize_email;

async fn db() -> (Db, TestDatabase) {
    testkit::store_db(ServiceName::Identity, &crate::MIGRATIONS).await
}

async fn organization(db: &Db, slug: &str) -> OrgId {
    let org = Organization {
        organization_id: OrgId::new(),
        slug: slug.to_owned(),
        name: slug.to_owned(),
        created_at: at(0),
        updated_at: at(0),
    };
    let mut tx = db.begin().await.unwrap();
    organizations::insert_organization(&mut tx, &org)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    org.organization_id
}

fn customer(org_id: OrgId, email: &str, name: &str, created: i64) -> Customer {
    Customer {
        customer_id: CustomerId::new(),
        org_id,
        email: email.to_owned(),
        email_normalized: normalize_email(email),
        name: name.to_owned(),
        company: String::new(),
        phone: String::new(),
        address: String::new(),
        locale: "en".to_owned(),
        status: CustomerStatus::Invited,
        password_hash: None,
        epoch: 0,
        created_at: at(created),
        updated_at: at(created),
        account_manager_id: None,
    }
}

async fn insert(db: &Db, c: &Customer) -> bool {
    let mut tx = db.begin().await.unwrap();
    let inserted = customers::insert_customer(&mut tx, c).await.unwrap();
    tx.commit().await.unwrap();
    inserted
}

#[tokio::test]
async fn an_email_is_taken_once_per_organization_and_found_only_there() {
    let (db, _database) = db().await;
    let (acme, other) = (
        organization(&db, "acme").await,
        organization(&db, "other").await,
    );
    let first = customer(acme, "Jörg@Example.test", "Jörg", 0);

    let inserted = insert(&db, &first).await;
    let again = insert(&db, &customer(acme, "jörg@example.test", "Twin", 1)).await;
    let elsewhere = insert(&db, &customer(other, "jörg@example.test", "Other", 2)).await;
    let found = customers::find_customer_by_email(&db, acme, &normalize_email("JÖRG@example.test"))
        .await
        .unwrap();
    let across = customers::find_customer(&db, other, first.customer_id)
        .await
        .unwrap();

    assert!(inserted);
    assert!(
        !again,
        "the same address in another case is the same customer"
    );
    assert!(elsewhere, "another organization may have them too");
    assert_eq!(found.map(|c| c.customer_id), Some(first.customer_id));
    assert!(across.is_none(), "another organization does not see them");
}

#[tokio::test]
async fn a_search_folds_case_in_any_script_and_pages_newest_first() {
    let (db, _database) = db().await;
    let org = organization(&db, "acme").await;
    for (n, name) in ["Ärztin Öztürk", "Σοφία Παπαδοπούλου", "Plain Person"]
        .iter()
        .enumerate()
    {
        insert(
            &db,
            &customer(org, &format!("c{n}@example.test"), name, n as i64),
        )
        .await;
    }

    let search = |q: &'static str| {
        let db = db.clone();
        async move {
            customers::list_customers(&db, org, Some(q), None, None, 10)
                .await
                .unwrap()
        }
    };
    let page = customers::list_customers(&db, org, None, None, None, 2)
        .await
        .unwrap();
    let last = page.last().unwrap();
    let rest = customers::list_customers(
        &db,
        org,
        None,
        None,
        Some((last.created_at, last.customer_id.0)),
        2,
    )
    .await
    .unwrap();

    assert_eq!(search("ärztin").await.len(), 1);
    assert_eq!(search("ÄRZTIN").await.len(), 1);
    assert_eq!(search("σοφία").await.len(), 1);
    assert_eq!(search("ΣΟΦΊΑ").await.len(), 1);
    assert!(search("nobody").await.is_empty());
    let names: Vec<&str> = page.iter().chain(&rest).map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["Plain Person", "Σοφία Παπαδοπούλου", "Ärztin Öztürk"]
    );
}

#[tokio::test]
async fn a_one_time_token_opens_its_account_once_and_a_new_one_kills_the_old() {
    let (db, _database) = db().await;
    let org = organization(&db, "acme").await;
    let holder = (Holder::Customer, uuid::Uuid::new_v4());
    let mut tx = db.begin().await.unwrap();
    let first = tokens::issue(
        &mut tx,
        org,
        holder,
        Purpose::Reset,
        TimeDelta::hours(1),
        at(0),
    )
    .await
    .unwrap();
    let second = tokens::issue(
        &mut tx,
        org,
        holder,
        Purpose::Reset,
        TimeDelta::hours(1),
        at(1),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let consume = |token: String, purpose, now| {
        let db = db.clone();
        async move {
            let mut tx = db.begin().await.unwrap();
            let used = tokens::consume(&mut tx, &token, Holder::Customer, purpose, now).await;
            tx.commit().await.unwrap();
            used
        }
    };
    let old = consume(first.token.clone(), Purpose::Reset, at(2)).await;
    let wrong_purpose = consume(second.token.clone(), Purpose::Invitation, at(2)).await;
    let live_before = tokens::has_live(&db, holder, Purpose::Reset, at(2))
        .await
        .unwrap();
    let used = consume(second.token.clone(), Purpose::Reset, at(3)).await;
    let reused = consume(second.token.clone(), Purpose::Reset, at(4)).await;
    let live_after = tokens::has_live(&db, holder, Purpose::Reset, at(4))
        .await
        .unwrap();
    let mut tx = db.begin().await.unwrap();
    let third = tokens::issue(
        &mut tx,
        org,
        holder,
        Purpose::Reset,
        TimeDelta::hours(1),
        at(5),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let expired = consume(third.token, Purpose::Reset, at(5 + 3601)).await;

    assert!(
        matches!(old, Err(IdentityError::TokenInvalid)),
        "replaced by the second"
    );
    assert!(matches!(wrong_purpose, Err(IdentityError::TokenInvalid)));
    assert!(live_before);
    let used = used.expect("the live token opens its account");
    assert_eq!((used.org_id, used.holder_id), (org, holder.1));
    assert!(
        matches!(reused, Err(IdentityError::TokenInvalid)),
        "once only"
    );
    assert!(!live_after);
    assert!(matches!(expired, Err(IdentityError::TokenInvalid)));
}
