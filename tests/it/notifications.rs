//! In-app notifications: created over gRPC by a service, read by their recipient through
//! the gateway, newest first with the unread count. Nobody reads or marks another
//! recipient's notifications: they are 404, in another org as in the same one.

use atrium_common::auth::Principal;
use atrium_common::config::ServiceName;
use atrium_common::grpc::ServiceChannel;
use atrium_proto::notifier::v1 as pb;
use atrium_proto::notifier::v1::notification_service_client::NotificationServiceClient;
use reqwest::Method;
use serde_json::Value;
use tonic::Code;
use uuid::Uuid;

use crate::support::app::{TestApp, error_code};

fn note(
    org_id: &str,
    kind: &str,
    recipient_id: &str,
    title: &str,
) -> pb::CreateNotificationRequest {
    pb::CreateNotificationRequest {
        org_id: org_id.to_owned(),
        recipient_kind: kind.to_owned(),
        recipient_id: recipient_id.to_owned(),
        kind: "document.published".into(),
        title: title.to_owned(),
        body: "A new document is waiting for you.".into(),
        link: "/customer/documents".into(),
        idempotency_key: String::new(),
        params_json: String::new(),
    }
}

async fn create(
    client: &mut NotificationServiceClient<ServiceChannel>,
    request: pb::CreateNotificationRequest,
) -> String {
    client
        .create_notification(atrium_common::auth::Principal::service().request(request))
        .await
        .expect("create")
        .into_inner()
        .notification
        .expect("notification")
        .id
}

#[tokio::test]
async fn staff_read_their_own_notifications_newest_first_and_mark_them_read() {
    let app = TestApp::start().await;
    let (org_id, owner_id, token) = app.org_with_owner("acme").await;
    let (other_org, other_owner, other_token) = app.org_with_owner("globex").await;
    let mut client = NotificationServiceClient::new(app.service_channel(ServiceName::Notifier));
    let mut mine = Vec::new();
    for title in ["first", "second", "third"] {
        mine.push(create(&mut client, note(&org_id, "staff", &owner_id, title)).await);
        app.clock.advance(std::time::Duration::from_secs(1));
    }
    let theirs = create(
        &mut client,
        note(&other_org, "staff", &other_owner, "globex only"),
    )
    .await;
    // A customer of the same org with the same id space: not the staff member's.
    create(
        &mut client,
        note(&org_id, "customer", &owner_id, "a customer's"),
    )
    .await;

    let list = app.staff_get_ok("/api/admin/notifications", &token).await;
    let titles: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["third", "second", "first"]);
    assert_eq!(list["unread_count"], 3);
    assert_eq!(list["next_page_token"], Value::Null);
    assert_eq!(list["items"][0]["read_at"], Value::Null);
    assert_eq!(list["items"][0]["link"], "/customer/documents");

    let page = app
        .staff_get_ok("/api/admin/notifications?page_size=2", &token)
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let next = page["next_page_token"].as_str().expect("a next page");
    let rest = app
        .staff_get_ok(
            &format!("/api/admin/notifications?page_size=2&page_token={next}"),
            &token,
        )
        .await;
    assert_eq!(rest["items"][0]["title"], "first");
    assert_eq!(rest["next_page_token"], Value::Null);
    for bad in [
        "page_size=0",
        "page_size=500",
        "page_size=two",
        "page_token=garbage",
    ] {
        let response = app
            .staff_call(
                Method::GET,
                &format!("/api/admin/notifications?{bad}"),
                &token,
                None,
            )
            .await;
        assert_eq!(error_code(response).await.1, "VALIDATION_FAILED", "{bad}");
    }

    // Another org's notification, garbage and unknown ids: 404, and nothing changes.
    let read = |id: &str| format!("/api/admin/notifications/{id}/read");
    for id in [theirs.as_str(), "nope", &Uuid::new_v4().to_string()] {
        let response = app.staff_call(Method::POST, &read(id), &token, None).await;
        assert_eq!(error_code(response).await.1, "NOT_FOUND", "{id}");
    }
    let untouched = app
        .staff_get_ok("/api/admin/notifications", &other_token)
        .await;
    assert_eq!(untouched["unread_count"], 1);

    let marked = app
        .staff_call(Method::POST, &read(&mine[0]), &token, None)
        .await;
    assert_eq!(marked.status(), 200);
    let marked: Value = marked.json().await.unwrap();
    assert_eq!(marked["id"], mine[0].as_str());
    assert!(marked["read_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        app.staff_get_ok("/api/admin/notifications", &token).await["unread_count"],
        2
    );

    let all = app
        .staff_call(
            Method::POST,
            "/api/admin/notifications/read-all",
            &token,
            None,
        )
        .await;
    assert_eq!(all.status(), 204);
    assert_eq!(
        app.staff_get_ok("/api/admin/notifications", &token).await["unread_count"],
        0
    );
    assert_eq!(
        app.staff_get_ok("/api/admin/notifications", &other_token)
            .await["unread_count"],
        1
    );

    let anonymous = app.get("/api/admin/notifications").await;
    assert_eq!(error_code(anonymous).await.0, 401);
    app.stop().await;
}

