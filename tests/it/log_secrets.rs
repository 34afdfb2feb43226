//! No token, cookie or password ever reaches the log: the real binary runs every identity
//! flow that handles one (sign-ins, invitations, recovery, password changes, refresh) with
//! our crates at debug level, and its whole output is searched for each secret it saw.

use std::process::Stdio;
use std::time::Duration;

use crate::support::app::free_port;
use atrium_common::config::DatabaseTarget;
use atrium_common::testkit::fresh_database;
use atrium_common::testkit::smtp::SmtpServer;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;
use tokio::process::Command;

const OWNER_PASSWORD: &str = "bootstrap owner password";

struct Client {
    http: crate::support::http::Http,
    base: String,
    smtp: SmtpServer,
    mails: usize,
    /// Every secret the flows handled.
    secrets: Vec<String>,
}

impl Client {
    async fn send(&self, request: crate::support::http::Builder) -> (u16, Value, Option<String>) {
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let cookie = response
            .headers()
            .get("set-cookie")
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body, cookie)
    }

    async fn post(&mut self, path: &str, body: Value) -> (u16, Value, Option<String>) {
        let request = self.http.post(format!("{}{path}", self.base)).json(&body);
        self.send(request).await
    }

    /// Waits for the next mail and answers the token of its link, remembered as a secret.
    async fn link_token(&mut self) -> String {
        self.mails += 1;
        let mails = self
            .smtp
            .wait_for_messages(self.mails, Duration::from_secs(20))
            .await
            .expect("mail");
        let (text, _) = mails[self.mails - 1].parts();
        let token = text
            .lines()
            .find_map(|line| line.trim().split_once("?token=").map(|(_, t)| t.to_owned()))
            .expect("a link");
        self.secrets.push(token.clone());
        token
    }

    /// Asks for a reset link of `email` under `tier` (`admin` or `customer`) and sets
    /// `password` with it, remembering both secrets.
    async fn recover(&mut self, tier: &str, email: &str, password: &str) {
        let forgot = json!({ "org": "acme", "email": email });
        let (status, _, _) = self
            .post(&format!("/api/{tier}/password/forgot"), forgot)
            .await;
        assert_eq!(status, 202);
        let token = self.link_token().await;
        self.remember(password);
        let reset = json!({ "token": token, "password": password });
        let (status, _, _) = self
            .post(&format!("/api/{tier}/password/reset"), reset)
            .await;
        assert_eq!(status, 204);
    }

    fn remember(&mut self, secret: impl Into<String>) {
        self.secrets.push(secret.into());
    }
}

