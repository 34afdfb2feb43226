use atrium_common::config::ServiceName;
use atrium_common::db::{Db, is_unique_violation};
use atrium_common::testkit::fresh_database;
use atrium_common::{on_db, on_tx};
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

atrium_common::migrations!(in "tests/it/migrations": "0001_thing");

async fn open() -> (Db, atrium_common::testkit::TestDatabase) {
    let database = fresh_database().await.unwrap();
    let db = Db::open(&database.target, ServiceName::Billing, &MIGRATIONS)
        .await
        .unwrap();
    (db, database)
}

async fn insert(db: &Db, id: Uuid, name: &str, at: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    on_db!(db, |pool| sqlx::query(
        "insert into thing (thing_id, name, created_at) values ($1, $2, $3)"
    )
    .bind(id)
    .bind(name)
    .bind(at)
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))
}

async fn count(db: &Db) -> i64 {
    on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "select count(*) from thing"
    )
    .fetch_one(pool)
    .await)
    .unwrap()
}

#[tokio::test]
async fn uuids_and_times_round_trip_and_times_order_correctly() {
    let (db, _database) = open().await;
    let base = atrium_common::testkit::manual_clock().now();
    let times = [
        base + TimeDelta::milliseconds(500),
        base,
        base + TimeDelta::microseconds(123_456),
        base + TimeDelta::seconds(1),
    ];
    for (i, at) in times.iter().enumerate() {
        insert(&db, Uuid::new_v4(), &format!("t{i}"), *at)
            .await
            .unwrap();
    }

    let ordered: Vec<(String, DateTime<Utc>)> = on_db!(&db, |pool| sqlx::query_as(
        "select name, created_at from thing where created_at > $1 order by created_at"
    )
    .bind(base)
    .fetch_all(pool)
    .await)
    .unwrap();

    let names: Vec<&str> = ordered.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["t2", "t0", "t3"]);
    assert_eq!(ordered[0].1, times[2]);
}

#[tokio::test]
async fn a_unique_violation_is_recognised_on_either_backend() {
    let (db, _database) = open().await;
    insert(&db, Uuid::new_v4(), "same", Utc::now())
        .await
        .unwrap();

    let err = insert(&db, Uuid::new_v4(), "same", Utc::now())
        .await
        .unwrap_err();

    assert!(is_unique_violation(&err), "{err}");
    assert_eq!(count(&db).await, 1);
}

#[tokio::test]
async fn a_dropped_transaction_rolls_back_and_a_committed_one_stays() {
    let (db, _database) = open().await;

    let mut dropped = db.begin().await.unwrap();
    on_tx!(&mut dropped, |conn| sqlx::query(
        "insert into thing (thing_id, name, created_at) values ($1, 'gone', $2)"
    )
    .bind(Uuid::new_v4())
    .bind(Utc::now())
    .execute(conn)
    .await
    .map(drop))
    .unwrap();
    drop(dropped);
    let mut committed = db.begin().await.unwrap();
    on_tx!(&mut committed, |conn| sqlx::query(
        "insert into thing (thing_id, name, created_at) values ($1, 'kept', $2)"
    )
    .bind(Uuid::new_v4())
    .bind(Utc::now())
    .execute(conn)
    .await
    .map(drop))
    .unwrap();
    committed.commit().await.unwrap();

    assert_eq!(count(&db).await, 1);
}

