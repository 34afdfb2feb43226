use secrecy::SecretString;

use crate::support::app::{TestApp, error_code};

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
        .login_attempt(
            "/api/admin/login",
            "boot",
            "admin@boot.test",
            "another password 2",
        )
        .await;
    assert_eq!(error_code(changed).await.1, "INVALID_CREDENTIALS");
}

#[tokio::test]
async fn a_bootstrap_org_with_a_bad_slug_stops_the_start_with_a_clear_error() {
    let database = atrium_common::testkit::fresh_database().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut env = crate::support::app::test_env(&database, dir.path());
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

#[tokio::test]
async fn the_bootstrap_subcommand_is_idempotent_and_its_owner_can_sign_in() {
    let database = atrium_common::testkit::fresh_database().await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let location = match &database.target {
        atrium_common::config::DatabaseTarget::Postgres { url } => (
            "ATRIUM_DATABASE_URL",
            secrecy::ExposeSecret::expose_secret(url).to_owned(),
        ),
        atrium_common::config::DatabaseTarget::Sqlite { dir } => {
            ("ATRIUM_DATA_DIR", dir.display().to_string())
        }
    };
    let run = |password: &'static str| {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_atrium"))
            .arg("bootstrap")
            .env(location.0, &location.1)
            .env(
                "ATRIUM_DATA_DIR",
                match location.0 {
                    "ATRIUM_DATA_DIR" => location.1.clone(),
                    _ => data_dir.path().display().to_string(),
                },
            )
            .env("ATRIUM_BOOTSTRAP_ORG", "boot")
            .env("ATRIUM_BOOTSTRAP_EMAIL", "admin@boot.test")
            .env("ATRIUM_BOOTSTRAP_PASSWORD", password)
            .env("RUST_LOG", "warn")
            .output()
    };

    let first = run(FIRST_PASSWORD).await.unwrap();
    let second = run("another password 2").await.unwrap();
    let incomplete = tokio::process::Command::new(env!("CARGO_BIN_EXE_atrium"))
        .arg("bootstrap")
        .env("ATRIUM_DATA_DIR", data_dir.path())
        .env_remove("ATRIUM_BOOTSTRAP_ORG")
        .output()
        .await
        .unwrap();

    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(!incomplete.status.success());
    assert!(String::from_utf8_lossy(&incomplete.stderr).contains("ATRIUM_BOOTSTRAP_ORG"));
    let app = TestApp::start_on(database, data_dir, |_| {}).await;
    app.staff_login("boot", "admin@boot.test", FIRST_PASSWORD)
        .await;
}
