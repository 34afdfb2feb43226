//! The documents store's contract, checked on the backend the tests run on (SQLite, or
//! PostgreSQL with ATRIUM_TEST_DATABASE_URL), so the two dialects cannot drift apart.

use atrium_common::config::ServiceName;
use atrium_common::db::Db;
use atrium_common::ids::{CustomerId, DocumentId, FileId, OrgId, ProjectId};
use atrium_common::testkit::{self, TestDatabase, at};
use uuid::Uuid;

use crate::document::store::{self, DocumentFilter, DocumentRow, DownloadRow, FileRow, HistoryRow};
use crate::document::workflow::Status;

async fn db() -> (Db, TestDatabase) {
    testkit::store_db(ServiceName::Documents, &crate::MIGRATIONS).await
}

fn document(org_id: OrgId, project_id: ProjectId, title: &str, created: i64) -> DocumentRow {
    DocumentRow {
        document_id: DocumentId::new(),
        org_id,
        project_id,
        title: title.to_owned(),
        description: String::new(),
        document_type_id: None,
        status: Status::Draft,
        version: 1,
        file_id: FileId::new(),
        file_name: format!("{title}.pdf"),
        file_size: 10,
        content_type: "application/pdf".to_owned(),
        sha256: "00".repeat(32),
        created_at: at(created),
        updated_at: at(created),
        published_at: None,
        sent_at: None,
        sent_count: 0,
    }
}

async fn insert(db: &Db, d: &DocumentRow) {
    let mut tx = db.begin().await.unwrap();
    store::insert_document(&mut tx, d).await.unwrap();
    tx.commit().await.unwrap();
}

async fn move_to(db: &Db, d: &DocumentRow, from: Status, to: Status, when: i64) -> bool {
    let mut tx = db.begin().await.unwrap();
    let moved = store::move_status(&mut tx, (d.org_id, d.document_id), from, to, at(when))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    moved
}

#[tokio::test]
async fn documents_are_found_and_listed_only_in_their_organization() {
    let (db, _database) = db().await;
    let (org, other, project) = (OrgId::new(), OrgId::new(), ProjectId::new());
    let older = document(org, project, "Plan", 0);
    let newer = document(org, project, "Offer", 10);
    let theirs = document(other, project, "Theirs", 5);
    for d in [&older, &newer, &theirs] {
        insert(&db, d).await;
    }
    let found = store::find_document(&db, org, older.document_id)
        .await
        .unwrap();
    assert_eq!(found.as_ref(), Some(&older));
    assert_eq!(
        store::find_document(&db, other, older.document_id)
            .await
            .unwrap(),
        None
    );
    let list = |filter: DocumentFilter<'static>, limit| {
        let db = db.clone();
        async move {
            let rows = store::list_documents(&db, (org, project), filter, limit)
                .await
                .unwrap();
            rows.into_iter().map(|d| d.title).collect::<Vec<_>>()
        }
    };
    assert_eq!(list(DocumentFilter::default(), 50).await, ["Offer", "Plan"]);
    // A search matches the title or file name in any case, LIKE's wildcards as text.
    let q = |q: &'static str| DocumentFilter {
        q: Some(q),
        ..DocumentFilter::default()
    };
    assert_eq!(list(q("PLA"), 50).await, ["Plan"]);
    assert_eq!(list(q("offer.pdf"), 50).await, ["Offer"]);
    assert!(list(q("%"), 50).await.is_empty());
    // Customers see published ones only, newest publication first.
    let published = DocumentFilter {
        status: Some(Status::Published),
        ..DocumentFilter::default()
    };
    assert!(list(published, 50).await.is_empty());
    assert!(move_to(&db, &newer, Status::Draft, Status::Published, 20).await);
    assert!(move_to(&db, &older, Status::Draft, Status::Published, 30).await);
    assert_eq!(list(published, 50).await, ["Plan", "Offer"]);
    // The next page continues after the cursor, in the list's own order.
    let first = store::list_documents(&db, (org, project), published, 1)
        .await
        .unwrap();
    assert_eq!(first[0].published_at, Some(at(30)));
    let after = DocumentFilter {
        after: Some((at(30), first[0].document_id.0)),
        ..published
    };
    assert_eq!(list(after, 50).await, ["Offer"]);
    let after = DocumentFilter {
        after: Some((newer.created_at, newer.document_id.0)),
        ..DocumentFilter::default()
    };
    assert_eq!(list(after, 50).await, ["Plan"]);
}

