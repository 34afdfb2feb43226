//! Customers over gRPC: invited by staff whose role allows it, found by a folded name,
//! and never seen from another organization.

use atrium_common::auth::Principal;
use atrium_common::roles::Role;
use atrium_proto::identity::v1 as pb;
use tonic::Code;

use crate::support::{TestIdentity, refusal};

fn invite(email: &str, name: &str) -> pb::InviteCustomerRequest {
    pb::InviteCustomerRequest {
        email: email.to_owned(),
        name: name.to_owned(),
        ..Default::default()
    }
}

#[tokio::test]
async fn customers_are_found_by_a_non_ascii_name_in_either_case() {
    let identity = TestIdentity::start().await;
    let org = identity.organization("acme").await;
    let mut customers = identity.customers();
    for (email, name) in [
        ("a@x.test", "Ärztin Öztürk"),
        ("b@x.test", "Ω Omega"),
        ("c@x.test", "Plain"),
    ] {
        customers
            .invite_customer(org.owner.request(invite(email, name)))
            .await
            .unwrap();
    }

    let search = |q: &str| {
        let mut customers = customers.clone();
        let request = org.owner.request(pb::ListCustomersRequest {
            q: q.to_owned(),
            ..Default::default()
        });
        async move {
            customers
                .list_customers(request)
                .await
                .unwrap()
                .into_inner()
                .items
        }
    };

    for q in ["ärztin", "ÄRZTIN", "öztürk", "ω omega"] {
        let found = search(q).await;
        assert_eq!(found.len(), 1, "search {q:?}");
    }
    assert_eq!(search("").await.len(), 3);
}

#[tokio::test]
async fn another_organizations_customers_are_neither_read_nor_looked_up() {
    let identity = TestIdentity::start().await;
    let acme = identity.organization("acme").await;
    let other = identity.organization("other").await;
    let mut customers = identity.customers();
    let invited = customers
        .invite_customer(acme.owner.request(invite("jo@x.test", "Jo")))
        .await
        .unwrap()
        .into_inner()
        .customer
        .unwrap();

    let read = customers
        .get_customer(other.owner.request(pb::CustomerRequest {
            customer_id: invited.id.clone(),
        }))
        .await
        .unwrap_err();
    let looked_up = customers
        .lookup_customers(other.owner.request(pb::LookupCustomersRequest {
            customer_ids: vec![invited.id.clone()],
        }))
        .await
        .unwrap()
        .into_inner();
    let listed = customers
        .list_customers(other.owner.request(pb::ListCustomersRequest::default()))
        .await
        .unwrap()
        .into_inner();
    let deactivated = customers
        .deactivate_customer(other.owner.request(pb::CustomerRequest {
            customer_id: invited.id.clone(),
        }))
        .await
        .unwrap_err();
    let still = customers
        .get_customer(acme.owner.request(pb::CustomerRequest {
            customer_id: invited.id,
        }))
        .await
        .unwrap()
        .into_inner()
        .customer
        .unwrap();

    assert_eq!(read.code(), Code::NotFound);
    assert!(looked_up.customers.is_empty());
    assert!(listed.items.is_empty());
    assert_eq!(deactivated.code(), Code::NotFound);
    assert_eq!(still.status, "invited", "unchanged");
}

#[tokio::test]
async fn roles_without_the_permission_and_bad_input_are_refused_and_write_nothing() {
    let identity = TestIdentity::start().await;
    let org = identity.organization("acme").await;
    let viewer = Principal::staff(org.owner.org_id, uuid::Uuid::new_v4(), Role::Viewer);
    let mut customers = identity.customers();

    let by_viewer = customers
        .invite_customer(viewer.request(invite("v@x.test", "By Viewer")))
        .await
        .unwrap_err();
    let as_customer = customers
        .invite_customer(
            Principal::customer(org.owner.org_id, uuid::Uuid::new_v4())
                .request(invite("c@x.test", "By Customer")),
        )
        .await
        .unwrap_err();
    let bad_email = customers
        .invite_customer(org.owner.request(invite("not an email", "Bad")))
        .await
        .unwrap_err();
    customers
        .invite_customer(org.owner.request(invite("twice@x.test", "Once")))
        .await
        .unwrap();
    let twice = customers
        .invite_customer(org.owner.request(invite("TWICE@x.test", "Twice")))
        .await
        .unwrap_err();
    let listed = customers
        .list_customers(org.owner.request(pb::ListCustomersRequest::default()))
        .await
        .unwrap()
        .into_inner();

    assert_eq!(by_viewer.code(), Code::PermissionDenied);
    assert_eq!(
        refusal(&by_viewer).permission.as_deref(),
        Some("customers.create")
    );
    assert_eq!(as_customer.code(), Code::Unauthenticated, "tiers never mix");
    assert_eq!(bad_email.code(), Code::InvalidArgument);
    assert!(refusal(&bad_email).fields.contains_key("email"));
    assert_eq!(twice.code(), Code::AlreadyExists);
    let names: Vec<&str> = listed.items.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["Once"],
        "only the one accepted invitation wrote a customer"
    );
}
