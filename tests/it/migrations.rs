use atrium_common::config::ServiceName;
use atrium_common::db::{Db, Migrations};
use atrium_common::on_db;
use atrium_common::testkit::fresh_database;

fn migrations(name: ServiceName) -> &'static Migrations {
    match name {
        ServiceName::Identity => &atrium_identity::MIGRATIONS,
        ServiceName::Portal => &atrium_portal::MIGRATIONS,
        ServiceName::Documents => &atrium_documents::MIGRATIONS,
        ServiceName::Billing => &atrium_billing::MIGRATIONS,
        ServiceName::Notifier => &atrium_notifier::MIGRATIONS,
    }
}

async fn applied(db: &Db) -> i64 {
    on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "select count(*) from _sqlx_migrations"
    )
    .fetch_one(pool)
    .await)
    .unwrap()
}

#[tokio::test]
async fn every_service_migrates_an_empty_database_and_a_second_run_changes_nothing() {
    let database = fresh_database().await.unwrap();
    for name in ServiceName::ALL {
        let migrations = migrations(name);
        let expected = match &database.target {
            atrium_common::config::DatabaseTarget::Postgres { .. } => {
                migrations.postgres().iter().count() as i64
            }
            atrium_common::config::DatabaseTarget::Sqlite { .. } => {
                migrations.sqlite().iter().count() as i64
            }
        };
        assert_eq!(
            migrations.postgres().iter().count(),
            migrations.sqlite().iter().count(),
            "{name}: same numbering"
        );

        let first = Db::open(&database.target, name, migrations).await.unwrap();
        let after_first = applied(&first).await;
        first.migrate(migrations).await.unwrap();
        let second = Db::open(&database.target, name, migrations).await.unwrap();

        assert_eq!(after_first, expected, "{name}");
        assert_eq!(
            applied(&second).await,
            expected,
            "{name}: applying again is a no-op"
        );
        first.close().await;
        second.close().await;
    }
}

#[tokio::test]
async fn each_service_keeps_its_tables_to_itself() {
    let database = fresh_database().await.unwrap();
    let identity = Db::open(
        &database.target,
        ServiceName::Identity,
        &atrium_identity::MIGRATIONS,
    )
    .await
    .unwrap();
    let portal = Db::open(
        &database.target,
        ServiceName::Portal,
        &atrium_portal::MIGRATIONS,
    )
    .await
    .unwrap();

    let in_identity = on_db!(&identity, |pool| sqlx::query(
        "select count(*) from organization"
    )
    .execute(pool)
    .await
    .map(drop));
    let in_portal = on_db!(&portal, |pool| sqlx::query(
        "select count(*) from organization"
    )
    .execute(pool)
    .await
    .map(drop));

    assert!(in_identity.is_ok());
    assert!(in_portal.is_err(), "portal must not see identity's tables");
}

/// Rows written before the folded search columns existed are filled at the next start:
/// a search in another case of a non-ASCII letter finds them afterwards.
#[tokio::test]
async fn folded_search_columns_are_filled_for_rows_written_before_them() {
    use crate::support::app::{TestApp, test_env};
    use atrium_common::config::Settings;

    let app = TestApp::start().await;
    let (_, _, token) = app.org_with_owner("acme").await;
    let invite = serde_json::json!({ "email": "åsa@customer.test", "name": "Åsa Öberg" });
    let invited = app
        .staff_call(
            reqwest::Method::POST,
            "/api/admin/customers/invitations",
            &token,
            Some(&invite),
        )
        .await;
    assert_eq!(invited.status(), 201);
    let project = serde_json::json!({ "name": "Ölkeller", "kind": "project" });
    let created = app
        .staff_call(
            reqwest::Method::POST,
            "/api/admin/projects",
            &token,
            Some(&project),
        )
        .await;
    assert_eq!(created.status(), 201);
    let (database, data_dir) = app.stop_keeping_data().await;
    // As the rows stood before migrations 0007 (identity) and 0006 (portal).
    let settings = Settings::resolve(test_env(&database, data_dir.path())).unwrap();
    for (name, sql) in [
        (
            ServiceName::Identity,
            "update customer set search_text = null",
        ),
        (ServiceName::Portal, "update project set search_text = null"),
    ] {
        let db = Db::open(&settings.database, name, migrations(name))
            .await
            .unwrap();
        on_db!(&db, |pool| sqlx::query(sql).execute(pool).await.map(drop)).unwrap();
        db.close().await;
    }

    let app = TestApp::start_on(database, data_dir, |_| {}).await;
    let token = app
        .staff_login(
            "acme",
            "owner@acme.test",
            crate::support::app::OWNER_PASSWORD,
        )
        .await;
    let customers = app
        .staff_get_ok("/api/admin/customers?q=%C3%85SA%20%C3%96BERG", &token)
        .await;
    let projects = app
        .staff_get_ok("/api/admin/projects?q=%C3%96LKELLER", &token)
        .await;

    assert_eq!(
        customers["items"].as_array().unwrap().len(),
        1,
        "{customers}"
    );
    assert_eq!(projects["items"].as_array().unwrap().len(), 1, "{projects}");
}

