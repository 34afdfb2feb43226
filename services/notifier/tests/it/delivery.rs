use std::collections::HashSet;
use std::time::Duration;

use atrium_common::testkit::smtp::{Reply, SmtpServer};
use uuid::Uuid;

use crate::helpers::{LINK, TestNotifier, header, invitation, parts};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_queued_invitation_arrives_with_headers_both_parts_and_the_link() {
    let smtp = SmtpServer::start().await.unwrap();
    let notifier = TestNotifier::start(Some(&smtp)).await;
    let org = Uuid::new_v4();

    notifier
        .enqueue(invitation(org, "identity:invite:1", "ann@example.test"))
        .await
        .unwrap();
    let mail = smtp.wait_for_messages(1, WAIT).await.unwrap().remove(0);

    assert_eq!(mail.rcpt_to, vec!["ann@example.test".to_owned()]);
    assert_eq!(mail.mail_from, "no-reply@atrium.test");
    assert!(header(&mail, "From").contains("no-reply@atrium.test"));
    assert!(
        header(&mail, "Subject").contains("Acme Photo"),
        "{}",
        header(&mail, "Subject")
    );
    let message_id = header(&mail, "Message-ID");
    assert!(
        message_id.starts_with('<') && message_id.ends_with("@atrium.test>"),
        "{message_id}"
    );
    let (text, html) = parts(&mail);
    assert!(
        text.lines().any(|line| line.trim() == LINK),
        "link on its own line in:\n{text}"
    );
    assert!(text.contains("Ann Example"));
    assert!(
        html.contains("href=\"https:&#x2f;&#x2f;portal.test")
            || html.contains("href=\"https://portal.test"),
        "{html}"
    );
    let sent = notifier
        .wait_for_outbox(org, Duration::ZERO, |e| e[0].status == "sent")
        .await;
    assert_eq!(sent[0].attempts, 1);
}

#[tokio::test]
async fn a_german_recipient_gets_the_german_text_and_org_default_applies_otherwise() {
    let smtp = SmtpServer::start().await.unwrap();
    let notifier = TestNotifier::start(Some(&smtp)).await;
    let org = Uuid::new_v4();
    let mut german = invitation(org, "k-de", "de@example.test");
    german.locale = "de".into();
    let mut org_default = invitation(org, "k-org", "org@example.test");
    org_default.org_locale = "de".into();
    let mut english = invitation(org, "k-en", "en@example.test");
    english.locale = "en".into();
    english.org_locale = "de".into();

    for request in [german, org_default, english] {
        notifier.enqueue(request).await.unwrap();
    }
    let mails = smtp.wait_for_messages(3, WAIT).await.unwrap();

    let text_for = |to: &str| parts(mails.iter().find(|m| m.rcpt_to[0] == to).unwrap()).0;
    assert!(
        text_for("de@example.test").contains("Hallo"),
        "{}",
        text_for("de@example.test")
    );
    assert!(text_for("org@example.test").contains("Hallo"));
    assert!(text_for("en@example.test").contains("Hello"));
    assert!(!text_for("en@example.test").contains("Hallo"));
}

#[tokio::test]
async fn the_same_idempotency_key_twice_is_one_mail() {
    let smtp = SmtpServer::start().await.unwrap();
    let notifier = TestNotifier::start(Some(&smtp)).await;
    let org = Uuid::new_v4();

    let first = notifier
        .enqueue(invitation(org, "same-key", "ann@example.test"))
        .await
        .unwrap();
    let second = notifier
        .enqueue(invitation(org, "same-key", "ann@example.test"))
        .await
        .unwrap();
    smtp.wait_for_messages(1, WAIT).await.unwrap();
    let third = notifier
        .enqueue(invitation(org, "same-key", "ann@example.test"))
        .await
        .unwrap();
    notifier.wake.until_quiet().await;

    assert!(first.created);
    assert!(!second.created && !third.created);
    assert_eq!(second.email_id, first.email_id);
    assert_eq!(smtp.messages().len(), 1);
    assert_eq!(notifier.outbox(org).await.len(), 1);
}

