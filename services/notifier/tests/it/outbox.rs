use std::time::Duration;

use atrium_common::testkit::smtp::{Reply, SmtpServer};
use atrium_proto::notifier::v1 as pb;
use tonic::Code;
use uuid::Uuid;

use crate::helpers::{TestNotifier, invitation, staff_of};

#[tokio::test]
async fn the_outbox_listing_holds_no_link_token_or_body() {
    let smtp = SmtpServer::start().await.unwrap();
    let notifier = TestNotifier::start(Some(&smtp)).await;
    let org = Uuid::new_v4();
    notifier
        .enqueue(invitation(org, "k-sent", "ann@example.test"))
        .await
        .unwrap();
    smtp.wait_for_messages(1, Duration::from_secs(10))
        .await
        .unwrap();
    smtp.set_reply(Reply::PermFail);
    notifier.clock.advance(Duration::from_secs(1));
    notifier
        .enqueue(invitation(org, "k-failed", "bob@example.test"))
        .await
        .unwrap();

    let entries = notifier
        .wait_for_outbox(org, Duration::ZERO, |e| {
            e.iter().any(|x| x.status == "failed")
        })
        .await;

    let listing = format!("{entries:?}");
    assert!(!listing.contains("SECRET-TOKEN"), "{listing}");
    assert!(!listing.contains("accept-invitation"), "{listing}");
    assert!(!listing.contains("Ann Example"));
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[0].recipient_email,
        "bob@example.test",
        "newest first: {:?}",
        entries
            .iter()
            .map(|e| (e.recipient_email.clone(), e.created_at))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_failed_message_can_be_retried_and_then_arrives() {
    let smtp = SmtpServer::start().await.unwrap();
    smtp.set_reply(Reply::PermFail);
    let notifier = TestNotifier::start(Some(&smtp)).await;
    let org = Uuid::new_v4();
    let id = notifier
        .enqueue_id(invitation(org, "k", "ann@example.test"))
        .await;
    notifier
        .wait_for_outbox(org, Duration::ZERO, |e| e[0].status == "failed")
        .await;
    smtp.set_reply(Reply::Accept);

    let retried = notifier.retry(org, &id).await.unwrap();
    smtp.wait_for_messages(1, Duration::from_secs(10))
        .await
        .unwrap();

    assert_eq!(retried.status, "queued");
    let sent = notifier
        .wait_for_outbox(org, Duration::ZERO, |e| e[0].status == "sent")
        .await;
    assert_eq!(sent[0].attempts, 2);
}

#[tokio::test]
async fn another_org_sees_nothing_and_cannot_retry() {
    let smtp = SmtpServer::start().await.unwrap();
    smtp.set_reply(Reply::PermFail);
    let notifier = TestNotifier::start(Some(&smtp)).await;
    let org = Uuid::new_v4();
    let other = Uuid::new_v4();
    let id = notifier
        .enqueue_id(invitation(org, "k", "ann@example.test"))
        .await;
    notifier
        .wait_for_outbox(org, Duration::ZERO, |e| e[0].status == "failed")
        .await;

    let retry = notifier.retry(other, &id).await.unwrap_err();

    assert_eq!(retry.code(), Code::NotFound);
    assert!(notifier.outbox(other).await.is_empty());
    assert_eq!(notifier.outbox(org).await[0].status, "failed");
}

#[tokio::test]
async fn a_sent_message_cannot_be_retried_and_listing_without_a_principal_is_refused() {
    let smtp = SmtpServer::start().await.unwrap();
    let notifier = TestNotifier::start(Some(&smtp)).await;
    let org = Uuid::new_v4();
    let id = notifier
        .enqueue_id(invitation(org, "k", "ann@example.test"))
        .await;
    notifier
        .wait_for_outbox(org, Duration::ZERO, |e| e[0].status == "sent")
        .await;

    let retry = notifier.retry(org, &id).await.unwrap_err();
    let anonymous = notifier
        .client
        .clone()
        .list_outbox(pb::ListOutboxRequest::default())
        .await
        .unwrap_err();
    let mut bad_page = tonic::Request::new(pb::ListOutboxRequest {
        page_size: 500,
        ..Default::default()
    });
    staff_of(org).write_to(bad_page.metadata_mut());
    let bad_page = notifier
        .client
        .clone()
        .list_outbox(bad_page)
        .await
        .unwrap_err();

    assert_eq!(retry.code(), Code::FailedPrecondition);
    assert_eq!(anonymous.code(), Code::Unauthenticated);
    assert_eq!(bad_page.code(), Code::InvalidArgument);
    assert_eq!(smtp.messages().len(), 1);
}
