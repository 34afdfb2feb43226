//! The notifier's store contract: what its statements promise, checked on the backend the
//! tests run on (SQLite, or PostgreSQL with ATRIUM_TEST_DATABASE_URL), so the two SQL
//! dialects cannot drift apart unseen.

use atrium_common::config::ServiceName;
use atrium_common::db::Db;
use atrium_common::ids::{EmailId, OrgId};
use atrium_common::testkit::{self, TestDatabase, at};

use crate::email::{Email, EmailStatus};
use crate::store;

async fn db() -> (Db, TestDatabase) {
    testkit::store_db(ServiceName::Notifier, &crate::MIGRATIONS).await
}

fn email(org_id: OrgId, key: &str, to: &str, created: i64) -> Email {
    Email {
        email_id: EmailId::new(),
        org_id,
        idempotency_key: key.to_owned(),
        template_key: "customer_invitation".to_owned(),
        locale: "en".to_owned(),
        recipient_email: to.to_owned(),
        recipient_name: String::new(),
        variables: Some("{}".to_owned()),
        org_name: "Acme".to_owned(),
        logo_url: String::new(),
        sender_name: String::new(),
        status: EmailStatus::Queued,
        attempts: 0,
        last_error: String::new(),
        next_attempt_at: at(created),
        claimed_until: None,
        sent_at: None,
        created_at: at(created),
        updated_at: at(created),
    }
}

#[tokio::test]
async fn an_idempotency_key_stores_one_message_per_organization() {
    let (db, _database) = db().await;
    let (org, other) = (OrgId::new(), OrgId::new());
    let first = email(org, "invite:1", "ann@example.test", 0);

    let stored = store::insert_email(&db, &first).await.unwrap();
    let again = store::insert_email(&db, &email(org, "invite:1", "ann@example.test", 1))
        .await
        .unwrap();
    let elsewhere = store::insert_email(&db, &email(other, "invite:1", "ann@example.test", 2))
        .await
        .unwrap();
    let by_key = store::find_email_by_key(&db, org, "invite:1")
        .await
        .unwrap();
    let across = store::find_email(&db, other, first.email_id).await.unwrap();

    assert!(stored && !again && elsewhere);
    assert_eq!(by_key.map(|e| e.email_id), Some(first.email_id));
    assert!(across.is_none(), "another organization does not see it");
}

#[tokio::test]
async fn a_due_message_is_claimed_once_until_its_lease_runs_out() {
    let (db, _database) = db().await;
    let org = OrgId::new();
    let due = email(org, "k", "ann@example.test", 0);
    store::insert_email(&db, &due).await.unwrap();
    store::insert_email(&db, &email(org, "later", "bob@example.test", 3600))
        .await
        .unwrap();

    let first: Option<Email> = store::MAIL_QUEUE.claim(&db, at(1)).await.unwrap();
    let second: Option<Email> = store::MAIL_QUEUE.claim(&db, at(2)).await.unwrap();
    let after_lease: Option<Email> = store::MAIL_QUEUE.claim(&db, at(1 + 16)).await.unwrap();
    store::mark_sent(&db, due.email_id, at(20)).await.unwrap();
    let after_sent: Option<Email> = store::MAIL_QUEUE.claim(&db, at(40)).await.unwrap();
    let sent = store::find_email(&db, org, due.email_id)
        .await
        .unwrap()
        .unwrap();

    let first = first.expect("the due message");
    assert_eq!((first.email_id, first.attempts), (due.email_id, 1));
    assert!(second.is_none(), "claimed, and the other is not due yet");
    assert_eq!(
        after_lease.map(|e| e.attempts),
        Some(2),
        "a dead worker's claim ends"
    );
    assert!(after_sent.is_none());
    assert_eq!(sent.status, EmailStatus::Sent);
    assert!(
        sent.variables.is_none(),
        "links and tokens go once it is sent"
    );
}

#[tokio::test]
async fn only_a_failed_or_held_message_is_queued_again_and_listed_by_status() {
    let (db, _database) = db().await;
    let org = OrgId::new();
    let failed = email(org, "failed", "ann@example.test", 0);
    let sent = email(org, "sent", "bob@example.test", 1);
    for e in [&failed, &sent] {
        store::insert_email(&db, e).await.unwrap();
    }
    store::finish_unsent(&db, failed.email_id, EmailStatus::Failed, "550 no", at(2))
        .await
        .unwrap();
    store::mark_sent(&db, sent.email_id, at(2)).await.unwrap();

    let failed_only = store::list_emails(&db, org, Some(EmailStatus::Failed), None, 10)
        .await
        .unwrap();
    let not_retryable = store::requeue(&db, org, sent.email_id, at(3))
        .await
        .unwrap();
    let from_another_org = store::requeue(&db, OrgId::new(), failed.email_id, at(3))
        .await
        .unwrap();
    let retried = store::requeue(&db, org, failed.email_id, at(3))
        .await
        .unwrap();
    let all = store::list_emails(&db, org, None, None, 10).await.unwrap();

    assert_eq!(failed_only.len(), 1);
    assert_eq!(failed_only[0].last_error, "550 no");
    assert!(not_retryable.is_none() && from_another_org.is_none());
    assert_eq!(retried.map(|e| e.status), Some(EmailStatus::Queued));
    let keys: Vec<&str> = all.iter().map(|e| e.idempotency_key.as_str()).collect();
    assert_eq!(keys, ["sent", "failed"], "newest first");
}

#[tokio::test]
async fn an_erased_recipient_loses_unsent_mail_in_any_letter_case() {
    let (db, _database) = db().await;
    let org = OrgId::new();
    let unsent = email(org, "unsent", "Jörg@Example.test", 0);
    let sent = email(org, "sent", "JÖRG@example.test", 1);
    let other = email(org, "other", "ann@example.test", 2);
    for e in [&unsent, &sent, &other] {
        store::insert_email(&db, e).await.unwrap();
    }
    store::mark_sent(&db, sent.email_id, at(3)).await.unwrap();

    let folded = atrium_common::db::fold(&["jörg@example.test"]);
    let mut tx = db.begin().await.unwrap();
    store::delete_unsent_to(&mut tx, org, &folded)
        .await
        .unwrap();
    store::redact_sent_to(&mut tx, org, &folded, at(4))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let left = store::list_emails(&db, org, None, None, 10).await.unwrap();

    let keys: Vec<&str> = left.iter().map(|e| e.idempotency_key.as_str()).collect();
    assert_eq!(keys, ["other", "sent"], "the unsent one is gone");
    let redacted = left.iter().find(|e| e.idempotency_key == "sent").unwrap();
    assert_ne!(
        redacted.recipient_email, sent.recipient_email,
        "the address is redacted"
    );
}
