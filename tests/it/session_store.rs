//! The customer session check against a Redis that goes away: a cached session is then
//! checked against identity's database (never waved through), and a revocation that cannot
//! reach Redis answers 503 and changes nothing. Runs where `ATRIUM_TEST_REDIS_URL` is set
//! (CI's second pass); the in-process store cannot go away.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use atrium_common::clock::Clock;
use atrium_common::limits::LimitStore;
use atrium_common::shutdown::Shutdown;
use atrium_common::testkit;
use atrium_common::testkit::smtp::SmtpServer;
use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};

use crate::helpers::{TestApp, error_code, test_env};

/// A TCP forwarder to Redis that can be cut: while down it closes every connection.
struct Switch {
    addr: std::net::SocketAddr,
    up: Arc<AtomicBool>,
    generation: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Switch {
    async fn start(target: String) -> Switch {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let (generation, _) = tokio::sync::watch::channel(0u64);
        let generation = Arc::new(generation);
        let (flag, cuts) = (up.clone(), generation.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    continue;
                }
                let target = target.clone();
                let mut cut = cuts.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Switch {
            addr,
            up,
            generation,
        }
    }

    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }

    fn up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn a_redis_outage_never_lets_a_revoked_session_through() {
    let Some(redis_url) = testkit::test_redis_url() else {
        eprintln!("ATRIUM_TEST_REDIS_URL is not set: the in-process store cannot go away");
        return;
    };
    let target = redis_url
        .trim_start_matches("redis://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let switch = Switch::start(target).await;
    testkit::init_test_tracing();
    let database = testkit::fresh_database().await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start().await.unwrap();
    let mut env = test_env(&database, data_dir.path());
    env.smtp_url = Some(SecretString::from(smtp.url()));
    let settings = atrium_common::config::Settings::resolve(env).unwrap();
    let clock: Clock = testkit::manual_clock();
    let store = LimitStore::redis(
        &format!("redis://{}", switch.addr),
        &format!("outage-{}", uuid::Uuid::new_v4()),
    )
    .await
    .unwrap();
    let stack = atrium::start_all(settings, clock.clone(), Shutdown::new(), Some(store))
        .await
        .unwrap();
    let app = TestApp {
        base: format!("http://{}", stack.gateway.unwrap()),
        http: reqwest::Client::new(),
        stack: Some(stack),
        clock,
        data_dir,
        database,
    };
    let (_, _, staff) = app.org_with_owner("acme").await;

    // A customer signs in (accepting an invitation); the second request is a cached one.
    let invited = app
        .staff_call(
            Method::POST,
            "/api/admin/customers/invitations",
            &staff,
            Some(&json!({ "email": "ann@customer.test" })),
        )
        .await;
    let ann_id = invited.json::<Value>().await.unwrap()["customer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mails = smtp
        .wait_for_messages(1, std::time::Duration::from_secs(15))
        .await
        .unwrap();
    let (text, _) = mails[0].parts();
    let token = text
        .lines()
        .find_map(|line| line.trim().split_once("?token=").map(|(_, t)| t.to_owned()))
        .expect("a link");
    let accepted = app
        .post_json(
            "/api/customer/invitations/accept",
            &json!({ "token": token, "password": "a long customer passphrase" }),
        )
        .await;
    let cookie = accepted.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let me = || {
        app.http
            .get(app.url("/api/customer/me"))
            .header("cookie", &cookie)
            .send()
    };
    assert_eq!(me().await.unwrap().status(), 200);
    assert_eq!(me().await.unwrap().status(), 200);

    // Redis goes away: the session is checked against the database and still works.
    switch.down();
    assert_eq!(me().await.unwrap().status(), 200);
    // A revocation that cannot reach Redis is refused and changes nothing.
    let path = format!("/api/admin/customers/{ann_id}/deactivate");
    let refused = app.staff_call(Method::POST, &path, &staff, None).await;
    let (status, code, _) = error_code(refused).await;
    assert_eq!((status, code.as_str()), (503, "UNAVAILABLE"));
    assert_eq!(me().await.unwrap().status(), 200, "nothing changed");

    // Back up: the revocation goes through and ends the session on the next request,
    // with Redis up and again with Redis down.
    switch.up();
    let mut done = None;
    for _ in 0..50 {
        let answer = app.staff_call(Method::POST, &path, &staff, None).await;
        if answer.status() == 200 {
            done = Some(answer);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        done.is_some(),
        "the revocation goes through once Redis is back"
    );
    assert_eq!(me().await.unwrap().status(), 401);
    switch.down();
    assert_eq!(me().await.unwrap().status(), 401);
    switch.up();
    app.stop().await;
}
