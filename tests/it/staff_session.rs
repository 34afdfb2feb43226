use serde_json::{Value, json};

use crate::support::app::{OWNER_PASSWORD, TestApp, error_code};
use reqwest::Method;

#[tokio::test]
async fn wrong_password_unknown_email_and_unknown_org_are_one_answer() {
    let app = TestApp::start().await;
    app.create_org("acme", "owner@acme.test").await;

    let attempts = [
        json!({ "org": "acme", "email": "owner@acme.test", "password": "wrong password!" }),
        json!({ "org": "acme", "email": "nobody@acme.test", "password": OWNER_PASSWORD }),
        json!({ "org": "nowhere", "email": "owner@acme.test", "password": OWNER_PASSWORD }),
    ];
    let mut bodies = Vec::new();
    for attempt in &attempts {
        let (status, code, mut body) =
            error_code(app.post_json("/api/admin/login", attempt).await).await;
        assert_eq!((status, code.as_str()), (401, "INVALID_CREDENTIALS"));
        body["error"]["request_id"] = Value::Null;
        bodies.push(body);
    }
    assert!(
        bodies.windows(2).all(|pair| pair[0] == pair[1]),
        "{bodies:?}"
    );
}

#[tokio::test]
async fn a_logged_out_token_is_refused_on_the_next_request() {
    let app = TestApp::start().await;
    app.create_org("acme", "owner@acme.test").await;
    let token = app
        .staff_login("acme", "owner@acme.test", OWNER_PASSWORD)
        .await;

    let logout = app
        .staff_call(Method::POST, "/api/admin/logout", &token, None)
        .await;
    let after = app
        .staff_call(Method::GET, "/api/admin/me", &token, None)
        .await;

    assert_eq!(logout.status(), 204);
    assert_eq!(error_code(after).await.1, "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_access_token_expires_after_900_seconds() {
    let app = TestApp::start().await;
    app.create_org("acme", "owner@acme.test").await;
    let token = app
        .staff_login("acme", "owner@acme.test", OWNER_PASSWORD)
        .await;

    app.clock.advance(std::time::Duration::from_secs(899));
    let before = app
        .staff_call(Method::GET, "/api/admin/me", &token, None)
        .await;
    app.clock.advance(std::time::Duration::from_secs(1));
    let after = app
        .staff_call(Method::GET, "/api/admin/me", &token, None)
        .await;

    assert_eq!(before.status(), 200);
    assert_eq!(error_code(after).await.0, 401);
}

#[tokio::test]
async fn garbage_and_missing_bearers_are_401() {
    let app = TestApp::start().await;

    let missing = app.get("/api/admin/me").await;
    let garbage = app
        .staff_call(Method::GET, "/api/admin/me", "not-a-jwt", None)
        .await;

    assert_eq!(error_code(missing).await.1, "UNAUTHENTICATED");
    assert_eq!(error_code(garbage).await.1, "UNAUTHENTICATED");
}

#[tokio::test]
async fn staff_logins_are_rate_limited_per_account_as_typed() {
    let app = TestApp::start_with(|env| env.rate_limit_login_account = Some("3/15m".into())).await;
    app.create_org("acme", "owner@acme.test").await;
    let wrong = json!({ "org": "acme", "email": "Owner@acme.test", "password": "wrong password!" });

    for _ in 0..3 {
        assert_eq!(
            app.post_json("/api/admin/login", &wrong).await.status(),
            401
        );
    }
    let limited = app
        .login_attempt(
            "/api/admin/login",
            "acme",
            "owner@acme.test",
            OWNER_PASSWORD,
        )
        .await;

    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0 && retry_after <= 900);
    assert_eq!(error_code(limited).await.1, "RATE_LIMITED");
}