#[tokio::test]
async fn a_permanent_rejection_is_recorded_as_failed_and_not_retried() {
    let smtp = SmtpServer::start().await.unwrap();
    smtp.set_reply(Reply::PermFail);
    let notifier = TestNotifier::start(Some(&smtp)).await;
    let org = Uuid::new_v4();

    notifier
        .enqueue(invitation(org, "k", "ann@example.test"))
        .await
        .unwrap();
    let failed = notifier
        .wait_for_outbox(org, Duration::ZERO, |e| e[0].status == "failed")
        .await;
    notifier.clock.advance(Duration::from_secs(24 * 3600));
    notifier.wake.until_quiet().await;

    assert_eq!(failed[0].attempts, 1);
    assert!(
        failed[0].last_error.contains("550"),
        "{}",
        failed[0].last_error
    );
    let later = notifier.outbox(org).await;
    assert_eq!((later[0].status.as_str(), later[0].attempts), ("failed", 1));
    assert!(smtp.messages().is_empty());
}

#[tokio::test]
async fn mail_queued_while_smtp_is_down_arrives_once_after_it_returns() {
    let smtp = SmtpServer::start().await.unwrap();
    let notifier = TestNotifier::start(Some(&smtp)).await;
    let org = Uuid::new_v4();
    smtp.stop().await;

    notifier
        .enqueue(invitation(org, "k", "ann@example.test"))
        .await
        .unwrap();
    let waiting = notifier
        .wait_for_outbox(org, Duration::ZERO, |e| {
            e[0].attempts >= 1 && e[0].status == "queued" && !e[0].last_error.is_empty()
        })
        .await;
    smtp.restart().await.unwrap();
    smtp.set_reply(Reply::TempFail);
    notifier
        .wait_for_outbox(org, Duration::from_secs(60), |e| e[0].attempts >= 3)
        .await;
    smtp.set_reply(Reply::Accept);
    notifier
        .wait_for_outbox(org, Duration::from_secs(60), |e| e[0].status == "sent")
        .await;
    notifier.wake.until_quiet().await;

    assert_eq!(waiting[0].status, "queued");
    assert_eq!(smtp.messages().len(), 1);
}

#[tokio::test]
async fn two_notifiers_on_one_database_send_each_message_once() {
    let smtp = SmtpServer::start().await.unwrap();
    let first = TestNotifier::start(Some(&smtp)).await;
    let clock = first.clock.clone();
    let second = TestNotifier::start_on(first.database.shared(), Some(&smtp), clock).await;
    let org = Uuid::new_v4();

    for i in 0..40 {
        let notifier = if i % 2 == 0 { &first } else { &second };
        notifier
            .enqueue(invitation(
                org,
                &format!("race-{i}"),
                &format!("r{i}@example.test"),
            ))
            .await
            .unwrap();
    }
    let mails = smtp
        .wait_for_messages(40, Duration::from_secs(30))
        .await
        .unwrap();
    first.wake.until_quiet().await;
    second.wake.until_quiet().await;

    let ids: HashSet<String> = mails.iter().map(|m| header(m, "Message-ID")).collect();
    assert_eq!(ids.len(), 40);
    assert_eq!(smtp.messages().len(), 40, "no message was sent twice");
}

#[tokio::test]
async fn without_smtp_mail_is_held_in_the_outbox() {
    let notifier = TestNotifier::start(None).await;
    let org = Uuid::new_v4();

    notifier
        .enqueue(invitation(org, "k", "ann@example.test"))
        .await
        .unwrap();
    let held = notifier
        .wait_for_outbox(org, Duration::ZERO, |e| e[0].status == "held")
        .await;

    assert_eq!(held[0].last_error, "no SMTP configured");
}

#[tokio::test]
async fn a_mail_being_sent_at_shutdown_is_finished_before_the_notifier_stops() {
    let smtp = SmtpServer::start().await.unwrap();
    smtp.set_reply(Reply::AcceptAfter(Duration::from_millis(600)));
    let mut notifier = TestNotifier::start(Some(&smtp)).await;
    let org = Uuid::new_v4();
    notifier
        .enqueue(invitation(org, "identity:invite:slow", "ann@example.test"))
        .await
        .unwrap();
    // The relay is holding the end of DATA when the notifier is told to stop.
    notifier
        .wait_for_outbox(org, Duration::ZERO, |e| e[0].attempts == 1)
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(smtp.messages().is_empty());
    notifier.shutdown.trigger();
    let served = notifier.served.take().unwrap();
    tokio::time::timeout(WAIT, served)
        .await
        .expect("the notifier stops")
        .unwrap()
        .unwrap();
    assert_eq!(
        smtp.messages().len(),
        1,
        "the notifier stopped before the mail under way was accepted"
    );
}
