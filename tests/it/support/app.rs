//! The harness: a whole Atrium on port 0 with a fresh database, and an HTTP client.

use std::net::SocketAddr;

use atrium::Stack;
use atrium_common::clock::Clock;
use atrium_common::config::{DatabaseTarget, Env, ServiceName, Settings};
use atrium_common::db::Db;
use atrium_common::grpc::{ServiceChannel, channel};
use atrium_common::limits::LimitStore;
use atrium_common::shutdown::Shutdown;
use atrium_common::testkit::{self, TestDatabase};
use secrecy::SecretString;
use serde_json::Value;

pub const SERVICE_TOKEN: &str = "test-service-token-0123456789abcdef";
pub const PLATFORM_TOKEN: &str = "test-platform-token-0123456789abcdef";
pub const OWNER_PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub base: String,
    pub http: crate::support::http::Http,
    pub stack: Option<Stack>,
    pub clock: Clock,
    pub data_dir: tempfile::TempDir,
    pub database: TestDatabase,
}

/// Settings for a whole stack on port 0 over `database`, with `data_dir` for secrets.
pub fn test_env(database: &TestDatabase, data_dir: &std::path::Path) -> Env {
    let any_port = || Some("127.0.0.1:0".to_owned());
    let (data_dir, database_url) = match &database.target {
        DatabaseTarget::Sqlite { dir } => (dir.clone(), None),
        DatabaseTarget::Postgres { url } => (data_dir.to_owned(), Some(url.clone())),
    };
    Env {
        listen: any_port(),
        data_dir: Some(data_dir),
        database_url,
        database_pool_size: database.is_postgres().then_some(testkit::TEST_POOL_SIZE),
        identity_listen: any_port(),
        portal_listen: any_port(),
        documents_listen: any_port(),
        billing_listen: any_port(),
        notifier_listen: any_port(),
        service_token: Some(SecretString::from(SERVICE_TOKEN)),
        platform_token: Some(SecretString::from(PLATFORM_TOKEN)),
        ..Env::default()
    }
}

impl TestApp {
    pub async fn start() -> TestApp {
        TestApp::start_with(|_| {}).await
    }

    /// Starts a stack on a fresh database after `configure` adjusts its environment.
    pub async fn start_with(configure: impl FnOnce(&mut Env)) -> TestApp {
        testkit::init_test_tracing();
        let database = testkit::fresh_database().await.expect("fresh database");
        let data_dir = tempfile::tempdir().expect("temp dir");
        TestApp::start_on(database, data_dir, configure).await
    }

    /// Starts a stack on a fresh database whose rate limits and session cache live in the
    /// Redis at `redis_url` (a test's own, that it may break).
    pub async fn start_with_redis(redis_url: &str, configure: impl FnOnce(&mut Env)) -> TestApp {
        testkit::init_test_tracing();
        let database = testkit::fresh_database().await.expect("fresh database");
        let data_dir = tempfile::tempdir().expect("temp dir");
        let prefix = testkit::random_prefix();
        TestApp::start_on_store(database, data_dir, configure, Some((redis_url, &prefix))).await
    }

    /// Starts a stack on `database` (one reached through a proxy, say).
    pub async fn start_on_database(
        database: TestDatabase,
        configure: impl FnOnce(&mut Env),
    ) -> TestApp {
        testkit::init_test_tracing();
        let data_dir = tempfile::tempdir().expect("temp dir");
        TestApp::start_on_store(database, data_dir, configure, None).await
    }

    /// Starts a stack on an existing database and data dir (a restart).
    pub async fn start_on(
        database: TestDatabase,
        data_dir: tempfile::TempDir,
        configure: impl FnOnce(&mut Env),
    ) -> TestApp {
        TestApp::start_on_store(database, data_dir, configure, None).await
    }

