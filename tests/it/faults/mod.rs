//! DESIGN.md's "Under faults", each rule against the real thing broken on loopback: a
//! private Redis killed and restored from an old snapshot, PostgreSQL behind a proxy that
//! is cut, the binary killed with mail in flight, and a flood of silent connections.

mod database_outage;
mod mail_crash;
mod redis_outage;
mod replicas;
mod session_revival;
mod slow_clients;

use atrium_common::testkit::faults::RedisServer;
use serde_json::Value;

use crate::support::app::TestApp;
use crate::support::app::free_port;

/// The keys of a test's own Redis that match `pattern`.
pub async fn redis_keys(redis: &RedisServer, pattern: &str) -> Vec<String> {
    let client = redis::Client::open(redis.url()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("KEYS")
        .arg(pattern)
        .query_async(&mut connection)
        .await
        .unwrap()
}

/// The session cache generation identity published in a test's own Redis.
pub async fn published_generation(redis: &RedisServer) -> i64 {
    let keys = redis_keys(redis, "*:identity:generation").await;
    let client = redis::Client::open(redis.url()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let value: String = redis::cmd("GET")
        .arg(&keys[0])
        .query_async(&mut connection)
        .await
        .unwrap();
    value.parse().unwrap()
}

/// `/readyz`'s status and body.
pub async fn readyz(app: &TestApp) -> (u16, Value) {
    let response = app.get("/readyz").await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

/// Waits (up to 10 s) until `/readyz` reports Redis as `state`.
pub async fn wait_for_redis(app: &TestApp, state: &str) {
    for _ in 0..100 {
        let (_, body) = readyz(app).await;
        if body["checks"]["redis"] == state {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("redis never reported {state}");
}

/// The real `atrium` binary, all in one process, on ports and a data dir of its own: it
/// can be killed (SIGKILL) and started again on the same data and ports.
pub struct Binary {
    pub base: String,
    env: Vec<(String, String)>,
    /// Runs the binary through `sh -c 'ulimit -n N && exec …'` when set.
    open_files: Option<u32>,
    child: Option<tokio::process::Child>,
}

impl Binary {
    /// The environment of a binary on fresh ports over `database` and `data_dir`, with
    /// the `acme` org and its owner bootstrapped; `extra` adds or overrides variables.
    pub fn new(
        database: &atrium_common::testkit::TestDatabase,
        data_dir: &std::path::Path,
        extra: &[(&str, String)],
    ) -> Binary {
        use secrecy::ExposeSecret;
        let gateway = free_port();
        let mut env: Vec<(String, String)> = vec![
            ("ATRIUM_LISTEN".into(), format!("127.0.0.1:{gateway}")),
            (
                "ATRIUM_SERVICE_TOKEN".into(),
                crate::support::app::SERVICE_TOKEN.into(),
            ),
            (
                "ATRIUM_JWT_SECRET".into(),
                "faults-binary-jwt-secret-0123456789abcdef".into(),
            ),
            ("ATRIUM_BOOTSTRAP_ORG".into(), "acme".into()),
            ("ATRIUM_BOOTSTRAP_EMAIL".into(), "owner@acme.test".into()),
            (
                "ATRIUM_BOOTSTRAP_PASSWORD".into(),
                crate::support::app::OWNER_PASSWORD.into(),
            ),
            ("RUST_LOG".into(), "warn".into()),
        ];
        for name in atrium_common::config::ServiceName::ALL {
            let upper = name.as_str().to_uppercase();
            env.push((
                format!("ATRIUM_{upper}_LISTEN"),
                format!("127.0.0.1:{}", free_port()),
            ));
        }
        match &database.target {
            atrium_common::config::DatabaseTarget::Postgres { url } => {
                env.push(("ATRIUM_DATABASE_URL".into(), url.expose_secret().to_owned()));
                env.push(("ATRIUM_DATA_DIR".into(), data_dir.display().to_string()));
            }
            atrium_common::config::DatabaseTarget::Sqlite { dir } => {
                env.push(("ATRIUM_DATA_DIR".into(), dir.display().to_string()))
            }
        }
        for (name, value) in extra {
            env.retain(|(n, _)| n != name);
            env.push(((*name).to_owned(), value.clone()));
        }
        Binary {
            base: format!("http://127.0.0.1:{gateway}"),
            env,
            open_files: None,
            child: None,
        }
    }

    /// Runs the binary under a limit of `count` open files.
    pub fn with_open_files(mut self, count: u32) -> Binary {
        self.open_files = Some(count);
        self
    }

    /// Starts it and waits (up to 60 s) for `/readyz` to answer 200.
    pub async fn start(&mut self) {
        let binary = env!("CARGO_BIN_EXE_atrium");
        let mut command = match self.open_files {
            Some(count) => {
                let mut command = tokio::process::Command::new("sh");
                command.args(["-c", &format!("ulimit -n {count} && exec \"$0\""), binary]);
                command
            }
            None => tokio::process::Command::new(binary),
        };
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .kill_on_drop(true);
        self.child = Some(command.spawn().expect("the atrium binary starts"));
        let http = crate::support::http::Http::new();
        for _ in 0..600 {
            let ready = http.get(format!("{}/readyz", self.base)).send().await;
            if ready.is_ok_and(|r| r.status() == 200) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the binary did not become ready");
    }

    /// Kills it with SIGKILL (nothing is drained or flushed) and waits until it is gone.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.expect("kill");
        }
    }

    /// Signs the bootstrap owner in; answers the bearer token.
    pub async fn staff_token(&self, http: &crate::support::http::Http) -> String {
        let answer = http
            .post(format!("{}/api/admin/login", self.base))
            .json(&serde_json::json!({
                "org": "acme", "email": "owner@acme.test", "password": crate::support::app::OWNER_PASSWORD,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "staff sign-in");
        let body: Value = answer.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }
}
