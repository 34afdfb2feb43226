use atrium_common::config::{Env, ServiceName, Settings};
use atrium_common::shutdown::Shutdown;
use serde_json::Value;

use crate::support::app::{TestApp, test_env};

#[tokio::test]
async fn a_fresh_stack_is_live_and_ready_with_every_service_serving() {
    let app = TestApp::start().await;

    let healthz = app.get("/healthz").await;
    assert_eq!(healthz.status(), 200);
    let readyz = app.get("/readyz").await;
    assert_eq!(readyz.status(), 200);
    let body: Value = readyz.json().await.unwrap();
    for name in ServiceName::ALL {
        assert_eq!(body["checks"][name.as_str()], "up", "{name} in {body}");
        let channel =
            atrium_common::grpc::probe_channel(&format!("http://{}", app.service_addr(name)))
                .unwrap();
        assert!(
            atrium_common::grpc::is_serving(channel.clone(), "").await,
            "{name} overall"
        );
        for service in name.grpc_services() {
            assert!(
                atrium_common::grpc::is_serving(channel.clone(), service).await,
                "{service}"
            );
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn readyz_is_503_while_a_service_is_unreachable() {
    let database = atrium_common::testkit::fresh_database().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A gateway alone, whose services listen nowhere.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let env = Env {
        identity_url: Some(format!("http://{closed}")),
        portal_url: Some(format!("http://{closed}")),
        documents_url: Some(format!("http://{closed}")),
        billing_url: Some(format!("http://{closed}")),
        notifier_url: Some(format!("http://{closed}")),
        ..test_env(&database, dir.path())
    };
    let settings = Settings::resolve(env).unwrap();
    let stack = atrium::start_one(
        atrium::Component::Gateway,
        settings,
        atrium_common::clock::Clock::system(),
        Shutdown::new(),
    )
    .await
    .unwrap();
    let base = format!("http://{}", stack.gateway.unwrap());

    let healthz = reqwest::get(format!("{base}/healthz")).await.unwrap();
    let readyz = reqwest::get(format!("{base}/readyz")).await.unwrap();

    assert_eq!(healthz.status(), 200);
    assert_eq!(readyz.status(), 503);
    let body: Value = readyz.json().await.unwrap();
    assert_eq!(body["checks"]["identity"], "down");
    stack.shutdown().trigger();
    stack.wait().await.unwrap();
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_personal_ones_are_not_cached() {
    let app = TestApp::start().await;

    let echoed = app
        .http
        .get(app.url("/api/admin/me"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    let fresh = app.get("/healthz").await;

    assert_eq!(echoed.headers()["x-request-id"], "abc-123");
    assert_eq!(echoed.headers()["cache-control"], "no-store");
    let body: Value = echoed.json().await.unwrap();
    assert_eq!(body["error"]["request_id"], "abc-123");
    assert_eq!(fresh.headers()["x-request-id"].len(), 36);
}
