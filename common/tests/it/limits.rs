use std::time::{Duration, Instant};

use atrium_common::limits::{Decision, LimitStore, RateLimit, StoreHealth, Write};
use atrium_common::testkit::faults::RedisServer;
use atrium_common::testkit::{limit_store, manual_clock, random_prefix, test_redis_url};

const THREE_PER_MINUTE: RateLimit = RateLimit {
    count: 3,
    window: Duration::from_secs(60),
};

#[tokio::test]
async fn a_limit_allows_its_count_then_answers_retry_after() {
    let store = limit_store(manual_clock()).await.unwrap();

    let mut decisions = Vec::new();
    for _ in 0..4 {
        decisions.push(store.hit("test:login:addr:1.2.3.4", THREE_PER_MINUTE).await);
    }

    assert_eq!(decisions[0], Decision::Allowed { remaining: 2 });
    assert_eq!(decisions[2], Decision::Allowed { remaining: 0 });
    let Decision::Limited { retry_after } = decisions[3] else {
        panic!("fourth hit limited: {decisions:?}")
    };
    assert!(retry_after > Duration::ZERO && retry_after <= Duration::from_secs(60));
    let other_key = store.hit("test:login:addr:5.6.7.8", THREE_PER_MINUTE).await;
    assert_eq!(
        other_key,
        Decision::Allowed { remaining: 2 },
        "keys do not share counts"
    );
}

#[tokio::test]
async fn check_reads_without_counting() {
    let store = limit_store(manual_clock()).await.unwrap();
    for _ in 0..2 {
        store.hit("test:failures", THREE_PER_MINUTE).await;
    }

    let before = store.check("test:failures", THREE_PER_MINUTE).await;
    let again = store.check("test:failures", THREE_PER_MINUTE).await;
    store.hit("test:failures", THREE_PER_MINUTE).await;
    let after = store.check("test:failures", THREE_PER_MINUTE).await;

    assert_eq!(before, Decision::Allowed { remaining: 1 });
    assert_eq!(again, before);
    assert!(matches!(after, Decision::Limited { .. }));
}

#[tokio::test]
async fn values_are_written_and_read_back_in_one_step() {
    let store = limit_store(manual_clock()).await.unwrap();
    let ttl = Duration::from_secs(60);

    let first = store
        .write(
            &[
                Write::Set {
                    key: "test:a",
                    value: "1",
                    ttl,
                },
                Write::SetIfAbsent {
                    key: "test:b",
                    value: "2",
                    ttl,
                },
            ],
            &["test:a", "test:b", "test:none"],
        )
        .await
        .unwrap();
    let second = store
        .write(
            &[Write::SetIfAbsent {
                key: "test:b",
                value: "3",
                ttl,
            }],
            &["test:b"],
        )
        .await
        .unwrap();
    let read = store.read(&["test:a", "test:none"]).await.unwrap();

    let text = |v: &str| Some(v.to_owned());
    assert_eq!(first.values, vec![text("1"), text("2"), None]);
    assert_eq!(second.values, vec![text("2")], "an existing value stays");
    assert_eq!(read.values, vec![text("1"), None]);
    assert_eq!(Some(read.connection), store.connection());
}

#[tokio::test]
async fn a_raised_number_never_goes_down() {
    let store = limit_store(manual_clock()).await.unwrap();
    let ttl = Duration::from_secs(60);

    let (first, _) = store.raise("test:generation", 5, ttl).await.unwrap();
    let (lower, _) = store.raise("test:generation", 3, ttl).await.unwrap();
    let (higher, _) = store.raise("test:generation", 9, ttl).await.unwrap();

    assert_eq!((first, lower, higher), (5, 5, 9));
}

#[tokio::test]
async fn in_process_windows_and_values_expire_when_the_clock_moves() {
    let clock = manual_clock();
    let store = LimitStore::memory(clock.clone());
    for _ in 0..4 {
        store.hit("test:k", THREE_PER_MINUTE).await;
    }
    let write = Write::Set {
        key: "test:v",
        value: "x",
        ttl: Duration::from_secs(30),
    };
    store.write(&[write], &[]).await.unwrap();

    clock.advance(Duration::from_secs(30));
    let value_at_ttl = store.read(&["test:v"]).await.unwrap().values;
    clock.advance(Duration::from_secs(30));
    let after_window = store.hit("test:k", THREE_PER_MINUTE).await;

    assert_eq!(value_at_ttl, vec![None]);
    assert_eq!(after_window, Decision::Allowed { remaining: 2 });
    assert_eq!(store.health(), StoreHealth::InProcess);
}