    /// Starts a stack on `database` and `data_dir` with its limits and session cache in
    /// the Redis at `redis.0` under the key prefix `redis.1` (two stacks given the same
    /// ones share them, as replicas do), or else in the test's usual store.
    pub async fn start_on_store(
        database: TestDatabase,
        data_dir: tempfile::TempDir,
        configure: impl FnOnce(&mut Env),
        redis: Option<(&str, &str)>,
    ) -> TestApp {
        let mut env = test_env(&database, data_dir.path());
        configure(&mut env);
        let settings = Settings::resolve(env).expect("settings");
        let clock = testkit::manual_clock();
        let limits = match redis {
            Some((url, prefix)) => LimitStore::redis(url, prefix, clock.clone()).await,
            None => testkit::limit_store(clock.clone()).await,
        }
        .expect("limit store");
        let stack = atrium::start_all(settings, clock.clone(), Shutdown::new(), Some(limits))
            .await
            .expect("stack starts");
        let base = format!("http://{}", stack.gateway.expect("gateway"));
        TestApp {
            base,
            http: crate::support::http::Http::new(),
            stack: Some(stack),
            clock,
            data_dir,
            database,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn service_addr(&self, name: ServiceName) -> SocketAddr {
        self.stack
            .as_ref()
            .and_then(|s| s.service_addr(name))
            .expect("service address")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("request")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// Posts `body` to `path` from `n` clients at once and answers every response.
    pub async fn race(&self, n: usize, path: &str, body: &Value) -> Vec<reqwest::Response> {
        let racers: Vec<_> = (0..n)
            .map(|_| {
                let (http, url, body) = (self.http.clone(), self.url(path), body.clone());
                tokio::spawn(
                    async move { http.post(url).json(&body).send().await.expect("request") },
                )
            })
            .collect();
        let mut answers = Vec::with_capacity(n);
        for racer in racers {
            answers.push(racer.await.expect("racer"));
        }
        answers
    }

    /// Posts a one-time token with a password (a reset, an accepted invitation).
    pub async fn post_token(&self, path: &str, token: &str, password: &str) -> reqwest::Response {
        let body = serde_json::json!({ "token": token, "password": password });
        self.post_json(path, &body).await
    }

    /// Posts a sign-in, whatever it answers.
    pub async fn login_attempt(
        &self,
        path: &str,
        org: &str,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let body = serde_json::json!({ "org": org, "email": email, "password": password });
        self.post_json(path, &body).await
    }

    pub async fn create_org(&self, slug: &str, email: &str) -> Value {
        let response = self
            .http
            .post(self.url("/api/platform/orgs"))
            .bearer_auth(PLATFORM_TOKEN)
            .json(&serde_json::json!({
                "slug": slug, "name": format!("{slug} Ltd"), "owner_email": email, "owner_password": OWNER_PASSWORD,
            }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 201, "onboarding {slug}");
        response.json().await.expect("json")
    }

    /// Signs a staff member in and answers the access token.
    pub async fn staff_login(&self, org: &str, email: &str, password: &str) -> String {
        let response = self
            .post_json(
                "/api/admin/login",
                &serde_json::json!({ "org": org, "email": email, "password": password }),
            )
            .await;
        assert_eq!(response.status(), 200, "staff login");
        let body: Value = response.json().await.expect("json");
        body["access_token"].as_str().expect("token").to_owned()
    }

    /// A service-token channel to one of the stack's services (as another service calls it).
    pub fn service_channel(&self, name: ServiceName) -> ServiceChannel {
        let url = format!("http://{}", self.service_addr(name));
        channel(&url, &SecretString::from(SERVICE_TOKEN)).expect("channel")
    }

    /// A request with the staff bearer `token` and, if given, a JSON body.
    pub async fn staff_call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let mut request = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("request")
    }

    /// A staff GET that must answer 200; answers its JSON body.
    pub async fn staff_get_ok(&self, path: &str, token: &str) -> Value {
        let response = self
            .staff_call(reqwest::Method::GET, path, token, None)
            .await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("json")
    }

    /// Onboards an org with an SMTP-less stack's owner signed in: (org id, owner id, token).
    pub async fn org_with_owner(&self, slug: &str) -> (String, String, String) {
        let email = format!("owner@{slug}.test");
        let body = self.create_org(slug, &email).await;
        let token = self.staff_login(slug, &email, OWNER_PASSWORD).await;
        (
            body["org"]["id"].as_str().expect("org id").to_owned(),
            body["owner"]["id"].as_str().expect("owner id").to_owned(),
            token,
        )
    }

    /// Triggers shutdown and waits for every part to stop cleanly.
    pub async fn stop(self) {
        self.stop_keeping_data().await;
    }

    /// Stops cleanly and hands back the database and data dir for a restart.
    pub async fn stop_keeping_data(mut self) -> (TestDatabase, tempfile::TempDir) {
        let stack = self.stack.take().expect("running");
        stack.shutdown().trigger();
        stack.wait().await.expect("clean stop");
        let database = std::mem::replace(&mut self.database, TestDatabase::none());
        let data_dir =
            std::mem::replace(&mut self.data_dir, tempfile::tempdir().expect("temp dir"));
        (database, data_dir)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stack) = &self.stack {
            stack.shutdown().trigger();
        }
    }
}

/// The `name=value` pair of the cookie an answer sets.
pub fn cookie_of(response: &reqwest::Response) -> String {
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .expect("an answer that sets a cookie")
        .to_str()
        .unwrap();
    set_cookie.split(';').next().unwrap().to_owned()
}

/// A port nothing listens on right now, for a child process to bind later.
///
/// Taken below the kernel's ephemeral range (32768 and up on Linux), so the
/// outgoing connections of the other tests running meanwhile cannot take it
/// between this check and the child's bind; a counter keeps two calls in
/// this process apart, the process id keeps two test binaries apart.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    const FIRST: u16 = 20_000;
    const SPAN: u16 = 12_000;
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let start = (std::process::id() % u32::from(SPAN)) as u16;
    for _ in 0..SPAN {
        let step = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = FIRST + (start.wrapping_add(step) % SPAN);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port between {FIRST} and {}", FIRST + SPAN)
}

/// Asserts that exactly one of `answers` is `won` and every other is `lost`.
pub fn assert_one_winner(answers: &[reqwest::Response], won: u16, lost: u16) {
    let statuses: Vec<u16> = answers.iter().map(|a| a.status().as_u16()).collect();
    let winners = statuses.iter().filter(|s| **s == won).count();
    assert_eq!(winners, 1, "{statuses:?}");
    let expected = statuses.iter().all(|s| *s == won || *s == lost);
    assert!(expected, "{statuses:?}");
}

/// Returns the `error.code` of an error answer.
pub async fn error_code(response: reqwest::Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("error body is json");
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (status, code, body)
}

/// Opens identity's database the way the identity service does (the stack is stopped,
/// or running beside it: SQLite WAL and PostgreSQL both allow that).
pub async fn identity_db(database: &TestDatabase, data_dir: &std::path::Path) -> Db {
    service_db(database, data_dir, ServiceName::Identity).await
}

/// Opens one service's database the way that service does.
pub async fn service_db(
    database: &TestDatabase,
    data_dir: &std::path::Path,
    service: ServiceName,
) -> Db {
    let settings = Settings::resolve(test_env(database, data_dir)).expect("settings");
    let migrations = match service {
        ServiceName::Identity => &atrium_identity::MIGRATIONS,
        ServiceName::Portal => &atrium_portal::MIGRATIONS,
        ServiceName::Notifier => &atrium_notifier::MIGRATIONS,
        ServiceName::Documents => &atrium_documents::MIGRATIONS,
        ServiceName::Billing => &atrium_billing::MIGRATIONS,
    };
    Db::open(&settings.database, service, migrations)
        .await
        .unwrap_or_else(|err| panic!("{service} database: {err:#}"))
}

async fn count(db: &Db, statement: &'static str) -> i64 {
    atrium_common::on_db!(db, |pool| {
        sqlx::query_scalar::<_, i64>(statement)
            .fetch_one(pool)
            .await
    })
    .expect("count")
}

impl TestApp {
    /// Waits for the deterministic point after which nothing more goes out: every
    /// service's outbox is relayed and the notifier holds no mail still to send. An
    /// absence ("one mail, not two") is asserted after this, never after a sleep.
    pub async fn settled(&self) {
        let dbs = [
            (ServiceName::Identity, "select count(*) from outbox"),
            (ServiceName::Portal, "select count(*) from outbox"),
            (ServiceName::Documents, "select count(*) from outbox"),
            (ServiceName::Billing, "select count(*) from outbox"),
            (
                ServiceName::Notifier,
                "select count(*) from email where status = 'queued'",
            ),
        ];
        let mut open = Vec::new();
        for (service, statement) in dbs {
            open.push((
                service_db(&self.database, self.data_dir.path(), service).await,
                statement,
            ));
        }
        for _ in 0..400 {
            let mut pending = 0;
            for (db, statement) in &open {
                pending += count(db, statement).await;
            }
            if pending == 0 {
                for (db, _) in open {
                    db.close().await;
                }
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("the outboxes and the mail queue did not empty in 10 s");
    }
}

/// Gives a staff member another role behind identity's back, as a later demotion would.
pub async fn set_staff_role(app: &TestApp, staff_id: &str, role: &str) {
    let db = identity_db(&app.database, app.data_dir.path()).await;
    let id = uuid::Uuid::parse_str(staff_id).expect("staff id");
    let changed = atrium_common::on_db!(&db, |pool| {
        sqlx::query("update staff set role = $1 where staff_id = $2")
            .bind(role)
            .bind(id)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
    })
    .expect("update role");
    assert_eq!(changed, 1);
    db.close().await;
}
