//! Organizations and staff sign-in over gRPC.

use atrium_common::auth::Principal;
use atrium_proto::identity::v1 as pb;
use tonic::Code;

use crate::support::{PASSWORD, TestIdentity};

fn login(org: &str, email: &str, password: &str) -> tonic::Request<pb::LoginStaffRequest> {
    Principal::service().request(pb::LoginStaffRequest {
        org: org.to_owned(),
        email: email.to_owned(),
        password: password.to_owned(),
        ip: "192.0.2.10".to_owned(),
        user_agent: "identity-it".to_owned(),
    })
}

#[tokio::test]
async fn an_owner_signs_in_and_every_wrong_credential_is_refused_alike() {
    let identity = TestIdentity::start().await;
    let org = identity.organization("acme").await;
    identity.organization("other").await;
    let mut auth = identity.staff_auth();

    let signed_in = auth
        .login_staff(login(&org.slug, "OWNER@acme.test", PASSWORD))
        .await;
    let wrong_password = auth
        .login_staff(login(
            &org.slug,
            "owner@acme.test",
            "not the password at all",
        ))
        .await
        .unwrap_err();
    let unknown = auth
        .login_staff(login(&org.slug, "nobody@acme.test", PASSWORD))
        .await
        .unwrap_err();
    let other_org = auth
        .login_staff(login("other", "owner@acme.test", PASSWORD))
        .await
        .unwrap_err();
    let token = signed_in.expect("signed in").into_inner().access_token;
    let who = auth
        .authenticate_staff(Principal::service().request(pb::AuthenticateStaffRequest {
            access_token: token,
        }))
        .await
        .unwrap()
        .into_inner()
        .staff
        .unwrap();

    for refused in [&wrong_password, &unknown, &other_org] {
        assert_eq!(refused.code(), Code::Unauthenticated);
        assert_eq!(
            refused.message(),
            wrong_password.message(),
            "nothing tells them apart"
        );
    }
    assert_eq!(who.email, "owner@acme.test");
    assert_eq!(who.org_id, org.owner.org_id.to_string());
}

#[tokio::test]
async fn a_taken_slug_is_refused_and_the_first_organization_stays() {
    let identity = TestIdentity::start().await;
    identity.organization("acme").await;

    let again = identity
        .organizations()
        .create_organization(Principal::service().request(pb::CreateOrganizationRequest {
            slug: "acme".into(),
            name: "Impostor".into(),
            owner_email: "owner@impostor.test".into(),
            owner_password: PASSWORD.into(),
            if_absent: false,
        }))
        .await
        .unwrap_err();
    let found = identity
        .organizations()
        .get_organization(Principal::service().request(pb::GetOrganizationRequest {
            slug: "acme".into(),
        }))
        .await
        .unwrap()
        .into_inner();

    assert_eq!(again.code(), Code::AlreadyExists);
    assert_eq!(found.organization.unwrap().name, "acme Ltd");
}
