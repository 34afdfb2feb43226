use std::time::Duration;

use atrium_common::limits::{Decision, LimitStore, RateLimit};
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
        decisions.push(
            store
                .hit("test:login:addr:1.2.3.4", THREE_PER_MINUTE)
                .await
                .unwrap(),
        );
    }

    assert_eq!(decisions[0], Decision::Allowed { remaining: 2 });
    assert_eq!(decisions[2], Decision::Allowed { remaining: 0 });
    let Decision::Limited { retry_after } = decisions[3] else {
        panic!("fourth hit limited: {decisions:?}")
    };
    assert!(retry_after > Duration::ZERO && retry_after <= Duration::from_secs(60));
    let other_key = store
        .hit("test:login:addr:5.6.7.8", THREE_PER_MINUTE)
        .await
        .unwrap();
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
        store.hit("test:failures", THREE_PER_MINUTE).await.unwrap();
    }

    let before = store
        .check("test:failures", THREE_PER_MINUTE)
        .await
        .unwrap();
    let again = store
        .check("test:failures", THREE_PER_MINUTE)
        .await
        .unwrap();
    store.hit("test:failures", THREE_PER_MINUTE).await.unwrap();
    let after = store
        .check("test:failures", THREE_PER_MINUTE)
        .await
        .unwrap();

    assert_eq!(before, Decision::Allowed { remaining: 1 });
    assert_eq!(again, before);
    assert!(matches!(after, Decision::Limited { .. }));
}

#[tokio::test]
async fn values_are_stored_read_and_deleted() {
    let store = limit_store(manual_clock()).await.unwrap();

    store
        .set(
            "test:session:abc",
            "account-1:epoch-3",
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    let stored = store.get("test:session:abc").await.unwrap();
    store.delete("test:session:abc").await.unwrap();
    let deleted = store.get("test:session:abc").await.unwrap();

    assert_eq!(stored.as_deref(), Some("account-1:epoch-3"));
    assert_eq!(deleted, None);
    store.ping().await.unwrap();
}

#[tokio::test]
async fn in_process_windows_and_values_expire_when_the_clock_moves() {
    let clock = manual_clock();
    let store = LimitStore::memory(clock.clone());
    for _ in 0..4 {
        store.hit("test:k", THREE_PER_MINUTE).await.unwrap();
    }
    store
        .set("test:v", "x", Duration::from_secs(30))
        .await
        .unwrap();

    clock.advance(Duration::from_secs(30));
    let value_at_ttl = store.get("test:v").await.unwrap();
    clock.advance(Duration::from_secs(30));
    let after_window = store.hit("test:k", THREE_PER_MINUTE).await.unwrap();

    assert_eq!(value_at_ttl, None);
    assert_eq!(after_window, Decision::Allowed { remaining: 2 });
}

#[tokio::test]
async fn redis_keys_carry_a_ttl_and_the_prefix() {
    let Some(url) = test_redis_url() else {
        return; // Only meaningful against Redis; CI always sets ATRIUM_TEST_REDIS_URL.
    };
    let prefix = random_prefix();
    let store = LimitStore::redis(&url, &prefix).await.unwrap();
    store.hit("test:ttl", THREE_PER_MINUTE).await.unwrap();
    store
        .set("test:value", "v", Duration::from_secs(5))
        .await
        .unwrap();

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
async fn an_unreachable_redis_is_refused_at_start() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let result = LimitStore::redis(&format!("redis://{closed}"), "atrium-test").await;
    assert!(result.is_err());
}
