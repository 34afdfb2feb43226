use secrecy::SecretString;
use serde_json::json;

use crate::helpers::{TestApp, error_code};

const FIRST_PASSWORD: &str = "bootstrap password one";

fn bootstrap(password: &'static str) -> impl FnOnce(&mut atrium_common::config::Env) {
    move |env| {
        env.bootstrap_org = Some("boot".into());
        env.bootstrap_email = Some("Admin@Boot.test".into());
        env.bootstrap_password = Some(SecretString::from(password));
    }
}

#[tokio::test]
async fn bootstrap_creates_the_org_and_owner_once_whatever_later_starts_say() {
    let first = TestApp::start_with(bootstrap(FIRST_PASSWORD)).await;
    first
        .staff_login("boot", "admin@boot.test", FIRST_PASSWORD)
        .await;
    let (database, data_dir) = first.stop_keeping_data().await;

    let second = TestApp::start_on(database, data_dir, bootstrap("another password 2")).await;

    second
        .staff_login("boot", "admin@boot.test", FIRST_PASSWORD)
        .await;
    let changed = second
        .post_json(
            "/api/admin/login",
            &json!({ "org": "boot", "email": "admin@boot.test", "password": "another password 2" }),
        )
        .await;
    assert_eq!(error_code(changed).await.1, "INVALID_CREDENTIALS");
}

#[tokio::test]
async fn a_bootstrap_org_with_a_bad_slug_stops_the_start_with_a_clear_error() {
    let database = atrium_common::testkit::fresh_database().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut env = crate::helpers::test_env(&database, dir.path());
    bootstrap(FIRST_PASSWORD)(&mut env);
    env.bootstrap_org = Some("Bad Slug".into());
    let settings = atrium_common::config::Settings::resolve(env).unwrap();

    let result = atrium::start_all(
        settings,
        atrium_common::clock::Clock::system(),
        Default::default(),
        None,
    )
    .await;

    let err = result.err().expect("start refused");
    assert!(format!("{err:#}").contains("slug"), "{err:#}");
}
