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
                migrations.postgres.iter().count() as i64
            }
            atrium_common::config::DatabaseTarget::Sqlite { .. } => {
                migrations.sqlite.iter().count() as i64
            }
        };
        assert_eq!(
            migrations.postgres.iter().count(),
            migrations.sqlite.iter().count(),
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
