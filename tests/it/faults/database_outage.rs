//! PostgreSQL down: with the stack's database behind a proxy that is cut, every request
//! that needs it answers 503 `UNAVAILABLE` within a second (never 500, never the pool's
//! whole wait), `/readyz` answers 503, and within a second of the proxy being restored
//! requests are answered again, without a restart.

use std::time::{Duration, Instant};

use atrium_common::config::DatabaseTarget;
use atrium_common::testkit::{self, faults::TcpProxy};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};

use super::readyz;
use crate::customer_invitation::customer_call;
use crate::customer_lockout::{PASSWORD, World};
use crate::support::app::error_code;

#[tokio::test]
async fn a_cut_database_answers_503_within_a_second_and_recovers_by_itself() {
    let Some(url) = std::env::var(testkit::TEST_DATABASE_URL).ok() else {
        eprintln!("skipped: runs in the PostgreSQL suite (ATRIUM_TEST_DATABASE_URL)");
        return;
    };
    let database = testkit::fresh_database_on(Some(&url)).await.unwrap();
    let DatabaseTarget::Postgres { url: direct } = &database.target else {
        unreachable!("a PostgreSQL database")
    };
    let direct = direct.expose_secret().to_owned();
    let proxy = TcpProxy::start(&testkit::address_of(&direct).unwrap())
        .await
        .unwrap();
    let mut through = database.shared();
    through.target = DatabaseTarget::Postgres {
        url: SecretString::from(testkit::with_address(&direct, proxy.addr())),
    };
    let world = World::start_on_database(through).await;
    let (ann, _) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let routes = [
        "/api/customer/me",
        "/api/customer/dashboard",
        "/api/customer/projects",
    ];
    for path in routes {
        let answer = customer_call(&world.app, Method::GET, path, &ann, None).await;
        assert_eq!(answer.status(), 200, "{path}");
    }

    proxy.cut().await;
    let mut slow = Vec::new();
    let mut wrong = Vec::new();
    let mut slowest = Duration::ZERO;
    for round in 0..5 {
        for path in routes {
            let started = Instant::now();
            let answer = customer_call(&world.app, Method::GET, path, &ann, None).await;
            let took = started.elapsed();
            slowest = slowest.max(took);
            let (status, code, _) = error_code(answer).await;
            if (status, code.as_str()) != (503, "UNAVAILABLE") {
                wrong.push(format!("round {round} {path}: {status} {code}"));
            }
            if took >= Duration::from_secs(1) {
                slow.push(format!("round {round} {path}: {took:?}"));
            }
        }
        let login = world
            .app
            .login_attempt("/api/customer/login", "acme", "ann@customer.test", PASSWORD)
            .await;
        let status = login.status().as_u16();
        if status != 503 {
            wrong.push(format!("round {round} login: {status}"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut unready = false;
    for _ in 0..20 {
        if readyz(&world.app).await.0 == 503 {
            unready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    proxy.restore().await.unwrap();
    let restored = Instant::now();
    let mut back_after = None;
    while restored.elapsed() < Duration::from_secs(5) {
        let answer = customer_call(
            &world.app,
            Method::GET,
            "/api/customer/dashboard",
            &ann,
            None,
        )
        .await;
        if answer.status() == 200 {
            back_after = Some(restored.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    eprintln!(
        "database outage: slowest 503 {slowest:?}, served again {back_after:?} after the restore"
    );
    assert!(wrong.is_empty(), "not 503 UNAVAILABLE: {wrong:?}");
    assert!(slow.is_empty(), "slower than a second: {slow:?}");
    assert!(unready, "/readyz answers 503 while the database is down");
    let back_after = back_after.expect("served again after the restore");
    assert!(
        back_after < Duration::from_secs(1),
        "back after {back_after:?}"
    );
    for path in routes {
        let answer = customer_call(&world.app, Method::GET, path, &ann, None).await;
        assert_eq!(answer.status(), 200, "{path} after the restore");
    }
    let mut ready_again = false;
    for _ in 0..40 {
        if readyz(&world.app).await.0 == 200 {
            ready_again = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        ready_again,
        "/readyz answers 200 again once every service has checked"
    );
}
