//! The portal's store contract: what each statement promises, checked on the backend the
//! tests run on (SQLite, or PostgreSQL with ATRIUM_TEST_DATABASE_URL), so the two SQL
//! dialects cannot drift apart unseen.

use atrium_common::config::ServiceName;
use atrium_common::db::Db;
use atrium_common::ids::{CustomerId, OrgId, PhaseId, ProjectId};
use atrium_common::testkit::{self, TestDatabase, at};
use uuid::Uuid;

use crate::assignment::store as assignments;
use crate::project::store::{self as projects, ProjectFilter};
use crate::project::{Phase, PhaseStatus, Project, ProjectKind, ProjectStatus};

async fn db() -> (Db, TestDatabase) {
    testkit::store_db(ServiceName::Portal, &crate::MIGRATIONS).await
}

fn project(org_id: OrgId, name: &str, kind: ProjectKind, created: i64) -> Project {
    Project {
        project_id: ProjectId(Uuid::now_v7()),
        org_id,
        kind,
        name: name.to_owned(),
        slug: crate::validate::slug_from(name),
        description: String::new(),
        starts_on: None,
        ends_on: None,
        status: ProjectStatus::Active,
        cover_url: None,
        cover_item_id: None,
        guest_password_hash: None,
        guest_password_version: 0,
        created_at: at(created),
        updated_at: at(created),
        progress: 0,
    }
}