#[tokio::test]
async fn a_move_applies_only_from_the_status_it_was_decided_on() {
    let (db, _database) = db().await;
    let d = document(OrgId::new(), ProjectId::new(), "Plan", 0);
    insert(&db, &d).await;
    // Two moves decided on `draft`: the first wins, the second changes nothing.
    assert!(move_to(&db, &d, Status::Draft, Status::Pending, 1).await);
    assert!(!move_to(&db, &d, Status::Draft, Status::Published, 2).await);
    let now = store::find_document(&db, d.org_id, d.document_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((now.status, now.published_at), (Status::Pending, None));
    // Another organization's id moves nothing.
    let theirs = DocumentRow {
        org_id: OrgId::new(),
        ..d.clone()
    };
    assert!(!move_to(&db, &theirs, Status::Pending, Status::Approved, 3).await);
    assert!(move_to(&db, &d, Status::Pending, Status::Approved, 4).await);
    assert!(move_to(&db, &d, Status::Approved, Status::Published, 5).await);
    assert!(move_to(&db, &d, Status::Published, Status::Draft, 6).await);
    let now = store::find_document(&db, d.org_id, d.document_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((now.status, now.published_at), (Status::Draft, None));
}

#[tokio::test]
async fn a_new_file_is_a_new_draft_version_once() {
    let (db, _database) = db().await;
    let d = document(OrgId::new(), ProjectId::new(), "Plan", 0);
    insert(&db, &d).await;
    assert!(move_to(&db, &d, Status::Draft, Status::Published, 1).await);
    let file = FileRow {
        file_id: FileId::new(),
        file_name: "Plan v2.pdf".to_owned(),
        file_size: 20,
        content_type: "application/pdf".to_owned(),
        sha256: "11".repeat(32),
    };
    let mut tx = db.begin().await.unwrap();
    let key = (d.org_id, d.document_id);
    assert!(
        store::replace_file(&mut tx, key, 1, &file, ("Plan", ""), at(2))
            .await
            .unwrap()
    );
    // A second upload decided on version 1 lost the race.
    assert!(
        !store::replace_file(&mut tx, key, 1, &file, ("Plan", ""), at(3))
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let now = store::find_document(&db, d.org_id, d.document_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (now.version, now.status, now.published_at),
        (2, Status::Draft, None)
    );
    assert_eq!(
        (now.file_id, now.file_name.as_str()),
        (file.file_id, "Plan v2.pdf")
    );
    assert!(
        store::file_is_used(&db, d.org_id, file.file_id)
            .await
            .unwrap()
    );
    assert!(!store::file_is_used(&db, d.org_id, d.file_id).await.unwrap());
}

#[tokio::test]
async fn history_downloads_and_deletes_stay_in_the_organization() {
    let (db, _database) = db().await;
    let d = document(OrgId::new(), ProjectId::new(), "Plan", 0);
    insert(&db, &d).await;
    let step = |action: &str, to: &str, seconds| HistoryRow {
        at: at(seconds),
        action: action.to_owned(),
        from_status: None,
        to_status: to.to_owned(),
        actor_kind: "staff".to_owned(),
        actor_id: Some(Uuid::new_v4()),
        actor_name: "Sam".to_owned(),
        reason: None,
        version: 1,
    };
    let key = (d.org_id, d.document_id);
    let other = OrgId::new();
    let mut tx = db.begin().await.unwrap();
    store::append_history(&mut tx, key, &step("created", "draft", 0))
        .await
        .unwrap();
    store::append_history(&mut tx, key, &step("submit", "pending", 1))
        .await
        .unwrap();
    // Not through another organization's id.
    store::append_history(&mut tx, (other, d.document_id), &step("x", "x", 2))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let history = store::history_of(&db, d.org_id, d.document_id)
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["created", "submit"]);
    assert!(
        store::history_of(&db, other, d.document_id)
            .await
            .unwrap()
            .is_empty()
    );

    let customer = CustomerId::new();
    for seconds in [5, 9] {
        let download = DownloadRow {
            download_id: Uuid::new_v4(),
            at: at(seconds),
            customer_id: Some(customer),
            link_id: None,
            ip: "192.0.2.7".to_owned(),
        };
        store::record_download(&db, key, &download).await.unwrap();
    }
    let log = store::downloads_of(&db, d.org_id, d.document_id)
        .await
        .unwrap();
    assert_eq!(log.iter().map(|l| l.at).collect::<Vec<_>>(), [at(9), at(5)]);
    assert!(
        store::downloads_of(&db, other, d.document_id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store::forget_customer(&db, d.org_id, customer)
            .await
            .unwrap(),
        2
    );
    let log = store::downloads_of(&db, d.org_id, d.document_id)
        .await
        .unwrap();
    assert!(
        log.iter().all(|l| l.customer_id.is_none()),
        "the rows stay, nobody's"
    );

    let mut tx = db.begin().await.unwrap();
    assert_eq!(
        store::delete_document(&mut tx, other, d.document_id)
            .await
            .unwrap(),
        None
    );
    let file = store::delete_document(&mut tx, d.org_id, d.document_id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(file, Some(d.file_id));
    assert_eq!(
        store::find_document(&db, d.org_id, d.document_id)
            .await
            .unwrap(),
        None
    );
    assert!(
        store::downloads_of(&db, d.org_id, d.document_id)
            .await
            .unwrap()
            .is_empty()
    );
}
