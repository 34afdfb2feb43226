//! Staff managing customers through the gateway: search and view, the lock-out actions
//! (each ends an existing session on its very next request), and the customer's own
//! password recovery (single-use, 60-minute links that end every session).

use std::time::Duration;

use atrium_common::testkit::smtp::{ReceivedMail, SmtpServer};
use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::customer_invitation::{Customer, customer_call};
use crate::support::app::{TestApp, assert_one_winner, error_code, set_staff_role};

const PUBLIC_URL: &str = "https://portal.acme.test";
pub const PASSWORD: &str = "a long customer passphrase";
const NEW_PASSWORD: &str = "another long passphrase";

pub struct World {
    pub app: TestApp,
    pub smtp: SmtpServer,
    pub staff: String,
    pub staff_id: String,
}

impl World {
    pub async fn start() -> World {
        World::start_on(None).await
    }

    /// A world whose rate limits and session cache live in the Redis at `redis_url`.
    pub async fn start_on(redis_url: Option<&str>) -> World {
        let smtp = SmtpServer::start().await.expect("smtp");
        let configure = configure(&smtp);
        let app = match redis_url {
            Some(redis_url) => TestApp::start_with_redis(redis_url, configure).await,
            None => TestApp::start_with(configure).await,
        };
        World::on(app, smtp).await
    }

    /// A world on `database` (one reached through a proxy, say).
    pub async fn start_on_database(database: atrium_common::testkit::TestDatabase) -> World {
        let smtp = SmtpServer::start().await.expect("smtp");
        let app = TestApp::start_on_database(database, configure(&smtp)).await;
        World::on(app, smtp).await
    }

    /// A world on a stack of the caller's, whose mail goes to `smtp`.
    pub async fn on(app: TestApp, smtp: SmtpServer) -> World {
        let (_, staff_id, staff) = app.org_with_owner("acme").await;
        World {
            app,
            smtp,
            staff,
            staff_id,
        }
    }

    /// Waits for the `n`th mail (1-based) and answers it.
    pub async fn mail(&self, n: usize) -> ReceivedMail {
        let mails = self
            .smtp
            .wait_for_messages(n, Duration::from_secs(15))
            .await
            .expect("mail");
        mails[n - 1].clone()
    }

    /// Invites and signs in a customer; answers them and their id.
    pub async fn customer(
        &self,
        email: &str,
        name: &str,
        company: &str,
        n: usize,
    ) -> (Customer, String) {
        let body = json!({ "email": email, "name": name, "company": company });
        let invited = self
            .staff(
                Method::POST,
                "/api/admin/customers/invitations",
                Some(&body),
            )
            .await;
        assert_eq!(invited.status(), 201);
        self.mail(n).await;
        let token = link_token(
            &self.mail_to(email, "/customer/accept-invitation").await,
            "/customer/accept-invitation",
        );
        let response = self
            .app
            .post_token("/api/customer/invitations/accept", &token, PASSWORD)
            .await;
        assert_eq!(response.status(), 200);
        let cookie = crate::support::app::cookie_of(&response);
        let body: Value = response.json().await.unwrap();
        let id = body["customer"]["id"].as_str().unwrap().to_owned();
        let csrf = body["csrf_token"].as_str().unwrap().to_owned();
        (Customer { cookie, csrf, body }, id)
    }

