use serde_json::{Value, json};

use crate::support::app::{OWNER_PASSWORD, PLATFORM_TOKEN, TestApp, error_code};
use reqwest::Method;

fn org_body(slug: &str) -> Value {
    json!({ "slug": slug, "name": "Acme Ltd", "owner_email": "Owner@Acme.test", "owner_password": OWNER_PASSWORD })
}

#[tokio::test]
async fn the_platform_operator_onboards_a_tenant_whose_owner_can_sign_in() {
    let app = TestApp::start().await;

    let created = app.create_org("acme", "Owner@Acme.test").await;
    let token = app
        .staff_login("acme", "  owner@ACME.test ", OWNER_PASSWORD)
        .await;
    let me: Value = app
        .staff_call(Method::GET, "/api/admin/me", &token, None)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(created["org"]["slug"], "acme");
    assert_eq!(created["org"]["name"], "acme Ltd");
    assert_eq!(created["owner"]["email"], "Owner@Acme.test");
    assert_eq!(me["id"], created["owner"]["id"]);
    assert_eq!(me["org_id"], created["org"]["id"]);
    assert_eq!(me["role"], "owner");
    assert!(
        me["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "settings.manage")
    );
}

#[tokio::test]
async fn a_taken_slug_is_409_and_changes_nothing() {
    let app = TestApp::start().await;
    app.create_org("acme", "first@acme.test").await;

    let again = app
        .staff_call(Method::POST, "/api/platform/orgs", PLATFORM_TOKEN, Some(&json!({ "slug": "acme", "name": "Other", "owner_email": "second@acme.test", "owner_password": OWNER_PASSWORD })))
        .await;

    assert_eq!(error_code(again).await.0, 409);
    let second = app
        .login_attempt(
            "/api/admin/login",
            "acme",
            "second@acme.test",
            OWNER_PASSWORD,
        )
        .await;
    assert_eq!(second.status(), 401);
    app.staff_login("acme", "first@acme.test", OWNER_PASSWORD)
        .await;
}

#[tokio::test]
async fn onboarding_without_the_right_bearer_is_401() {
    let app = TestApp::start().await;

    let missing = app.post_json("/api/platform/orgs", &org_body("acme")).await;
    let wrong = app
        .staff_call(
            Method::POST,
            "/api/platform/orgs",
            "guess",
            Some(&org_body("acme")),
        )
        .await;
    let staff_token = app
        .staff_call(
            Method::POST,
            "/api/platform/orgs",
            "a.b.c",
            Some(&org_body("acme")),
        )
        .await;

    assert_eq!(error_code(missing).await.1, "UNAUTHENTICATED");
    assert_eq!(error_code(wrong).await.0, 401);
    assert_eq!(error_code(staff_token).await.0, 401);
    let login = app
        .login_attempt(
            "/api/admin/login",
            "acme",
            "owner@acme.test",
            OWNER_PASSWORD,
        )
        .await;
    assert_eq!(login.status(), 401, "nothing was created");
}

#[tokio::test]
async fn onboarding_is_404_while_no_platform_token_is_configured() {
    let app = TestApp::start_with(|env| env.platform_token = None).await;

    let response = app
        .staff_call(
            Method::POST,
            "/api/platform/orgs",
            PLATFORM_TOKEN,
            Some(&org_body("acme")),
        )
        .await;

    let (status, code, _) = error_code(response).await;
    assert_eq!((status, code.as_str()), (404, "NOT_FOUND"));
}

#[tokio::test]
async fn bad_onboarding_input_gets_a_clear_4xx_and_creates_nothing() {
    let app = TestApp::start().await;
    let post = |body: reqwest::Body, content_type: &'static str| {
        app.http
            .post(app.url("/api/platform/orgs"))
            .bearer_auth(PLATFORM_TOKEN)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let with = |field: &str, value: Value| {
        let mut body = org_body("acme");
        body[field] = value;
        reqwest::Body::from(body.to_string())
    };
    let without_email = {
        let mut body = org_body("acme");
        body.as_object_mut().unwrap().remove("owner_email");
        reqwest::Body::from(body.to_string())
    };

    let cases: Vec<(reqwest::Body, &str, u16, &str, Option<&str>)> = vec![
        (
            "{not json".into(),
            "application/json",
            400,
            "MALFORMED_JSON",
            None,
        ),
        (
            org_body("acme").to_string().into(),
            "text/plain",
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            None,
        ),
        (
            without_email,
            "application/json",
            422,
            "VALIDATION_FAILED",
            Some("owner_email"),
        ),
        (
            with("slug", json!(42)),
            "application/json",
            422,
            "VALIDATION_FAILED",
            Some("slug"),
        ),
        (
            with("slug", json!("Not A Slug")),
            "application/json",
            422,
            "VALIDATION_FAILED",
            Some("slug"),
        ),
        (
            with("owner_email", json!("nobody")),
            "application/json",
            422,
            "VALIDATION_FAILED",
            Some("owner_email"),
        ),
        (
            with("owner_email", json!(format!("{}@x.test", "a".repeat(250)))),
            "application/json",
            422,
            "VALIDATION_FAILED",
            Some("owner_email"),
        ),
        (
            with("owner_password", json!("short")),
            "application/json",
            422,
            "VALIDATION_FAILED",
            Some("owner_password"),
        ),
        (
            with("owner_password", json!("p".repeat(129))),
            "application/json",
            422,
            "VALIDATION_FAILED",
            Some("owner_password"),
        ),
        (
            with("name", json!("n".repeat(201))),
            "application/json",
            422,
            "VALIDATION_FAILED",
            Some("name"),
        ),
        (
            with("name", json!("x".repeat(70 * 1024))),
            "application/json",
            413,
            "PAYLOAD_TOO_LARGE",
            None,
        ),
    ];
    for (body, content_type, want_status, want_code, want_field) in cases {
        let (status, code, error) = error_code(post(body, content_type).await.unwrap()).await;
        assert_eq!((status, code.as_str()), (want_status, want_code), "{error}");
        if let Some(field) = want_field {
            assert!(
                error["error"]["fields"][field].is_string(),
                "{field} named in {error}"
            );
        }
        assert!(
            error["error"]["request_id"]
                .as_str()
                .is_some_and(|id| !id.is_empty())
        );
    }
    let login = app
        .login_attempt(
            "/api/admin/login",
            "acme",
            "owner@acme.test",
            OWNER_PASSWORD,
        )
        .await;
    assert_eq!(login.status(), 401, "no organization was created");
}
