//! The transactional outbox's promise, on the assembled stack: a message committed with an
//! action reaches the notifier exactly once, whether the process died between the commit
//! and the relay, or between the notifier's acknowledgement and the row's delete.

use std::time::Duration;

use atrium_common::db::Db;
use atrium_common::on_db;
use atrium_common::outbox::{self, Receivers, Relay};
use atrium_common::testkit::smtp::SmtpServer;
use atrium_common::testkit::{self, TestDatabase};
use atrium_proto::notifier::v1 as pb;
use secrecy::SecretString;

use crate::support::app::{SERVICE_TOKEN, TestApp, identity_db};

const LINK: &str = "https://portal.test/customer/accept-invitation?token=relay-token-123";

/// What an action's transaction writes beside its own rows: the invitation mail request.
async fn commit_invitation_mail(db: &Db, org_id: &str, now: chrono::DateTime<chrono::Utc>) {
    let request = pb::EnqueueEmailRequest {
        org_id: org_id.to_owned(),
        idempotency_key: "identity:customer-invitation:crash-test".into(),
        template_key: "customer_invitation".into(),
        recipient_email: "ann@customer.test".into(),
        recipient_name: "Ann Example".into(),
        variables_json: serde_json::json!({ "link": LINK, "expires_at": "2030-01-22 09:00 UTC" })
            .to_string(),
        org_name: "Relay Ltd".into(),
        ..Default::default()
    };
    let mut tx = db.begin().await.expect("begin");
    outbox::enqueue_email(&mut tx, &request, now)
        .await
        .expect("outbox write");
    tx.commit().await.expect("commit");
}

async fn outbox_rows(db: &Db) -> i64 {
    on_db!(db, |pool| {
        sqlx::query_scalar::<_, i64>("select count(*) from outbox")
            .fetch_one(pool)
            .await
    })
    .expect("count outbox")
}

async fn wait_until_relayed(db: &Db) {
    for _ in 0..200 {
        if outbox_rows(db).await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the relay did not forward the outbox row");
}

async fn restart(database: TestDatabase, data_dir: tempfile::TempDir, smtp: &str) -> TestApp {
    let smtp = smtp.to_owned();
    TestApp::start_on(database, data_dir, move |env| {
        env.smtp_url = Some(SecretString::from(smtp));
    })
    .await
}

#[tokio::test]
async fn a_crash_between_commit_and_relay_or_ack_and_delete_gives_exactly_one_mail() {
    let smtp = SmtpServer::start().await.expect("smtp");
    let smtp_url = smtp.url();
    let smtp_for_start = smtp_url.clone();
    let app = TestApp::start_with(move |env| {
        env.smtp_url = Some(SecretString::from(smtp_for_start));
    })
    .await;
    let org = app.create_org("relay-co", "owner@relay.test").await;
    let org_id = org["org"]["id"].as_str().expect("org id").to_owned();
    let now = app.clock.now();
    let (database, data_dir) = app.stop_keeping_data().await;

    // The process died right after the action committed: the row is on disk, unrelayed.
    let db = identity_db(&database, data_dir.path()).await;
    commit_invitation_mail(&db, &org_id, now).await;
    assert_eq!(outbox_rows(&db).await, 1);

    let app = restart(database, data_dir, &smtp_url).await;
    let mails = smtp
        .wait_for_messages(1, Duration::from_secs(15))
        .await
        .expect("the mail arrives after the restart");
    wait_until_relayed(&db).await;
    assert_eq!(mails[0].rcpt_to, vec!["ann@customer.test".to_owned()]);
    let (text, _) = mails[0].parts();
    assert!(
        text.lines().any(|line| line.trim() == LINK),
        "the link on its own line:\n{text}"
    );

    // Now the notifier had acknowledged, and the process died before the delete: the same
    // row is relayed again, and the notifier stores it once.
    let (database, data_dir) = app.stop_keeping_data().await;
    commit_invitation_mail(&db, &org_id, now).await;
    let app = restart(database, data_dir, &smtp_url).await;
    wait_until_relayed(&db).await;
    app.settled().await;
    assert_eq!(smtp.messages().len(), 1, "one mail, not two");
    db.close().await;
    app.stop().await;
}

#[tokio::test]
async fn the_relay_retries_until_the_notifier_answers_and_sets_aside_what_it_refuses() {
    let smtp = SmtpServer::start().await.expect("smtp");
    let smtp_url = smtp.url();
    let app = TestApp::start_with(move |env| {
        env.smtp_url = Some(SecretString::from(smtp_url));
    })
    .await;
    // A relay of its own over a database of its own, so the stack's relay stays out of it.
    let database = testkit::fresh_database().await.expect("database");
    let data_dir = tempfile::tempdir().expect("temp dir");
    let db = identity_db(&database, data_dir.path()).await;
    let token = SecretString::from(SERVICE_TOKEN);
    let nobody = Receivers::at(|_| "http://127.0.0.1:1".into(), &token).expect("receivers");
    let stack = |name| format!("http://{}", app.service_addr(name));
    let notifier = Receivers::at(stack, &token).expect("receivers");
    let org_id = uuid::Uuid::new_v4().to_string();

    // Nobody answers: the attempt is recorded and rescheduled, the row stays.
    commit_invitation_mail(&db, &org_id, app.clock.now()).await;
    let down = Relay::new(db.clone(), app.clock.clone(), nobody);
    assert!(down.relay_next().await.expect("relay"));
    let error = last_error(&db).await;
    assert!(!error.is_empty(), "the failure is recorded");
    assert!(
        !down.relay_next().await.expect("relay"),
        "not due again before its backoff"
    );

    // The notifier answers: once the backoff has passed, the row is forwarded and deleted.
    let up = Relay::new(db.clone(), app.clock.clone(), notifier);
    assert!(!up.relay_next().await.expect("relay"), "still backing off");
    app.clock.advance(Duration::from_secs(10));
    assert!(up.relay_next().await.expect("relay"));
    assert_eq!(outbox_rows(&db).await, 0);
    let mails = smtp
        .wait_for_messages(1, Duration::from_secs(15))
        .await
        .expect("the mail arrives");
    assert_eq!(mails.len(), 1);

    // A request the notifier refuses for good (an unknown template) is set aside as dead,
    // not retried forever.
    let bad = pb::EnqueueEmailRequest {
        org_id: org_id.clone(),
        idempotency_key: "identity:bad".into(),
        template_key: "no_such_template".into(),
        recipient_email: "ann@customer.test".into(),
        variables_json: "{}".into(),
        ..Default::default()
    };
    let mut tx = db.begin().await.expect("begin");
    outbox::enqueue_email(&mut tx, &bad, app.clock.now())
        .await
        .expect("write");
    tx.commit().await.expect("commit");
    assert!(up.relay_next().await.expect("relay"));
    assert_eq!(up.pending().await.expect("pending"), 0);
    assert!(last_error(&db).await.contains("InvalidArgument"));
    app.clock.advance(Duration::from_secs(3600));
    assert!(
        !up.relay_next().await.expect("relay"),
        "a dead row is not retried"
    );
    db.close().await;
    app.stop().await;
}

async fn last_error(db: &Db) -> String {
    on_db!(db, |pool| {
        sqlx::query_scalar::<_, String>(
            "select last_error from outbox order by created_at desc limit 1",
        )
        .fetch_one(pool)
        .await
    })
    .expect("read outbox")
}