    /// Waits for the newest mail to `email` with a `page` link in it, and answers it.
    pub async fn mail_to(&self, email: &str, page: &str) -> ReceivedMail {
        let link = format!("{PUBLIC_URL}{page}?token=");
        for _ in 0..150 {
            let found = self.smtp.messages().into_iter().rev().find(|mail| {
                mail.rcpt_to.iter().any(|to| to == email) && mail.parts().0.contains(&link)
            });
            if let Some(mail) = found {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no mail to {email} with a {page} link");
    }

    pub async fn staff(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> reqwest::Response {
        self.app.staff_call(method, path, &self.staff, body).await
    }

    async fn me_status(&self, customer: &Customer) -> u16 {
        customer_call(&self.app, Method::GET, "/api/customer/me", customer, None)
            .await
            .status()
            .as_u16()
    }

    /// Sets a new password with a reset link's token.
    pub async fn reset(&self, token: &str, password: &str) -> reqwest::Response {
        let path = "/api/customer/password/reset";
        self.app.post_token(path, token, password).await
    }

    /// Asks for a reset link for `email` at acme.
    pub async fn forgot(&self, email: &str) -> reqwest::Response {
        let body = json!({ "org": "acme", "email": email });
        self.app
            .post_json("/api/customer/password/forgot", &body)
            .await
    }

    /// The status a sign-in as `email` with `password` answers.
    pub async fn login_status(&self, email: &str, password: &str) -> u16 {
        self.login(email, password).await.status().as_u16()
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.app
            .login_attempt("/api/customer/login", "acme", email, password)
            .await
    }
}

/// The world's settings: mail to `smtp`, links under `PUBLIC_URL`.
pub fn configure(smtp: &SmtpServer) -> impl FnOnce(&mut atrium_common::config::Env) + use<> {
    let url = smtp.url();
    move |env| {
        env.smtp_url = Some(SecretString::from(url));
        env.public_url = Some(PUBLIC_URL.into());
    }
}

pub fn link_token(mail: &ReceivedMail, page: &str) -> String {
    let (text, _) = mail.parts();
    let prefix = format!("{PUBLIC_URL}{page}?token=");
    text.lines()
        .find_map(|line| line.trim().strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {page} link in:\n{text}"))
        .to_owned()
}

#[tokio::test]
async fn each_lock_out_action_ends_an_existing_session_on_the_next_request() {
    let world = World::start().await;
    let (ann, ann_id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    assert_eq!(world.me_status(&ann).await, 200);

    // Deactivate: the session dies, and the right password is refused like a wrong one.
    let path = |action: &str| format!("/api/admin/customers/{ann_id}/{action}");
    let deactivated = world.staff(Method::POST, &path("deactivate"), None).await;
    assert_eq!(deactivated.status(), 200);
    assert_eq!(
        deactivated.json::<Value>().await.unwrap()["status"],
        "deactivated"
    );
    assert_eq!(world.me_status(&ann).await, 401);
    let refused = world.login("ann@customer.test", PASSWORD).await;
    assert_eq!(error_code(refused).await.1, "INVALID_CREDENTIALS");
    let again = world.staff(Method::POST, &path("deactivate"), None).await;
    assert_eq!(
        again.status(),
        200,
        "deactivating twice answers the account as it is"
    );

    // Reactivate: signing in works again, the old session stays dead.
    let reactivated = world.staff(Method::POST, &path("reactivate"), None).await;
    assert_eq!(
        reactivated.json::<Value>().await.unwrap()["status"],
        "active"
    );
    assert_eq!(world.me_status(&ann).await, 401);
    let signed_in = world.login("ann@customer.test", PASSWORD).await;
    assert_eq!(signed_in.status(), 200);
    let cookie = crate::support::app::cookie_of(&signed_in);
    let ann = Customer {
        cookie,
        csrf: String::new(),
        body: Value::Null,
    };
    assert_eq!(world.me_status(&ann).await, 200);

    // Force re-login: the session dies and a reset link is mailed.
    let forced = world
        .staff(Method::POST, &path("force-relogin"), None)
        .await;
    assert_eq!(forced.status(), 200);
    assert_eq!(world.me_status(&ann).await, 401);
    let reset = link_token(&world.mail(2).await, "/customer/reset-password");
    let response = world.reset(&reset, NEW_PASSWORD).await;
    assert_eq!(response.status(), 204);
    assert!(
        response.headers().get("set-cookie").is_none(),
        "a reset signs nobody in"
    );
    assert_eq!(
        error_code(world.login("ann@customer.test", PASSWORD).await)
            .await
            .1,
        "INVALID_CREDENTIALS"
    );
    assert_eq!(
        world.login_status("ann@customer.test", NEW_PASSWORD).await,
        200
    );
    let reused = world.reset(&reset, NEW_PASSWORD).await;
    assert_eq!(error_code(reused).await.1, "TOKEN_INVALID");
    world.app.stop().await;
}

#[tokio::test]
async fn forgot_answers_alike_and_a_reset_link_is_single_use_ends_sessions_and_expires() {
    let world = World::start().await;
    let (ann, _) = world.customer("ann@customer.test", "Ann", "", 1).await;

    let mut bodies = Vec::new();
    for email in ["nobody@customer.test", "ANN@customer.test"] {
        let response = world.forgot(email).await;
        assert_eq!(response.status(), 202);
        bodies.push(response.json::<Value>().await.unwrap());
    }
    let unknown_org = world
        .app
        .post_json(
            "/api/customer/password/forgot",
            &json!({ "org": "nope", "email": "ann@customer.test" }),
        )
        .await;
    assert_eq!(unknown_org.status(), 202);
    bodies.push(unknown_org.json().await.unwrap());
    assert!(
        bodies.windows(2).all(|pair| pair[0] == pair[1]),
        "{bodies:?}"
    );

    // Opening the link consumes nothing; the session lives until the reset.
    let token = link_token(&world.mail(2).await, "/customer/reset-password");
    assert_eq!(world.me_status(&ann).await, 200);
    let short = world.reset(&token, "short").await;
    assert_eq!(error_code(short).await.0, 422);
    let body = json!({ "token": token, "password": NEW_PASSWORD });
    let answers = world
        .app
        .race(16, "/api/customer/password/reset", &body)
        .await;
    assert_one_winner(&answers, 204, 422);
    assert_eq!(
        world.me_status(&ann).await,
        401,
        "the reset ended the session"
    );

    // A second link, unused for 61 minutes, has expired.
    let response = world.forgot("ann@customer.test").await;
    assert_eq!(response.status(), 202);
    let late = link_token(&world.mail(3).await, "/customer/reset-password");
    // Recovery mails are limited per account as typed: the 4th in an hour is 429.
    let third = world.forgot("ann@customer.test").await;
    assert_eq!(third.status(), 202);
    let limited = world.forgot(" Ann@Customer.test").await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));

    world.app.clock.advance(Duration::from_secs(61 * 60));
    let expired = world.reset(&late, NEW_PASSWORD).await;
    assert_eq!(error_code(expired).await.1, "TOKEN_INVALID");

    world.app.stop().await;
}

/// Search folds case for any script on both backends (SQLite's `lower()` folds ASCII
/// only), in names, companies and emails, and a project's name too.
#[tokio::test]
async fn staff_find_customers_and_projects_by_non_ascii_text_in_either_case() {
    let world = World::start().await;
    let body = json!({ "email": "Øyvind@Fjord.test", "name": "Øyvind Ærlig", "company": "Ålesund Båt AS" });
    let invited = world
        .staff(
            Method::POST,
            "/api/admin/customers/invitations",
            Some(&body),
        )
        .await;
    assert_eq!(invited.status(), 201);
    let project = json!({ "name": "Überdachung Straße", "kind": "project" });
    let created = world
        .staff(Method::POST, "/api/admin/projects", Some(&project))
        .await;
    assert_eq!(created.status(), 201);

    for q in [
        "ærlig",
        "ÆRLIG",
        "ålesund",
        "ÅLESUND BÅT",
        "øyvind@fjord",
        "ØYVIND@FJORD",
    ] {
        let path = format!("/api/admin/customers?q={}", urlencode(q));
        let found = world.app.staff_get_ok(&path, &world.staff).await;
        assert_eq!(
            found["items"].as_array().unwrap().len(),
            1,
            "customers ?q={q}"
        );
    }
    for q in ["überdachung", "ÜBERDACHUNG", "straße"] {
        let path = format!("/api/admin/projects?q={}", urlencode(q));
        let found = world.app.staff_get_ok(&path, &world.staff).await;
        assert_eq!(
            found["items"].as_array().unwrap().len(),
            1,
            "projects ?q={q}"
        );
    }
    let nobody = world
        .app
        .staff_get_ok(
            &format!("/api/admin/customers?q={}", urlencode("ærlich")),
            &world.staff,
        )
        .await;
    assert!(nobody["items"].as_array().unwrap().is_empty());
}

/// Percent-encodes a query value.
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn staff_search_view_and_act_only_on_their_own_org_with_the_right_role() {
    let world = World::start().await;
    let (_, ann_id) = world
        .customer("ann@customer.test", "Ann Smith", "Umbrella GmbH", 1)
        .await;
    world.app.clock.advance(Duration::from_secs(1));
    let bob = json!({ "email": "bob@other.test", "name": "Bob", "company": "Initech" });
    assert_eq!(
        world
            .staff(Method::POST, "/api/admin/customers/invitations", Some(&bob))
            .await
            .status(),
        201
    );

    let search = |query: &str| format!("/api/admin/customers{query}");
    let found = |body: Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["email"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = world.app.staff_get_ok(&search(""), &world.staff).await;
    assert_eq!(
        found(all),
        ["bob@other.test", "ann@customer.test"],
        "newest first"
    );
    for (query, expected) in [
        ("?q=UMBRELLA", vec!["ann@customer.test"]),
        ("?q=smith", vec!["ann@customer.test"]),
        ("?q=other.test", vec!["bob@other.test"]),
        ("?status=invited", vec!["bob@other.test"]),
        ("?q=100%25", vec![]),
    ] {
        let body = world.app.staff_get_ok(&search(query), &world.staff).await;
        assert_eq!(found(body), expected, "{query}");
    }
    for bad in ["?status=gone", "?page_size=0", "?page_token=x"] {
        let response = world.staff(Method::GET, &search(bad), None).await;
        assert_eq!(error_code(response).await.0, 422, "{bad}");
    }
    let one = world
        .app
        .staff_get_ok(&format!("/api/admin/customers/{ann_id}"), &world.staff)
        .await;
    assert_eq!(one["company"], "Umbrella GmbH");
    for id in ["nope", "00000000-0000-0000-0000-000000000000"] {
        let response = world
            .staff(Method::GET, &format!("/api/admin/customers/{id}"), None)
            .await;
        assert_eq!(error_code(response).await.1, "NOT_FOUND", "{id}");
    }

    // Another org's staff: this org's customer ids are 404, and nothing changes.
    let (_, _, other) = world.app.org_with_owner("globex").await;
    for (method, path) in [
        (Method::GET, format!("/api/admin/customers/{ann_id}")),
        (
            Method::POST,
            format!("/api/admin/customers/{ann_id}/deactivate"),
        ),
        (
            Method::POST,
            format!("/api/admin/customers/{ann_id}/force-relogin"),
        ),
    ] {
        let response = world.app.staff_call(method, &path, &other, None).await;
        assert_eq!(error_code(response).await.1, "NOT_FOUND", "{path}");
    }
    let theirs = world.app.staff_get_ok("/api/admin/customers", &other).await;
    assert!(theirs["items"].as_array().unwrap().is_empty());
    let ann = world
        .app
        .staff_get_ok(&format!("/api/admin/customers/{ann_id}"), &world.staff)
        .await;
    assert_eq!(ann["status"], "active");

    // Roles: viewers and editors get 403 on customer management; accountants may look.
    let deactivate = format!("/api/admin/customers/{ann_id}/deactivate");
    for role in ["viewer", "editor"] {
        set_staff_role(&world.app, &world.staff_id, role).await;
        for (method, path, permission) in [
            (
                Method::GET,
                "/api/admin/customers".to_owned(),
                "customers.view",
            ),
            (Method::POST, deactivate.clone(), "customers.create"),
        ] {
            let (status, code, body) = error_code(world.staff(method, &path, None).await).await;
            assert_eq!(
                (status, code.as_str()),
                (403, "PERMISSION_DENIED"),
                "{role} {path}"
            );
            assert_eq!(body["error"]["permission"], permission);
        }
    }
    set_staff_role(&world.app, &world.staff_id, "accountant").await;
    assert_eq!(
        world
            .staff(Method::GET, "/api/admin/customers", None)
            .await
            .status(),
        200
    );
    let (status, _, _) = error_code(world.staff(Method::POST, &deactivate, None).await).await;
    assert_eq!(status, 403);
    world.app.stop().await;
}

#[tokio::test]
async fn sessions_are_listed_ended_one_at_a_time_and_a_password_change_reissues_the_callers() {
    let world = World::start().await;
    let (first, _) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let second = {
        let response = world
            .app
            .http
            .post(world.app.url("/api/customer/login"))
            .header("user-agent", "second-browser/1.0")
            .json(&json!({ "org": "acme", "email": "ann@customer.test", "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let cookie = crate::support::app::cookie_of(&response);
        let body: Value = response.json().await.unwrap();
        Customer {
            cookie,
            csrf: body["csrf_token"].as_str().unwrap().to_owned(),
            body,
        }
    };
    let third = {
        let response = world.login("ann@customer.test", PASSWORD).await;
        let cookie = crate::support::app::cookie_of(&response);
        let body: Value = response.json().await.unwrap();
        Customer {
            cookie,
            csrf: body["csrf_token"].as_str().unwrap().to_owned(),
            body,
        }
    };

    let list = customer_call(
        &world.app,
        Method::GET,
        "/api/customer/sessions",
        &first,
        None,
    )
    .await;
    let list: Value = list.json().await.unwrap();
    let items = list["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3);
    assert_eq!(items.iter().filter(|s| s["current"] == true).count(), 1);
    let second_id = items
        .iter()
        .find(|s| s["user_agent"] == "second-browser/1.0")
        .expect("the second session")["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Ending the second one ends only it; CSRF is required; ending it again is 404.
    let end = format!("/api/customer/sessions/{second_id}");
    let no_csrf = customer_call(&world.app, Method::DELETE, &end, &first, None).await;
    assert_eq!(error_code(no_csrf).await.1, "CSRF_FAILED");
    let ended = customer_call(&world.app, Method::DELETE, &end, &first, Some(&first.csrf)).await;
    assert_eq!(ended.status(), 204);
    assert_eq!(world.me_status(&second).await, 401);
    assert_eq!(world.me_status(&first).await, 200);
    assert_eq!(world.me_status(&third).await, 200);
    let again = customer_call(&world.app, Method::DELETE, &end, &first, Some(&first.csrf)).await;
    assert_eq!(error_code(again).await.1, "NOT_FOUND");
    let garbage = customer_call(
        &world.app,
        Method::DELETE,
        "/api/customer/sessions/nope",
        &first,
        Some(&first.csrf),
    )
    .await;
    assert_eq!(error_code(garbage).await.1, "NOT_FOUND");

    // Another customer cannot end Ann's session.
    let (bob, _) = world.customer("bob@customer.test", "Bob", "", 2).await;
    let list = customer_call(
        &world.app,
        Method::GET,
        "/api/customer/sessions",
        &first,
        None,
    )
    .await;
    let third_id = list.json::<Value>().await.unwrap()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let theirs = format!("/api/customer/sessions/{third_id}");
    let refused = customer_call(&world.app, Method::DELETE, &theirs, &bob, Some(&bob.csrf)).await;
    assert_eq!(error_code(refused).await.1, "NOT_FOUND");
    assert_eq!(world.me_status(&third).await, 200);

    // Password change: a wrong current password changes nothing; the right one gives the
    // caller a new cookie and CSRF token and ends every other session.
    let change = |current: &str| {
        let body = json!({ "current_password": current, "new_password": NEW_PASSWORD });
        world
            .app
            .http
            .post(world.app.url("/api/customer/password/change"))
            .header("cookie", &first.cookie)
            .header("x-csrf-token", &first.csrf)
            .json(&body)
    };
    let wrong = change("not my password").send().await.unwrap();
    assert_eq!(error_code(wrong).await.1, "INVALID_CREDENTIALS");
    assert_eq!(world.me_status(&third).await, 200);
    let changed = change(PASSWORD).send().await.unwrap();
    assert_eq!(changed.status(), 200);
    let cookie = crate::support::app::cookie_of(&changed);
    let body: Value = changed.json().await.unwrap();
    assert_ne!(body["csrf_token"], first.csrf.as_str());
    let renewed = Customer {
        cookie,
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
        body,
    };
    assert_eq!(world.me_status(&renewed).await, 200);
    assert_eq!(world.me_status(&first).await, 401);
    assert_eq!(world.me_status(&third).await, 401);
    assert_eq!(
        world.login_status("ann@customer.test", NEW_PASSWORD).await,
        200
    );
    world.app.stop().await;
}

#[tokio::test]
async fn profiles_are_patched_by_staff_and_by_the_customer_within_their_rights() {
    let world = World::start().await;
    let (ann, ann_id) = world
        .customer("ann@customer.test", "Ann", "Umbrella", 1)
        .await;
    let (_, _) = world.customer("bob@customer.test", "Bob", "", 2).await;
    let path = format!("/api/admin/customers/{ann_id}");
    let patch = |body: Value| {
        let path = path.clone();
        let world = &world;
        async move { world.staff(Method::PATCH, &path, Some(&body)).await }
    };

    let changed = patch(
        json!({ "name": "Ann Example", "company": null, "email": " Ann.New@Customer.test " }),
    )
    .await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["name"], "Ann Example");
    assert_eq!(changed["company"], "");
    assert_eq!(changed["email"], "Ann.New@Customer.test");
    assert_eq!(changed["phone"], "", "absent fields stay as they were");
    let taken = patch(json!({ "email": "BOB@customer.test" })).await;
    assert_eq!(error_code(taken).await.1, "ALREADY_EXISTS");
    for (body, field) in [
        (json!({ "email": "nope" }), "email"),
        (json!({ "email": null }), "email"),
        (json!({ "locale": "fr" }), "locale"),
        (json!({ "name": 5 }), "name"),
        (json!({ "status": "active" }), "status"),
    ] {
        let (status, _, error) = error_code(patch(body.clone()).await).await;
        assert_eq!(status, 422, "{body}");
        assert!(
            error["error"]["fields"][field].is_string(),
            "{field}: {error}"
        );
    }
    let (_, _, other) = world.app.org_with_owner("globex").await;
    let response = world
        .app
        .staff_call(Method::PATCH, &path, &other, Some(&json!({ "name": "x" })))
        .await;
    assert_eq!(error_code(response).await.1, "NOT_FOUND");
    let login = world.login("ann.new@customer.test", PASSWORD).await;
    assert_eq!(login.status(), 200, "the new email signs in");

    // The customer's own profile: CSRF needed, email and status refused, the rest patched.
    let own = |body: Value, csrf: Option<&str>| {
        let mut request = world
            .app
            .http
            .patch(world.app.url("/api/customer/me"))
            .header("cookie", &ann.cookie)
            .json(&body);
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        request.send()
    };
    let no_csrf = own(json!({ "name": "Hacked" }), None).await.unwrap();
    assert_eq!(error_code(no_csrf).await.1, "CSRF_FAILED");
    for field in ["email", "status"] {
        let body = json!({ field: "x@y.test" });
        let (status, _, error) = error_code(own(body, Some(&ann.csrf)).await.unwrap()).await;
        assert_eq!(status, 422);
        assert!(error["error"]["fields"][field].is_string());
    }
    let mine = own(
        json!({ "phone": "+49 30 1234", "locale": "de" }),
        Some(&ann.csrf),
    )
    .await
    .unwrap();
    assert_eq!(mine.status(), 200);
    let mine: Value = mine.json().await.unwrap();
    assert_eq!(mine["phone"], "+49 30 1234");
    assert_eq!(mine["locale"], "de");
    assert_eq!(mine["name"], "Ann Example");
    assert_eq!(mine["csrf_token"], ann.csrf.as_str());
    world.app.stop().await;
}

#[tokio::test]
async fn erase_anonymises_frees_the_email_and_drops_every_copy() {
    use atrium_common::auth::Principal;
    use atrium_common::config::ServiceName;
    use atrium_proto::notifier::v1 as notifier;
    use atrium_proto::notifier::v1::notification_service_client::NotificationServiceClient;

    let world = World::start().await;
    let (ann, ann_id) = world
        .customer("ann@customer.test", "Ann", "Ann Co", 1)
        .await;
    let (bob, _) = world.customer("bob@customer.test", "Bob", "", 2).await;
    let org_id = world.app.staff_get_ok("/api/admin/me", &world.staff).await["org_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut notifications =
        NotificationServiceClient::new(world.app.service_channel(ServiceName::Notifier));
    notifications
        .create_notification(atrium_common::auth::Principal::service().request(
            notifier::CreateNotificationRequest {
                org_id: org_id.clone(),
                recipient_kind: "customer".into(),
                recipient_id: ann_id.clone(),
                kind: "document.published".into(),
                title: "for ann".into(),
                body: "A new document.".into(),
                link: "/customer/documents".into(),
                idempotency_key: String::new(),
                params_json: String::new(),
            },
        ))
        .await
        .expect("notification");
    // A mail that cannot leave yet: SMTP is down when the reset link is queued.
    world.smtp.stop().await;
    let path = format!("/api/admin/customers/{ann_id}");
    let forced = world
        .staff(Method::POST, &format!("{path}/force-relogin"), None)
        .await;
    assert_eq!(forced.status(), 200);

    // Without customers.delete (an accountant), another org, garbage: nothing is erased.
    let (_, _, other) = world.app.org_with_owner("other").await;
    let theirs = world
        .app
        .staff_call(Method::DELETE, &path, &other, None)
        .await;
    assert_eq!(theirs.status(), 404);
    let garbage = world
        .staff(Method::DELETE, "/api/admin/customers/not-a-uuid", None)
        .await;
    assert_eq!(garbage.status(), 404);
    set_staff_role(&world.app, &world.staff_id, "accountant").await;
    let (status, code, body) = error_code(world.staff(Method::DELETE, &path, None).await).await;
    assert_eq!((status, code.as_str()), (403, "PERMISSION_DENIED"));
    assert_eq!(body["error"]["permission"], "customers.delete");
    set_staff_role(&world.app, &world.staff_id, "owner").await;
    assert_eq!(world.staff(Method::GET, &path, None).await.status(), 200);

    let erased = world.staff(Method::DELETE, &path, None).await;
    assert_eq!(erased.status(), 204);
    assert_eq!(world.me_status(&ann).await, 401, "the session died");
    assert_eq!(
        world.me_status(&bob).await,
        200,
        "another customer's did not"
    );
    assert_eq!(world.staff(Method::GET, &path, None).await.status(), 404);
    assert_eq!(world.staff(Method::DELETE, &path, None).await.status(), 404);
    let listed = world
        .app
        .staff_get_ok("/api/admin/customers", &world.staff)
        .await;
    assert!(!listed.to_string().contains("ann@customer.test"));
    assert_eq!(
        error_code(world.login("ann@customer.test", PASSWORD).await)
            .await
            .1,
        "INVALID_CREDENTIALS"
    );

    // The notifier, told through identity's outbox, drops the queued mail and the
    // notifications and keeps the sent mail's record without the address.
    let mut outbox = Value::Null;
    for _ in 0..100 {
        outbox = world
            .app
            .staff_get_ok("/api/admin/outbox", &world.staff)
            .await;
        if !outbox.to_string().contains("ann@customer.test") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let entries = outbox["items"].as_array().unwrap();
    assert!(
        !outbox.to_string().contains("ann@customer.test"),
        "the address is gone: {outbox}"
    );
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["template"] == "customer_password_reset")
            .count(),
        0,
        "the queued reset mail is deleted"
    );
    assert_eq!(entries.len(), 2, "both sent invitations keep their record");
    let mut request = tonic::Request::new(notifier::ListNotificationsRequest::default());
    Principal::customer(
        org_id.parse::<uuid::Uuid>().unwrap(),
        ann_id.parse::<uuid::Uuid>().unwrap(),
    )
    .write_to(request.metadata_mut());
    let left = notifications
        .list_notifications(request)
        .await
        .unwrap()
        .into_inner();
    assert!(left.items.is_empty(), "the notifications are deleted");

    // The audit keeps its entries, without the customer's addresses.
    let audit = world
        .app
        .staff_get_ok(&format!("/api/admin/audit?actor_id={ann_id}"), &world.staff)
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"customer.invitation_accepted"),
        "{actions:?}"
    );
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["ip"] == "")
    );
    let erasures = world
        .app
        .staff_get_ok("/api/admin/audit?action=customer.erased", &world.staff)
        .await;
    assert_eq!(erasures["items"][0]["subject"]["id"], ann_id.as_str());
    assert!(!erasures.to_string().contains("ann@customer.test"));

    // The email is free for a future invitation.
    world.smtp.restart().await.expect("smtp back");
    let body = json!({ "email": "ann@customer.test" });
    let again = world
        .staff(
            Method::POST,
            "/api/admin/customers/invitations",
            Some(&body),
        )
        .await;
    assert_eq!(again.status(), 201);
    let again: Value = again.json().await.unwrap();
    assert_ne!(again["customer"]["id"], ann_id.as_str());
    world.app.stop().await;
}

#[tokio::test]
async fn thirty_wrong_passwords_hit_429_with_retry_after_before_any_check() {
    let world = World::start().await;
    world.customer("ann@customer.test", "Ann", "", 1).await;
    let mut refused = 0;
    let mut limited = 0;
    for _ in 0..30 {
        let answer = world
            .login("Ann@Customer.test ", "not ann's password")
            .await;
        match answer.status().as_u16() {
            401 => refused += 1,
            429 => {
                let retry_after: u64 = answer.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=900).contains(&retry_after), "{retry_after}");
                assert_eq!(error_code(answer).await.1, "RATE_LIMITED");
                limited += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(
        (refused, limited),
        (10, 20),
        "10 failures per account per 15 min"
    );
    // Over the limit, even the right password is not checked.
    let right = world.login("ann@customer.test", PASSWORD).await;
    assert_eq!(right.status(), 429);
    // 31 attempts from one address in a minute: another account is limited too.
    let other = world.login("bob@customer.test", "whatever it is").await;
    assert_eq!(error_code(other).await.1, "RATE_LIMITED");
    // Only the attempts that were checked reached the audit trail.
    let failures = world
        .app
        .staff_get_ok(
            "/api/admin/audit?action=customer.login_failed&page_size=200",
            &world.staff,
        )
        .await;
    assert_eq!(failures["items"].as_array().unwrap().len(), 10);
    world.app.stop().await;
}