async fn insert(db: &Db, p: &Project) {
    let mut tx = db.begin().await.unwrap();
    projects::insert_project(&mut tx, p).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn projects_are_found_only_in_their_organization_and_listed_newest_first() {
    let (db, _database) = db().await;
    let (org, other) = (OrgId::new(), OrgId::new());
    let older = project(org, "Kitchen", ProjectKind::Project, 0);
    let newer = project(org, "Garden", ProjectKind::Gallery, 10);
    let theirs = project(other, "Kitchen", ProjectKind::Project, 5);
    for p in [&older, &newer, &theirs] {
        insert(&db, p).await;
    }

    let found = projects::find_project(&db, org, older.project_id)
        .await
        .unwrap();
    let across = projects::find_project(&db, other, older.project_id)
        .await
        .unwrap();
    let all = ProjectFilter {
        q: None,
        status: None,
        kind: None,
    };
    let listed = projects::list_projects(&db, org, &all, None, 10)
        .await
        .unwrap();
    let first = projects::list_projects(&db, org, &all, None, 1)
        .await
        .unwrap();
    let after = Some((first[0].created_at, first[0].project_id.0));
    let second = projects::list_projects(&db, org, &all, after, 1)
        .await
        .unwrap();
    let galleries = ProjectFilter {
        kind: Some(ProjectKind::Gallery),
        ..all
    };
    let only_galleries = projects::list_projects(&db, org, &galleries, None, 10)
        .await
        .unwrap();
    let by_slug = projects::find_by_slug(&db, other, "kitchen").await.unwrap();

    let found = found.expect("the org's own project");
    assert_eq!(
        (found.name.as_str(), found.kind),
        ("Kitchen", ProjectKind::Project)
    );
    assert!(
        across.is_none(),
        "another organization's project is not found"
    );
    let names: Vec<&str> = listed.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Garden", "Kitchen"]);
    assert_eq!(
        second[0].project_id, older.project_id,
        "the page after the first"
    );
    assert_eq!(only_galleries.len(), 1);
    assert_eq!(by_slug.map(|p| p.project_id), Some(theirs.project_id));
}

#[tokio::test]
async fn a_search_folds_case_in_any_script() {
    let (db, _database) = db().await;
    let org = OrgId::new();
    insert(
        &db,
        &project(org, "Ärztehaus Öhringen", ProjectKind::Project, 0),
    )
    .await;
    insert(&db, &project(org, "Σπίτι", ProjectKind::Project, 1)).await;

    for (q, expected) in [
        ("ärztehaus", 1),
        ("ÄRZTEHAUS", 1),
        ("ΣΠΊΤΙ", 1),
        ("nowhere", 0),
    ] {
        let filter = ProjectFilter {
            q: Some(q),
            status: None,
            kind: None,
        };
        let found = projects::list_projects(&db, org, &filter, None, 10)
            .await
            .unwrap();
        assert_eq!(found.len(), expected, "search {q:?}");
    }
}

/// A phase is reached only through its project within the organization: another org's
/// id reads, adds, changes and removes nothing, and does not move the progress.
#[tokio::test]
async fn phases_are_read_and_written_only_within_their_project_s_organization() {
    let (db, _database) = db().await;
    let (org, other) = (OrgId::new(), OrgId::new());
    let p = project(org, "Roof", ProjectKind::Project, 0);
    insert(&db, &p).await;
    let mut phase = Phase {
        phase_id: PhaseId(Uuid::now_v7()),
        project_id: p.project_id,
        name: "Frame".into(),
        position: 1,
        status: PhaseStatus::InProgress,
        percent_complete: 40,
    };
    let mut tx = db.begin().await.unwrap();
    assert!(
        projects::insert_phase(&mut tx, org, &phase, at(1))
            .await
            .unwrap()
    );
    projects::refresh_progress(&mut tx, org, p.project_id)
        .await
        .unwrap();
    let stranger = Phase {
        phase_id: PhaseId(Uuid::now_v7()),
        ..phase.clone()
    };
    let added_elsewhere = projects::insert_phase(&mut tx, other, &stranger, at(2))
        .await
        .unwrap();
    let found_elsewhere = projects::find_phase(&mut tx, other, p.project_id, phase.phase_id)
        .await
        .unwrap();
    phase.percent_complete = 100;
    let updated_elsewhere = projects::update_phase(&mut tx, other, &phase)
        .await
        .unwrap();
    projects::refresh_progress(&mut tx, other, p.project_id)
        .await
        .unwrap();
    let deleted_elsewhere = projects::delete_phase(&mut tx, other, p.project_id, phase.phase_id)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    assert!(!added_elsewhere && !updated_elsewhere && !deleted_elsewhere);
    assert!(found_elsewhere.is_none());
    assert!(
        projects::phases_of(&db, other, p.project_id)
            .await
            .unwrap()
            .is_empty()
    );
    let phases = projects::phases_of(&db, org, p.project_id).await.unwrap();
    assert_eq!(phases.len(), 1, "only the org's own phase");
    assert_eq!(phases[0].percent_complete, 40, "unchanged by the other org");
    let read = projects::find_project(&db, org, p.project_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.progress, 40);
}

#[tokio::test]
async fn progress_is_the_rounded_mean_of_the_phases_and_goes_with_them() {
    let (db, _database) = db().await;
    let org = OrgId::new();
    let p = project(org, "Roof", ProjectKind::Project, 0);
    insert(&db, &p).await;
    let mut tx = db.begin().await.unwrap();
    for (position, percent) in [(2, 61), (1, 40)] {
        let phase = Phase {
            phase_id: PhaseId(Uuid::now_v7()),
            project_id: p.project_id,
            name: format!("Phase {position}"),
            position,
            status: PhaseStatus::InProgress,
            percent_complete: percent,
        };
        let added = projects::insert_phase(&mut tx, org, &phase, at(1))
            .await
            .unwrap();
        assert!(added);
    }
    projects::refresh_progress(&mut tx, org, p.project_id)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let phases = projects::phases_of(&db, org, p.project_id).await.unwrap();
    let with_phases = projects::find_project(&db, org, p.project_id)
        .await
        .unwrap()
        .unwrap();
    let mut tx = db.begin().await.unwrap();
    let locked_elsewhere = projects::lock_project(&mut tx, OrgId::new(), p.project_id, at(2))
        .await
        .unwrap();
    let deleted = projects::delete_project(&mut tx, org, p.project_id)
        .await
        .unwrap();
    let deleted_again = projects::delete_project(&mut tx, org, p.project_id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let phases_after = projects::phases_of(&db, org, p.project_id).await.unwrap();

    let positions: Vec<i32> = phases.iter().map(|ph| ph.position).collect();
    assert_eq!(positions, [1, 2], "phases in their order");
    assert_eq!(with_phases.progress, 51, "(40 + 61) / 2 rounded");
    assert!(!locked_elsewhere, "another organization cannot lock it");
    assert!(deleted && !deleted_again);
    assert!(phases_after.is_empty(), "the phases go with their project");
}

#[tokio::test]
async fn an_assignment_taken_away_leaves_a_marker_until_it_is_given_back() {
    let (db, _database) = db().await;
    let org = OrgId::new();
    let customer = CustomerId::new();
    let p = project(org, "Porch", ProjectKind::Project, 0);
    let g = project(org, "Photos", ProjectKind::Gallery, 1);
    insert(&db, &p).await;
    insert(&db, &g).await;
    let mut tx = db.begin().await.unwrap();
    assignments::assign(&mut tx, org, customer, p.project_id, at(1))
        .await
        .unwrap();
    assignments::assign(&mut tx, org, customer, g.project_id, at(2))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let cards = assignments::list_cards(&db, org, customer, true)
        .await
        .unwrap();
    let without_galleries = assignments::list_cards(&db, org, customer, false)
        .await
        .unwrap();
    let foreign = assignments::find_assigned(&db, OrgId::new(), customer, p.project_id)
        .await
        .unwrap();
    let mut tx = db.begin().await.unwrap();
    assignments::unassign(&mut tx, org, customer, p.project_id, at(3))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let after_removal = assignments::find_assigned(&db, org, customer, p.project_id)
        .await
        .unwrap();
    let revoked = assignments::was_revoked(&db, org, customer, p.project_id)
        .await
        .unwrap();
    let mut tx = db.begin().await.unwrap();
    assignments::assign(&mut tx, org, customer, p.project_id, at(4))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let revoked_after_return = assignments::was_revoked(&db, org, customer, p.project_id)
        .await
        .unwrap();
    let mut tx = db.begin().await.unwrap();
    assignments::erase_customer(&mut tx, org, customer)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let after_erasure = assignments::list_cards(&db, org, customer, true)
        .await
        .unwrap();

    let card_names: Vec<&str> = cards.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(card_names, ["Photos", "Porch"], "newest assignment first");
    assert_eq!(without_galleries.len(), 1);
    assert!(foreign.is_none(), "another organization sees no assignment");
    assert!(after_removal.is_none());
    assert!(revoked, "the marker says it once was theirs");
    assert!(!revoked_after_return, "given back, the marker goes");
    assert!(after_erasure.is_empty());
}

#[tokio::test]
async fn a_billing_snapshot_never_gives_way_to_an_older_one_and_counts_on_the_day_read() {
    let (db, _database) = db().await;
    let (org, customer) = (OrgId::new(), CustomerId::new());
    let snapshot = |due: &[&str]| crate::billing::Snapshot {
        due: due.iter().map(|d| d.parse().unwrap()).collect(),
        valid: vec!["2026-03-31".parse().unwrap()],
        balances: Vec::new(),
    };
    let put = |version: i64, s: crate::billing::Snapshot| {
        let db = db.clone();
        async move {
            let text = serde_json::to_string(&s).unwrap();
            crate::billing::store::put(&db, (org, customer), version, &text)
                .await
                .unwrap();
        }
    };
    put(2, snapshot(&["2026-01-31", "2026-02-28"])).await;
    // The relay delivered an older snapshot late: the newer one stays.
    put(1, snapshot(&[])).await;
    let kept = crate::settings::store::find_standing(&db, org, customer)
        .await
        .unwrap()
        .billing;
    let on = |day: &str| crate::billing::summary_of(kept.as_deref(), day.parse().unwrap()).unwrap();
    let february = on("2026-02-15");
    assert_eq!(
        (
            february.open_invoices,
            february.overdue_invoices,
            february.open_quotes
        ),
        (2, 1, 1)
    );
    let april = on("2026-04-01");
    assert_eq!(
        (
            april.open_invoices,
            april.overdue_invoices,
            april.open_quotes
        ),
        (2, 2, 0),
        "overdue and expired are counted on the day the dashboard is read"
    );
    put(3, snapshot(&[])).await;
    let other = crate::settings::store::find_standing(&db, org, CustomerId::new())
        .await
        .unwrap();
    assert_eq!(other.billing, None, "another customer has none");
    let newest = crate::settings::store::find_standing(&db, org, customer)
        .await
        .unwrap()
        .billing;
    assert_eq!(
        crate::billing::summary_of(newest.as_deref(), "2026-02-15".parse().unwrap())
            .unwrap()
            .open_invoices,
        0
    );
}