/// What the gateway's customer routes rely on: a customer principal sees and marks only
/// its own notifications; another customer's id is NOT_FOUND.
#[tokio::test]
async fn a_customer_never_sees_or_marks_another_customers_notifications() {
    let app = TestApp::start().await;
    let (org_id, _, _) = app.org_with_owner("acme").await;
    let mut client = NotificationServiceClient::new(app.service_channel(ServiceName::Notifier));
    let (ann, bob) = (Uuid::new_v4(), Uuid::new_v4());
    let anns = create(
        &mut client,
        note(&org_id, "customer", &ann.to_string(), "for ann"),
    )
    .await;
    create(
        &mut client,
        note(&org_id, "customer", &bob.to_string(), "for bob"),
    )
    .await;
    let as_customer = |id: Uuid| Principal::customer(Uuid::parse_str(&org_id).unwrap(), id);
    let request = |principal: Principal, message| {
        let mut request = tonic::Request::new(message);
        principal.write_to(request.metadata_mut());
        request
    };

    let bobs_view = client
        .list_notifications(request(
            as_customer(bob),
            pb::ListNotificationsRequest::default(),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(bobs_view.items.len(), 1);
    assert_eq!(bobs_view.items[0].title, "for bob");
    let mut mark = tonic::Request::new(pb::MarkReadRequest {
        notification_id: anns.clone(),
    });
    as_customer(bob).write_to(mark.metadata_mut());
    let refused = client.mark_read(mark).await.unwrap_err();
    assert_eq!(refused.code(), Code::NotFound);
    let anns_view = client
        .list_notifications(request(
            as_customer(ann),
            pb::ListNotificationsRequest::default(),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(anns_view.unread_count, 1, "bob's attempt changed nothing");

    // The same key twice is one notification (relayed creates may repeat).
    let mut keyed = note(&org_id, "customer", &ann.to_string(), "keyed");
    keyed.idempotency_key = "portal:gallery-assigned:1".into();
    let first = create(&mut client, keyed.clone()).await;
    let second = create(&mut client, keyed).await;
    assert_eq!(first, second);

    // Bad input is refused with the field named.
    let mut bad = note(&org_id, "customer", &ann.to_string(), "x");
    bad.link = "javascript:alert(1)".into();
    let status = client
        .create_notification(atrium_common::auth::Principal::service().request(bad))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let mut bad = note(&org_id, "guest", &ann.to_string(), "x");
    bad.title = String::new();
    assert_eq!(
        client
            .create_notification(atrium_common::auth::Principal::service().request(bad))
            .await
            .unwrap_err()
            .code(),
        Code::InvalidArgument
    );
    app.stop().await;
}
