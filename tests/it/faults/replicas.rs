//! Two identity replicas sharing one database and one Redis, the first cut off from
//! Redis alone: what it revokes while it cannot write to Redis is refused by the other,
//! which still trusts Redis, from the very next request on.

use atrium_common::testkit::faults::{RedisServer, TcpProxy};
use atrium_common::testkit::{self, smtp::SmtpServer};
use reqwest::Method;
use secrecy::SecretString;

use super::wait_for_redis;
use crate::customer_invitation::{Customer, customer_call};
use crate::customer_lockout::{World, configure};
use crate::support::app::TestApp;

const JWT_SECRET: &str = "replicas-share-this-jwt-secret-0123456789";

async fn me(app: &TestApp, customer: &Customer) -> u16 {
    customer_call(app, Method::GET, "/api/customer/me", customer, None)
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_replica_cut_off_from_redis_revokes_for_every_replica_at_once() {
    let Some(redis) = RedisServer::start().await.unwrap() else {
        return;
    };
    testkit::init_test_tracing();
    let redis_addr = redis.url().trim_start_matches("redis://").to_owned();
    let cut_off = TcpProxy::start(&redis_addr).await.unwrap();
    let prefix = testkit::random_prefix();
    let smtp = SmtpServer::start().await.unwrap();
    let database = testkit::fresh_database().await.unwrap();
    let shared = database.shared();
    let replica = |smtp: &SmtpServer| {
        let configure = configure(smtp);
        move |env: &mut atrium_common::config::Env| {
            configure(env);
            env.jwt_secret = Some(SecretString::from(JWT_SECRET));
        }
    };
    let first = TestApp::start_on_store(
        database,
        tempfile::tempdir().unwrap(),
        replica(&smtp),
        Some((&format!("redis://{}", cut_off.addr()), &prefix)),
    )
    .await;
    let second = TestApp::start_on_store(
        shared,
        tempfile::tempdir().unwrap(),
        replica(&smtp),
        Some((&redis.url(), &prefix)),
    )
    .await;
    let world = World::on(first, smtp).await;
    let (ann, _) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let (bob, bob_id) = world.customer("bob@customer.test", "Bob", "", 2).await;
    let (cid, _) = world.customer("cid@customer.test", "Cid", "", 3).await;
    for customer in [&ann, &bob, &cid] {
        for app in [&world.app, &second] {
            assert_eq!(me(app, customer).await, 200);
            assert_eq!(me(app, customer).await, 200, "now from the cache");
        }
    }

    cut_off.cut().await;
    wait_for_redis(&world.app, "degraded").await;
    let signed_out = customer_call(
        &world.app,
        Method::POST,
        "/api/customer/logout",
        &ann,
        Some(&ann.csrf),
    )
    .await;
    let ann_elsewhere = me(&second, &ann).await;
    let path = format!("/api/admin/customers/{bob_id}/deactivate");
    let deactivated = world.staff(Method::POST, &path, None).await;
    let bob_elsewhere = me(&second, &bob).await;
    let cid_elsewhere = me(&second, &cid).await;

    cut_off.restore().await.unwrap();
    wait_for_redis(&world.app, "up").await;

    assert_eq!(signed_out.status(), 204);
    assert_eq!(
        ann_elsewhere, 401,
        "signed out on the first replica, refused on the second"
    );
    assert_eq!(deactivated.status(), 200);
    assert_eq!(
        bob_elsewhere, 401,
        "deactivated on the first replica, refused on the second"
    );
    assert_eq!(cid_elsewhere, 200, "a live session still works");
    for app in [&world.app, &second] {
        assert_eq!(me(app, &ann).await, 401);
        assert_eq!(me(app, &bob).await, 401);
        assert_eq!(me(app, &cid).await, 200);
    }
}
