//! Redis down is degraded, not down: under load on `/me` and the dashboard, Redis is
//! killed for 10 s. Live sessions keep answering 200 (checked in the database), at least
//! half as fast as a stack that never had Redis; sign-in, sign-out and a forced re-login
//! work and take effect; `/readyz` stays 200 and says `degraded`; when Redis is back it
//! is trusted again only after the generation has moved.

use std::time::{Duration, Instant};

use atrium_common::testkit::faults::RedisServer;
use reqwest::Method;
use serde_json::json;

use super::{published_generation, readyz, redis_keys, wait_for_redis};
use crate::customer_invitation::{Customer, customer_call};
use crate::customer_lockout::{PASSWORD, World};
use crate::portal_access::create_project;

const WORKERS: usize = 4;

/// What a stretch of load saw: answers counted, and every one that was not a 200.
#[derive(Default)]
struct Tally {
    answers: usize,
    wrong: Vec<String>,
}

/// `WORKERS` clients, one customer each, alternating `/me` and the dashboard for `length`.
async fn load(world: &World, customers: &[Customer], length: Duration) -> Tally {
    let until = Instant::now() + length;
    let workers = customers.iter().map(|customer| async move {
        let mut tally = Tally::default();
        let paths = ["/api/customer/me", "/api/customer/dashboard"];
        while Instant::now() < until {
            let path = paths[tally.answers % 2];
            let status = customer_call(&world.app, Method::GET, path, customer, None)
                .await
                .status();
            tally.answers += 1;
            if status != 200 {
                tally.wrong.push(format!("{path}: {status}"));
            }
        }
        tally
    });
    let mut total = Tally::default();
    for tally in futures_util::future::join_all(workers).await {
        total.answers += tally.answers;
        total.wrong.extend(tally.wrong);
    }
    total
}

/// A world with `WORKERS` signed-in customers, each with a project on their dashboard.
async fn world_with_customers(redis_url: &str) -> (World, Vec<Customer>) {
    let world = World::start_on(Some(redis_url)).await;
    let project = create_project(&world, json!({ "name": "Extension", "kind": "project" })).await;
    let mut customers = Vec::new();
    for n in 0..WORKERS {
        let (customer, id) = world
            .customer(&format!("load{n}@customer.test"), "Load", "", n + 1)
            .await;
        let path = format!("/api/admin/customers/{id}/projects");
        let body = json!({ "project_ids": [project["id"]] });
        assert_eq!(
            world.staff(Method::PUT, &path, Some(&body)).await.status(),
            200
        );
        customers.push(customer);
    }
    (world, customers)
}

#[tokio::test]
async fn killing_redis_under_load_keeps_every_live_session_and_every_account_action_working() {
    let Some(mut redis) = RedisServer::start().await.unwrap() else {
        return;
    };
    let (world, customers) = world_with_customers(&redis.url()).await;
    // The database-only path: a stack whose Redis never answered, loaded at the same time
    // as the outage, so both share whatever else the machine is doing.
    let never = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let (database_only, database_only_customers) =
        world_with_customers(&format!("redis://{never}")).await;
    // Three more accounts for the actions taken during the outage.
    let (leaving, _) = world
        .customer("leaving@customer.test", "Leaving", "", WORKERS + 1)
        .await;
    let (_forced, forced_id) = world
        .customer("forced@customer.test", "Forced", "", WORKERS + 2)
        .await;
    let (_late, _) = world
        .customer("late@customer.test", "Late", "", WORKERS + 3)
        .await;
    let forced_session = world.login("forced@customer.test", PASSWORD).await;
    let forced_cookie = crate::support::app::cookie_of(&forced_session);

    let warm = load(&world, &customers, Duration::from_secs(2)).await;
    assert!(warm.wrong.is_empty(), "with Redis up: {:?}", warm.wrong);

    let before = published_generation(&redis).await;
    redis.kill().await.unwrap();
    let outage = load(&world, &customers, Duration::from_secs(10));
    let reference = load(
        &database_only,
        &database_only_customers,
        Duration::from_secs(10),
    );
    let actions = async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (ready, body) = readyz(&world.app).await;
        let signed_in = world.login("late@customer.test", PASSWORD).await.status();
        let signed_out = customer_call(
            &world.app,
            Method::POST,
            "/api/customer/logout",
            &leaving,
            Some(&leaving.csrf),
        )
        .await
        .status()
        .as_u16();
        let after_sign_out =
            customer_call(&world.app, Method::GET, "/api/customer/me", &leaving, None)
                .await
                .status()
                .as_u16();
        let path = format!("/api/admin/customers/{forced_id}/force-relogin");
        let forced = world
            .staff(Method::POST, &path, None)
            .await
            .status()
            .as_u16();
        let after_forced = world
            .app
            .http
            .get(world.app.url("/api/customer/me"))
            .header("cookie", &forced_cookie)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        (
            ready,
            body,
            signed_in,
            signed_out,
            after_sign_out,
            forced,
            after_forced,
        )
    };
    let (outage, reference, actions) = tokio::join!(outage, reference, actions);
    let (ready, body, signed_in, signed_out, after_sign_out, forced, after_forced) = actions;

    redis.restart(false).await.unwrap();
    wait_for_redis(&world.app, "up").await;
    let recovered = load(&world, &customers, Duration::from_secs(2)).await;
    let after = published_generation(&redis).await;
    let cached_again = redis_keys(&redis, &format!("*:identity:g{after}:seen:*")).await;

    assert!(
        outage.wrong.is_empty(),
        "during the outage: {:?}",
        outage.wrong
    );
    assert!(
        reference.wrong.is_empty(),
        "database only: {:?}",
        reference.wrong
    );
    assert!(
        outage.answers * 2 >= reference.answers,
        "the outage served {} answers against {} on the database-only path",
        outage.answers,
        reference.answers
    );
    assert_eq!(
        (ready, body["checks"]["redis"].as_str()),
        (200, Some("degraded")),
        "{body}"
    );
    assert_eq!(signed_in, 200, "sign-in during the outage");
    assert_eq!(
        (signed_out, after_sign_out),
        (204, 401),
        "sign-out during the outage"
    );
    assert_eq!(
        (forced, after_forced),
        (200, 401),
        "forced re-login during the outage"
    );
    assert!(
        recovered.wrong.is_empty(),
        "after the outage: {:?}",
        recovered.wrong
    );
    assert!(
        after > before,
        "the generation moved before Redis was trusted again"
    );
    assert_eq!(
        cached_again.len(),
        WORKERS,
        "the live sessions are cached again under generation {after}"
    );
    let (ready, body) = readyz(&world.app).await;
    assert_eq!((ready, body["checks"]["redis"].as_str()), (200, Some("up")));
    eprintln!(
        "redis outage: {} answers in 10 s (database only: {}), warm {} in 2 s, after {} in 2 s",
        outage.answers, reference.answers, warm.answers, recovered.answers
    );
}