/// Settings saved as columns before they became one document (portal 0007) read the
/// same afterwards, and a setting never saved reads with its default.
#[tokio::test]
async fn settings_saved_as_columns_are_carried_into_the_document() {
    use atrium_common::settings::{Locale, OrgSettings};

    let database = fresh_database().await.unwrap();
    let portal = &atrium_portal::MIGRATIONS;
    let db = Db::open(&database.target, ServiceName::Portal, &portal.up_to(6))
        .await
        .unwrap();
    let org_id = uuid::Uuid::new_v4();
    on_db!(&db, |pool| sqlx::query(
        "insert into org_settings (org_id, feature_customer_portal, feature_approvals, \
         feature_requests, feature_documents, feature_billing, feature_gallery, company_name, \
         logo_url, primary_color, show_logo, show_name, sender_name, show_team_members, \
         default_locale, can_view_invoices, can_approve_work, can_add_comments, \
         can_submit_requests, updated_at) values ($1, true, false, true, true, true, false, \
         'Ölwerk GmbH', null, '#1a2b3c', false, true, null, false, 'de', false, true, true, \
         false, $2)"
    )
    .bind(org_id)
    .bind(chrono::Utc::now())
    .execute(pool)
    .await
    .map(drop))
    .unwrap();

    db.migrate(portal).await.unwrap();
    let document: String = on_db!(&db, |pool| sqlx::query_scalar(
        "select document from org_settings where org_id = $1"
    )
    .bind(org_id)
    .fetch_one(pool)
    .await)
    .unwrap();
    db.close().await;

    let settings: OrgSettings = serde_json::from_str(&document).unwrap();
    let mut expected = OrgSettings::default();
    expected.features.approvals = false;
    expected.features.gallery = false;
    expected.branding.company_name = Some("Ölwerk GmbH".to_owned());
    expected.branding.primary_color = Some("#1a2b3c".to_owned());
    expected.branding.show_logo = false;
    expected.show_team_members = false;
    expected.default_locale = Locale::De;
    expected.default_permissions.can_view_invoices = false;
    expected.default_permissions.can_submit_requests = false;
    assert_eq!(settings, expected, "{document}");
}

/// Links mailed before identity's tokens moved into one table (0008) keep working: each
/// token is carried over for its holder and purpose, still unused while it was, and an
/// invitation no longer pending has its token used.
#[tokio::test]
async fn tokens_mailed_before_they_shared_one_table_are_carried_over() {
    let database = fresh_database().await.unwrap();
    let identity = &atrium_identity::MIGRATIONS;
    let db = Db::open(&database.target, ServiceName::Identity, &identity.up_to(7))
        .await
        .unwrap();
    let (org, staff, ann, bob) = (
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
    );
    let now = chrono::Utc::now();
    let later = now + chrono::TimeDelta::days(1);
    let statements: [(&str, Vec<uuid::Uuid>, &[u8]); 7] = [
        (
            "insert into organization (organization_id, slug, name, created_at, updated_at) \
             values ($1, 'acme', 'Acme', $2, $2)",
            vec![org],
            b"",
        ),
        (
            "insert into staff (staff_id, org_id, email, email_normalized, name, role, status, \
             created_at, updated_at) values ($1, $3, 'a@acme.test', 'a@acme.test', 'A', 'admin', \
             'invited', $2, $2)",
            vec![staff, org],
            b"",
        ),
        (
            "insert into customer (customer_id, org_id, email, email_normalized, status, \
             created_at, updated_at) values ($1, $3, 'ann@c.test', 'ann@c.test', 'invited', $2, $2)",
            vec![ann, org],
            b"",
        ),
        (
            "insert into customer (customer_id, org_id, email, email_normalized, status, \
             created_at, updated_at) values ($1, $3, 'bob@c.test', 'bob@c.test', 'active', $2, $2)",
            vec![bob, org],
            b"",
        ),
        (
            "insert into staff_token (token_hash, org_id, staff_id, purpose, expires_at, used_at, \
             created_at) values ($4, $3, $1, 'invitation', $5, null, $2)",
            vec![staff, org],
            b"staff-invitation",
        ),
        (
            "insert into customer_invitation (invitation_id, org_id, customer_id, token_hash, status, \
             expires_at, created_at, updated_at) values ($6, $3, $1, $4, 'pending', $5, $2, $2)",
            vec![ann, org],
            b"ann-invitation",
        ),
        (
            "insert into customer_reset_token (token_hash, org_id, customer_id, expires_at, used_at, \
             created_at) values ($4, $3, $1, $5, $2, $2)",
            vec![bob, org],
            b"bob-reset-used",
        ),
    ];
    for (sql, ids, hash) in statements {
        on_db!(&db, |pool| {
            let mut query = sqlx::query(sql).bind(ids[0]).bind(now);
            if let Some(second) = ids.get(1) {
                query = query.bind(*second);
            }
            if !hash.is_empty() {
                query = query.bind(hash).bind(later);
            }
            if sql.contains("$6") {
                query = query.bind(uuid::Uuid::new_v4());
            }
            query.execute(pool).await.map(drop)
        })
        .unwrap();
    }

    db.migrate(identity).await.unwrap();
    let mut tokens: Vec<(Vec<u8>, String, uuid::Uuid, String, bool)> = on_db!(&db, |pool| {
        sqlx::query_as(
            "select token_hash, holder, holder_id, purpose, used_at is not null \
             from one_time_token order by holder, purpose",
        )
        .fetch_all(pool)
        .await
    })
    .unwrap();
    db.close().await;
    tokens.sort();

    assert_eq!(
        tokens,
        vec![
            (
                b"ann-invitation".to_vec(),
                "customer".into(),
                ann,
                "invitation".into(),
                false
            ),
            (
                b"bob-reset-used".to_vec(),
                "customer".into(),
                bob,
                "reset".into(),
                true
            ),
            (
                b"staff-invitation".to_vec(),
                "staff".into(),
                staff,
                "invitation".into(),
                false
            ),
        ]
    );
}
