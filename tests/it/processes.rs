use std::process::Stdio;
use std::time::Duration;

use atrium_common::config::{DatabaseTarget, ServiceName};
use atrium_common::testkit::fresh_database;
use secrecy::ExposeSecret;
use tokio::process::{Child, Command};

use crate::support::app::SERVICE_TOKEN;
use crate::support::app::free_port;

struct Processes(Vec<(String, Child)>);

impl Processes {
    /// Sends SIGTERM to each and answers their exit codes.
    async fn terminate(mut self) -> Vec<(String, Option<i32>)> {
        let mut codes = Vec::new();
        for (name, child) in &mut self.0 {
            let pid = child.id().expect("running").to_string();
            let killed = std::process::Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap();
            assert!(killed.success());
            let status = tokio::time::timeout(Duration::from_secs(15), child.wait())
                .await
                .expect("exits")
                .unwrap();
            codes.push((name.clone(), status.code()));
        }
        codes
    }
}

#[tokio::test]
async fn six_separate_processes_serve_readiness_and_the_bootstrap_login() {
    let database = fresh_database().await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let ports: Vec<(ServiceName, u16)> = ServiceName::ALL
        .into_iter()
        .map(|name| (name, free_port()))
        .collect();
    let gateway_port = free_port();
    let mut common: Vec<(String, String)> = vec![
        ("ATRIUM_SERVICE_TOKEN".into(), SERVICE_TOKEN.into()),
        (
            "ATRIUM_JWT_SECRET".into(),
            "separate-processes-jwt-secret-0123456789".into(),
        ),
        ("ATRIUM_LISTEN".into(), format!("127.0.0.1:{gateway_port}")),
        ("ATRIUM_BOOTSTRAP_ORG".into(), "split".into()),
        ("ATRIUM_BOOTSTRAP_EMAIL".into(), "owner@split.test".into()),
        (
            "ATRIUM_BOOTSTRAP_PASSWORD".into(),
            "split owner password".into(),
        ),
        ("RUST_LOG".into(), "warn".into()),
    ];
    match &database.target {
        DatabaseTarget::Postgres { url } => {
            common.push(("ATRIUM_DATABASE_URL".into(), url.expose_secret().to_owned()));
            common.push((
                "ATRIUM_DATA_DIR".into(),
                data_dir.path().display().to_string(),
            ));
        }
        DatabaseTarget::Sqlite { dir } => {
            common.push(("ATRIUM_DATA_DIR".into(), dir.display().to_string()))
        }
    }
    for (name, port) in &ports {
        let upper = name.as_str().to_uppercase();
        common.push((
            format!("ATRIUM_{upper}_LISTEN"),
            format!("127.0.0.1:{port}"),
        ));
        common.push((
            format!("ATRIUM_{upper}_URL"),
            format!("http://127.0.0.1:{port}"),
        ));
    }
    let mut processes = Processes(Vec::new());
    for name in ServiceName::ALL
        .iter()
        .map(|s| s.as_str())
        .chain(["gateway"])
    {
        let child = Command::new(env!("CARGO_BIN_EXE_atrium"))
            .args(["serve", name])
            .envs(common.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        processes.0.push((name.to_owned(), child));
    }
    let base = format!("http://127.0.0.1:{gateway_port}");
    let http = crate::support::http::Http::new();

    let mut ready = false;
    for _ in 0..300 {
        if let Ok(response) = http.get(format!("{base}/readyz")).send().await
            && response.status() == 200
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the six processes became ready");
    let login = http
        .post(format!("{base}/api/admin/login"))
        .json(&serde_json::json!({ "org": "split", "email": "owner@split.test", "password": "split owner password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let token = login.json::<serde_json::Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = http
        .get(format!("{base}/api/admin/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);

    let probe = |url: String| async move {
        Command::new(env!("CARGO_BIN_EXE_atrium"))
            .args(["healthcheck", &url])
            .output()
            .await
            .unwrap()
            .status
            .success()
    };
    assert!(
        probe(format!("{base}/readyz")).await,
        "healthcheck of the gateway"
    );
    for (name, port) in &ports {
        assert!(
            probe(format!("grpc://127.0.0.1:{port}")).await,
            "healthcheck of {name}"
        );
    }
    assert!(
        !probe(format!("grpc://127.0.0.1:{}", free_port())).await,
        "a closed port is unhealthy"
    );

    for (name, code) in processes.terminate().await {
        assert_eq!(code, Some(0), "{name} exits 0 on SIGTERM");
    }
}

#[tokio::test]
async fn a_component_refuses_to_run_alone_without_the_shared_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let run = |token: Option<&str>, jwt: Option<&str>, component: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_atrium"));
        command
            .args(["serve", component])
            .env("ATRIUM_DATA_DIR", dir.path());
        command
            .env_remove("ATRIUM_SERVICE_TOKEN")
            .env_remove("ATRIUM_JWT_SECRET");
        if let Some(token) = token {
            command.env("ATRIUM_SERVICE_TOKEN", token);
        }
        if let Some(jwt) = jwt {
            command.env("ATRIUM_JWT_SECRET", jwt);
        }
        command.output()
    };

    let no_token = run(None, Some("j".repeat(40).as_str()), "gateway")
        .await
        .unwrap();
    let no_jwt = run(Some(SERVICE_TOKEN), None, "gateway").await.unwrap();
    let short_token = run(Some("short"), None, "portal").await.unwrap();

    assert!(!no_token.status.success());
    assert!(String::from_utf8_lossy(&no_token.stderr).contains("ATRIUM_SERVICE_TOKEN"));
    assert!(!no_jwt.status.success());
    assert!(String::from_utf8_lossy(&no_jwt.stderr).contains("ATRIUM_JWT_SECRET"));
    assert!(!short_token.status.success());
    assert!(String::from_utf8_lossy(&short_token.stderr).contains("at least 32 bytes"));
}
