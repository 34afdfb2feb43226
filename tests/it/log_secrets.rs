//! No token, cookie or password ever reaches the log or a trace: the real binary runs
//! every flow that handles one (sign-ins, invitations, recovery, password changes,
//! refresh, and share links sent, opened, renewed and asked for again) with our crates at
//! debug level and its traces exported to an OTLP receiver on loopback, and its whole
//! output, every span it exported and the staff's outbox listing are searched for each
//! secret it saw.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};

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

/// An OTLP trace receiver on loopback: every export it got, as text.
#[derive(Clone, Default)]
struct Traces(Arc<Mutex<Vec<String>>>);

#[tonic::async_trait]
impl TraceService for Traces {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let text = format!("{:?}", request.get_ref());
        self.0.lock().unwrap().push(text);
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        }))
    }
}

impl Traces {
    /// Serves on a free loopback port; answers the endpoint.
    async fn start(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let service = TraceServiceServer::new(self.clone());
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
        );
        endpoint
    }
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

    /// Waits for the next mail and answers its text.
    async fn next_mail(&mut self) -> String {
        self.mails += 1;
        let mails = self
            .smtp
            .wait_for_messages(self.mails, Duration::from_secs(20))
            .await
            .expect("mail");
        mails[self.mails - 1].parts().0
    }

    /// Waits for the next mail and answers the token after `marker` in its first line
    /// that has one, remembered as a secret (with every other such token of the mail).
    async fn token_after(&mut self, marker: &str) -> String {
        let text = self.next_mail().await;
        let tokens: Vec<String> = text
            .lines()
            .filter_map(|line| line.trim().split_once(marker).map(|(_, t)| t.to_owned()))
            .collect();
        self.secrets.extend(tokens.iter().cloned());
        tokens
            .first()
            .cloned()
            .unwrap_or_else(|| panic!("no {marker} in:\n{text}"))
    }

    /// Waits for the next mail and answers the token of its link, remembered as a secret.
    async fn link_token(&mut self) -> String {
        self.token_after("?token=").await
    }

    async fn staff_call(
        &self,
        method: reqwest::Method,
        path: &str,
        staff: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(staff);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let (status, body, _) = self.send(request).await;
        (status, body)
    }

    /// A GET as a browser makes it (link pages are HTML, outside the API document).
    async fn get(&self, path: &str) -> u16 {
        let url = format!("{}{path}", self.base);
        let response = crate::pages::browser().get(url).send().await.unwrap();
        response.status().as_u16()
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
    let traces = Traces::default();
    let otlp = traces.start().await;
    let mut command = Command::new(env!("CARGO_BIN_EXE_atrium"));
    command
        .env("ATRIUM_LISTEN", format!("127.0.0.1:{port}"))
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &otlp)
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

    share_links(&mut client, &owner).await;

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
    let exported = traces.0.lock().unwrap().join("\n");
    assert!(
        exported.contains("/api/links/{token}"),
        "the link requests were traced (by their route, never their path)"
    );
    for secret in &client.secrets {
        assert!(!log.contains(secret.as_str()), "{secret:?} is in the log");
        assert!(
            !exported.contains(secret.as_str()),
            "{secret:?} is in a trace"
        );
    }
}

/// Share links: an invoice sent to Ann, opened as JSON and as the page, downloaded,
/// renewed, ended, asked portal access and access by email; each token a secret.
async fn share_links(client: &mut Client, owner: &str) {
    use reqwest::Method;
    let (status, found) = client
        .staff_call(Method::GET, "/api/admin/customers?q=ann", owner, None)
        .await;
    assert_eq!(status, 200);
    let ann = found["items"][0]["id"].as_str().unwrap().to_owned();
    let invoice = json!({
        "customer_id": ann,
        "currency": "EUR",
        "lines": [{"description": "Design", "quantity": "1", "unit_price_minor": 1000, "tax_rate": "19"}],
    });
    let (status, draft) = client
        .staff_call(Method::POST, "/api/admin/invoices", owner, Some(invoice))
        .await;
    assert_eq!(status, 201, "{draft}");
    let id = draft["id"].as_str().unwrap().to_owned();
    let issue = format!("/api/admin/invoices/{id}/issue");
    assert_eq!(
        client.staff_call(Method::POST, &issue, owner, None).await.0,
        200
    );
    client.next_mail().await; // invoice_issued
    let send = format!("/api/admin/invoices/{id}/send");
    assert_eq!(
        client.staff_call(Method::POST, &send, owner, None).await.0,
        202
    );
    let token = client.token_after("/i/").await;
    for path in [
        format!("/api/links/{token}"),
        format!("/i/{token}"),
        format!("/api/links/{token}/download"),
    ] {
        assert_eq!(client.get(&path).await, 200, "{path}");
    }
    assert_eq!(
        client
            .post(&format!("/api/links/{token}/renew"), json!({}))
            .await
            .0,
        202
    );
    let renewed = client.token_after("/i/").await;
    assert_eq!(
        client
            .post(&format!("/api/links/{token}/end"), json!({}))
            .await
            .0,
        204
    );
    assert_eq!(client.get(&format!("/i/{token}")).await, 422);
    let asked = format!("/api/links/{renewed}/portal-access");
    assert_eq!(client.post(&asked, json!({})).await.0, 202);
    client.link_token().await; // the reset link
    let access = json!({"org": "acme", "email": "ann@customer.test"});
    assert_eq!(
        client.post("/api/links/request-access", access).await.0,
        202
    );
    client.token_after("/i/").await;
    let (status, outbox) = client
        .staff_call(Method::GET, "/api/admin/outbox", owner, None)
        .await;
    assert_eq!(status, 200);
    let listed = outbox.to_string();
    for secret in &client.secrets {
        assert!(
            !listed.contains(secret.as_str()),
            "{secret:?} is in the outbox listing"
        );
    }
}