#[tokio::test]
async fn racing_conditional_updates_have_exactly_one_winner() {
    let (db, _database) = open().await;
    let id = Uuid::new_v4();
    insert(&db, id, "token", Utc::now()).await.unwrap();

    let consume = |db: Db| async move {
        on_db!(&db, |pool| sqlx::query(
            "update thing set used_at = $2 where thing_id = $1 and used_at is null"
        )
        .bind(id)
        .bind(Utc::now())
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
        .unwrap()
    };
    let handles: Vec<_> = (0..8).map(|_| tokio::spawn(consume(db.clone()))).collect();
    let mut winners = 0;
    for handle in handles {
        winners += handle.await.unwrap();
    }

    assert_eq!(winners, 1);
}

#[tokio::test]
async fn concurrent_write_transactions_queue_instead_of_failing() {
    let (db, _database) = open().await;

    let write = |db: Db, i: usize| async move {
        let mut tx = db.begin().await?;
        let n: i64 = on_tx!(&mut tx, |conn| sqlx::query_scalar(
            "select count(*) from thing"
        )
        .fetch_one(conn)
        .await)?;
        on_tx!(&mut tx, |conn| sqlx::query(
            "insert into thing (thing_id, name, created_at) values ($1, $2, $3)"
        )
        .bind(Uuid::new_v4())
        .bind(format!("w{i}-{n}"))
        .bind(Utc::now())
        .execute(conn)
        .await
        .map(drop))?;
        tx.commit().await
    };
    let handles: Vec<_> = (0..6).map(|i| tokio::spawn(write(db.clone(), i))).collect();
    for handle in handles {
        handle.await.unwrap().unwrap();
    }

    assert_eq!(count(&db).await, 6);
}

/// A database that goes away answers UNAVAILABLE within a second on every query, at once
/// once the health check has seen it down, and serves again as soon as it is back.
#[tokio::test]
async fn a_database_that_goes_away_fails_fast_and_recovers_by_itself() {
    let Ok(url) = std::env::var(atrium_common::testkit::TEST_DATABASE_URL) else {
        eprintln!("skipped: runs in the PostgreSQL suite (ATRIUM_TEST_DATABASE_URL)");
        return;
    };
    let database = atrium_common::testkit::fresh_database_on(Some(&url))
        .await
        .unwrap();
    let atrium_common::config::DatabaseTarget::Postgres { url } = &database.target else {
        unreachable!("a PostgreSQL database");
    };
    let direct = secrecy::ExposeSecret::expose_secret(url).to_owned();
    let server = atrium_common::testkit::address_of(&direct).unwrap();
    let proxy = atrium_common::testkit::faults::TcpProxy::start(&server)
        .await
        .unwrap();
    let through = atrium_common::testkit::with_address(&direct, proxy.addr());
    let target = atrium_common::config::DatabaseTarget::Postgres {
        url: secrecy::SecretString::from(through),
    };
    let db = Db::open(&target, ServiceName::Billing, &MIGRATIONS)
        .await
        .unwrap();
    insert(&db, Uuid::new_v4(), "before", Utc::now())
        .await
        .unwrap();

    proxy.cut().await;
    let started = std::time::Instant::now();
    let first = insert(&db, Uuid::new_v4(), "during", Utc::now()).await;
    let first_took = started.elapsed();
    assert!(db.check().await.is_err());
    let started = std::time::Instant::now();
    let known_down = insert(&db, Uuid::new_v4(), "during", Utc::now()).await;
    let known_down_took = started.elapsed();

    proxy.restore().await.unwrap();
    let started = std::time::Instant::now();
    db.check().await.unwrap();
    let after = insert(&db, Uuid::new_v4(), "after", Utc::now()).await;
    let back_after = started.elapsed();

    assert!(
        first.as_ref().is_err_and(atrium_common::db::is_unavailable),
        "{first:?}"
    );
    assert!(
        first_took < std::time::Duration::from_secs(1),
        "{first_took:?}"
    );
    assert!(
        matches!(known_down, Err(sqlx::Error::PoolClosed)),
        "{known_down:?}"
    );
    assert!(
        known_down_took < std::time::Duration::from_millis(50),
        "{known_down_took:?}"
    );
    assert_eq!(
        after.unwrap(),
        1,
        "connections from before the outage are not used"
    );
    assert!(
        back_after < std::time::Duration::from_secs(1),
        "{back_after:?}"
    );
    assert_eq!(count(&db).await, 2);
}