#[tokio::test]
async fn redis_keys_carry_a_ttl_and_the_prefix() {
    let Some(url) = test_redis_url() else {
        eprintln!("skipped: runs in the Redis suite (ATRIUM_TEST_REDIS_URL)");
        return;
    };
    let prefix = random_prefix();
    let store = LimitStore::redis(&url, &prefix, manual_clock())
        .await
        .unwrap();
    store.hit("test:ttl", THREE_PER_MINUTE).await;
    let write = Write::Set {
        key: "test:value",
        value: "v",
        ttl: Duration::from_secs(5),
    };
    store.write(&[write], &[]).await.unwrap();

    let client = redis::Client::open(url.as_str()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let counter_ttl: i64 = redis::cmd("PTTL")
        .arg(format!("{prefix}:test:ttl"))
        .query_async(&mut connection)
        .await
        .unwrap();
    let value_ttl: i64 = redis::cmd("PTTL")
        .arg(format!("{prefix}:test:value"))
        .query_async(&mut connection)
        .await
        .unwrap();

    assert!(counter_ttl > 0 && counter_ttl <= 60_000, "{counter_ttl}");
    assert!(value_ttl > 0 && value_ttl <= 5_000, "{value_ttl}");
}

#[tokio::test]
async fn an_unreachable_redis_at_start_runs_degraded_on_process_counters() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let store = LimitStore::redis(&format!("redis://{closed}"), "atrium-test", manual_clock())
        .await
        .expect("a Redis that does not answer yet is no reason not to start");

    let decisions: Vec<Decision> =
        futures_util::future::join_all((0..4).map(|_| store.hit("test:k", THREE_PER_MINUTE))).await;

    assert_eq!(store.health(), StoreHealth::Degraded);
    assert_eq!(store.connection(), None);
    assert!(
        store.read(&["test:k"]).await.is_err(),
        "the cache says nothing"
    );
    assert!(
        matches!(decisions[3], Decision::Limited { .. }),
        "{decisions:?}"
    );
}

/// Killing Redis opens the breaker: calls answer at once from the process's counters,
/// none waits on a reconnect; once Redis is back the breaker closes on a new connection.
#[tokio::test]
async fn a_redis_outage_falls_back_at_once_and_recovers_on_a_new_connection() {
    let Some(mut redis) = RedisServer::start().await.unwrap() else {
        return;
    };
    let store = LimitStore::redis(&redis.url(), &random_prefix(), manual_clock())
        .await
        .unwrap();
    let before = store.connection().expect("connected");
    store.hit("test:k", THREE_PER_MINUTE).await;

    redis.kill().await.unwrap();
    // The first call after the kill finds the connection gone and opens the breaker.
    store.hit("test:k", THREE_PER_MINUTE).await;
    let started = Instant::now();
    for _ in 0..100 {
        store.hit("test:other", THREE_PER_MINUTE).await;
        assert!(store.read(&["test:k"]).await.is_err());
    }
    let hundred_calls = started.elapsed();
    assert_eq!(store.health(), StoreHealth::Degraded);

    redis.restart(false).await.unwrap();
    let mut after = None;
    for _ in 0..50 {
        if let Some(connection) = store.connection() {
            after = Some(connection);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    assert!(
        hundred_calls < Duration::from_millis(200),
        "{hundred_calls:?}"
    );
    let after = after.expect("the breaker closes once Redis answers");
    assert_ne!(
        after, before,
        "a new connection, so callers know Redis may have lost writes"
    );
    assert_eq!(store.health(), StoreHealth::Up);
    assert_eq!(
        store.hit("test:fresh", THREE_PER_MINUTE).await,
        Decision::Allowed { remaining: 2 }
    );
}