#[tokio::test]
async fn no_token_cookie_or_password_reaches_the_log() {
    let database = fresh_database().await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start().await.unwrap();
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_atrium"));
    command
        .env("ATRIUM_LISTEN", format!("127.0.0.1:{port}"))
        .env("ATRIUM_SMTP_URL", smtp.url())
        .env("ATRIUM_BOOTSTRAP_ORG", "acme")
        .env("ATRIUM_BOOTSTRAP_EMAIL", "owner@acme.test")
        .env("ATRIUM_BOOTSTRAP_PASSWORD", OWNER_PASSWORD)
        .env(
            "RUST_LOG",
            "info,atrium=debug,atrium_gateway=debug,atrium_identity=debug,\
             atrium_notifier=debug,atrium_common=debug",
        );
    for name in ["identity", "portal", "documents", "billing", "notifier"] {
        let upper = name.to_uppercase();
        let service_port = free_port();
        command
            .env(
                format!("ATRIUM_{upper}_LISTEN"),
                format!("127.0.0.1:{service_port}"),
            )
            .env(
                format!("ATRIUM_{upper}_URL"),
                format!("http://127.0.0.1:{service_port}"),
            );
    }
    match &database.target {
        DatabaseTarget::Postgres { url } => {
            command
                .env("ATRIUM_DATABASE_URL", url.expose_secret())
                .env("ATRIUM_DATA_DIR", data_dir.path());
        }
        DatabaseTarget::Sqlite { dir } => {
            command.env("ATRIUM_DATA_DIR", dir);
        }
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = tokio::spawn(async move {
        let mut text = String::new();
        stdout.read_to_string(&mut text).await.unwrap();
        text
    });
    let err = tokio::spawn(async move {
        let mut text = String::new();
        stderr.read_to_string(&mut text).await.unwrap();
        text
    });

    let mut client = Client {
        http: crate::support::http::Http::new(),
        base: format!("http://127.0.0.1:{port}"),
        smtp,
        mails: 0,
        secrets: vec![OWNER_PASSWORD.into()],
    };
    let mut ready = false;
    for _ in 0..300 {
        if let Ok(Some(exit)) = child.try_wait() {
            panic!(
                "atrium exited before it was ready ({exit}): {}",
                err.await.unwrap()
            );
        }
        if let Ok(response) = client
            .http
            .get(format!("{}/readyz", client.base))
            .send()
            .await
            && response.status() == 200
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "atrium became ready");

    // Staff: a failed and a good sign-in, a refresh, a staff invitation and recovery.
    let wrong = "a wrong password guess";
    client.remember(wrong);
    let (status, _, _) = client
        .post(
            "/api/admin/login",
            json!({ "org": "acme", "email": "owner@acme.test", "password": wrong }),
        )
        .await;
    assert_eq!(status, 401);
    let (status, body, _) = client
        .post(
            "/api/admin/login",
            json!({ "org": "acme", "email": "owner@acme.test", "password": OWNER_PASSWORD }),
        )
        .await;
    assert_eq!(status, 200);
    let owner = body["access_token"].as_str().unwrap().to_owned();
    client.remember(&owner);
    let refresh = client
        .http
        .post(format!("{}/api/admin/token/refresh", client.base))
        .bearer_auth(&owner);
    let (status, body, _) = client.send(refresh).await;
    assert_eq!(status, 200);
    client.remember(body["access_token"].as_str().unwrap());
    let invite = client
        .http
        .post(format!("{}/api/admin/staff", client.base))
        .bearer_auth(&owner)
        .json(&json!({ "email": "ed@acme.test", "role": "editor" }));
    assert_eq!(client.send(invite).await.0, 201);
    let token = client.link_token().await;
    let staff_password = "the editor's own passphrase";
    client.remember(staff_password);
    let (status, body, _) = client
        .post(
            "/api/admin/invitations/accept",
            json!({ "token": token, "password": staff_password }),
        )
        .await;
    assert_eq!(status, 200);
    client.remember(body["access_token"].as_str().unwrap());
    let reset_password = "the editor's second passphrase";
    client
        .recover("admin", "ed@acme.test", reset_password)
        .await;

    // Customers: invitation preview and accept, the cookie and CSRF token, recovery,
    // a password change.
    let invite = client
        .http
        .post(format!("{}/api/admin/customers/invitations", client.base))
        .bearer_auth(&owner)
        .json(&json!({ "email": "ann@customer.test" }));
    assert_eq!(client.send(invite).await.0, 201);
    let token = client.link_token().await;
    let preview = client.http.get(format!(
        "{}/api/customer/invitations/preview?token={token}",
        client.base
    ));
    assert_eq!(client.send(preview).await.0, 200);
    let customer_password = "ann's own long passphrase";
    client.remember(customer_password);
    let (status, body, cookie) = client
        .post(
            "/api/customer/invitations/accept",
            json!({ "token": token, "password": customer_password }),
        )
        .await;
    assert_eq!(status, 200);
    let cookie = cookie.expect("a session cookie");
    let csrf = body["csrf_token"].as_str().unwrap().to_owned();
    client.remember(cookie.split_once('=').unwrap().1);
    client.remember(&csrf);
    let me = client
        .http
        .get(format!("{}/api/customer/me", client.base))
        .header("cookie", &cookie);
    assert_eq!(client.send(me).await.0, 200);
    let new_password = "ann's changed passphrase";
    client.remember(new_password);
    let change = client
        .http
        .post(format!("{}/api/customer/password/change", client.base))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&json!({ "current_password": customer_password, "new_password": new_password }));
    let (status, body, cookie) = client.send(change).await;
    assert_eq!(status, 200);
    client.remember(cookie.unwrap().split_once('=').unwrap().1);
    client.remember(body["csrf_token"].as_str().unwrap());
    let last_password = "ann's third passphrase";
    client
        .recover("customer", "ann@customer.test", last_password)
        .await;
    let (status, _, cookie) = client
        .post(
            "/api/customer/login",
            json!({ "org": "acme", "email": "ann@customer.test", "password": last_password }),
        )
        .await;
    assert_eq!(status, 200);
    client.remember(cookie.unwrap().split_once('=').unwrap().1);

    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    tokio::time::timeout(Duration::from_secs(15), child.wait())
        .await
        .expect("exits")
        .unwrap();
    let log = format!("{}{}", out.await.unwrap(), err.await.unwrap());
    assert!(
        log.contains("customer invited") && log.lines().count() > 10,
        "the log was captured at debug level:\n{log}"
    );
    for secret in &client.secrets {
        assert!(!log.contains(secret.as_str()), "{secret:?} is in the log");
    }
}
