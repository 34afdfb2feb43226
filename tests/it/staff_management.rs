//! Staff managing staff through the gateway: invitations by email, role and status changes
//! that show on the very next request, the owner rules, removal; and a staff member's own
//! account: token refresh, profile, password change and recovery.

use std::time::Duration;

use atrium_common::testkit::smtp::{ReceivedMail, SmtpServer};
use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::support::app::{OWNER_PASSWORD, TestApp, error_code};

const PUBLIC_URL: &str = "https://portal.acme.test";
const PASSWORD: &str = "a long staff passphrase";

struct Org {
    app: TestApp,
    smtp: SmtpServer,
    owner: String,
    owner_id: String,
    mails: usize,
}

impl Org {
    async fn start() -> Org {
        let smtp = SmtpServer::start().await.expect("smtp");
        let url = smtp.url();
        let app = TestApp::start_with(move |env| {
            env.smtp_url = Some(SecretString::from(url));
            env.public_url = Some(PUBLIC_URL.into());
        })
        .await;
        let (_, owner_id, owner) = app.org_with_owner("acme").await;
        Org {
            app,
            smtp,
            owner,
            owner_id,
            mails: 0,
        }
    }

    async fn call(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> reqwest::Response {
        self.app.staff_call(method, path, token, body).await
    }

    /// Invites a member as the owner, whatever it answers.
    async fn invite(&self, body: &Value) -> reqwest::Response {
        let path = "/api/admin/staff";
        self.call(&self.owner, Method::POST, path, Some(body)).await
    }

    /// PATCHes `path` as `token` with `body`, whatever it answers.
    async fn patch(&self, token: &str, path: &str, body: Value) -> reqwest::Response {
        self.call(token, Method::PATCH, path, Some(&body)).await
    }

    /// PATCHes `path` as `token` with `body` and answers the JSON of the answer.
    async fn patch_json(&self, token: &str, path: &str, body: Value) -> Value {
        let answer = self.patch(token, path, body).await;
        answer.json().await.expect("a JSON answer")
    }

    /// Waits for the next mail and answers the token of its `page` link.
    async fn next_link(&mut self, page: &str) -> (ReceivedMail, String) {
        self.mails += 1;
        let mails = self
            .smtp
            .wait_for_messages(self.mails, Duration::from_secs(15))
            .await
            .expect("mail");
        let mail = mails[self.mails - 1].clone();
        let (text, _) = mail.parts();
        let prefix = format!("{PUBLIC_URL}{page}?token=");
        let token = text
            .lines()
            .find_map(|line| line.trim().strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {page} link in:\n{text}"))
            .to_owned();
        (mail, token)
    }

    /// Invites a member with `role` as the owner, accepts, and answers (id, token).
    async fn member(&mut self, email: &str, role: &str) -> (String, String) {
        let body = json!({ "email": email, "name": "Member", "role": role });
        let invited = self
            .call(&self.owner, Method::POST, "/api/admin/staff", Some(&body))
            .await;
        assert_eq!(invited.status(), 201);
        let id = invited.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (_, token) = self.next_link("/admin/accept-invitation").await;
        let accepted = self
            .app
            .post_token("/api/admin/invitations/accept", &token, PASSWORD)
            .await;
        assert_eq!(accepted.status(), 200);
        let access = accepted.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        (id, access)
    }

    async fn me(&self, token: &str) -> reqwest::Response {
        self.call(token, Method::GET, "/api/admin/me", None).await
    }
}

#[tokio::test]
async fn an_invited_staff_member_accepts_once_and_is_signed_in() {
    let mut org = Org::start().await;
    let body = json!({ "email": "  Eve@Acme.test ", "name": "Eve", "role": "editor" });
    let invited = org.invite(&body).await;
    assert_eq!(invited.status(), 201);
    let invited: Value = invited.json().await.unwrap();
    assert_eq!(invited["status"], "invited");
    assert_eq!(invited["email"], "Eve@Acme.test");
    assert_eq!(invited["role"], "editor");

    let (mail, token) = org.next_link("/admin/accept-invitation").await;
    assert_eq!(mail.rcpt_to, vec!["Eve@Acme.test".to_owned()]);
    assert!(mail.parts().0.contains("editor"), "the mail names the role");

    // The same address again: a live invitation, then an account.
    let again = org.invite(&body).await;
    assert_eq!(error_code(again).await.1, "INVITATION_PENDING");

    // Sixteen racing accepts of one link: exactly one signs in.
    let accept = json!({ "token": token, "password": PASSWORD });
    let mut access = Vec::new();
    for answer in org
        .app
        .race(16, "/api/admin/invitations/accept", &accept)
        .await
    {
        match answer.status().as_u16() {
            200 => access.push(answer.json::<Value>().await.unwrap()),
            _ => assert_eq!(error_code(answer).await.1, "TOKEN_INVALID"),
        }
    }
    assert_eq!(access.len(), 1, "exactly one accept wins");
    let token = access[0]["access_token"].as_str().unwrap();
    let me: Value = org.me(token).await.json().await.unwrap();
    assert_eq!(me["status"], "active");
    assert_eq!(me["role"], "editor");
    let exists = org.invite(&body).await;
    assert_eq!(error_code(exists).await.1, "ALREADY_EXISTS");

    // The new member signs in with the password they chose.
    org.app.staff_login("acme", "eve@acme.test", PASSWORD).await;

    // A link that never existed, and an expired one, answer alike.
    let body = json!({ "email": "late@acme.test", "role": "viewer" });
    let late = org.invite(&body).await;
    assert_eq!(late.status(), 201);
    let (_, late_token) = org.next_link("/admin/accept-invitation").await;
    org.app
        .clock
        .advance(Duration::from_secs(7 * 24 * 3600 + 1));
    for token in [late_token.as_str(), "not-a-token"] {
        let answer = org
            .app
            .post_token("/api/admin/invitations/accept", token, PASSWORD)
            .await;
        assert_eq!(error_code(answer).await.1, "TOKEN_INVALID");
    }
    org.app.stop().await;
}

#[tokio::test]
async fn staff_management_needs_the_permission_and_checks_its_input() {
    let mut org = Org::start().await;
    let (_, editor) = org.member("ed@acme.test", "editor").await;
    let garbage = "/api/admin/staff/not-a-uuid";
    for (method, path) in [
        (Method::GET, "/api/admin/staff"),
        (Method::POST, "/api/admin/staff"),
        (Method::PATCH, garbage),
        (Method::DELETE, garbage),
    ] {
        let answer = org
            .call(
                &editor,
                method,
                path,
                Some(&json!({ "email": "x@acme.test", "role": "viewer" })),
            )
            .await;
        let (status, code, body) = error_code(answer).await;
        assert_eq!(
            (status, code.as_str()),
            (403, "PERMISSION_DENIED"),
            "{path}"
        );
        assert_eq!(body["error"]["permission"], "staff.manage");
    }

    let post = |body: &'static str, content_type: &'static str| {
        org.app
            .http
            .post(org.app.url("/api/admin/staff"))
            .bearer_auth(&org.owner)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    assert_eq!(post("{", "application/json").await.unwrap().status(), 400);
    assert_eq!(post("{}", "text/plain").await.unwrap().status(), 415);
    let (status, _, body) = error_code(
        post("{\"email\": \"x@y.z\"}", "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["role"].is_string());
    let (status, _, body) = error_code(
        post(r#"{"email": "x@y.z", "role": "chief"}"#, "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["role"].is_string());
    let (status, _, body) = error_code(
        post(r#"{"email": "nope", "role": "viewer"}"#, "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["email"].is_string());
    let (status, _, body) = error_code(
        post(r#"{"email": 5, "role": "viewer"}"#, "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["email"].is_string());

    for (method, body) in [
        (Method::PATCH, Some(json!({ "role": "viewer" }))),
        (Method::DELETE, None),
    ] {
        let answer = org.call(&org.owner, method, garbage, body.as_ref()).await;
        assert_eq!(answer.status(), 404);
    }
    let listed = org.app.staff_get_ok("/api/admin/staff", &org.owner).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    let bad_page = org
        .call(
            &org.owner,
            Method::GET,
            "/api/admin/staff?page_size=0",
            None,
        )
        .await;
    assert_eq!(bad_page.status(), 422);
    org.app.stop().await;
}

#[tokio::test]
async fn role_changes_show_on_the_next_request_and_the_last_owner_stays() {
    let mut org = Org::start().await;
    let (admin_id, admin) = org.member("ada@acme.test", "admin").await;
    let (editor_id, editor) = org.member("ed@acme.test", "editor").await;
    let staff = |id: &str| format!("/api/admin/staff/{id}");

    // A demotion shows in the very next request's permissions.
    let demoted = org
        .patch(&org.owner, &staff(&editor_id), json!({ "role": "viewer" }))
        .await;
    assert_eq!(demoted.status(), 200);
    let me: Value = org.me(&editor).await.json().await.unwrap();
    assert_eq!(me["permissions"], json!(["projects.view"]));

    // Admins cannot touch owners nor make one.
    let owner_path = staff(&org.owner_id);
    for (method, path, body) in [
        (
            Method::PATCH,
            owner_path.as_str(),
            json!({ "role": "viewer" }),
        ),
        (Method::DELETE, owner_path.as_str(), Value::Null),
        (
            Method::PATCH,
            &staff(&editor_id),
            json!({ "role": "owner" }),
        ),
        (
            Method::POST,
            "/api/admin/staff",
            json!({ "email": "boss@acme.test", "role": "owner" }),
        ),
    ] {
        let answer = org.call(&admin, method, path, Some(&body)).await;
        assert_eq!(error_code(answer).await.1, "PERMISSION_DENIED", "{path}");
    }
    // The admin may manage the editor.
    let by_admin = org
        .patch(&admin, &staff(&editor_id), json!({ "role": "editor" }))
        .await;
    assert_eq!(by_admin.status(), 200);

    // The last active owner cannot be demoted, deactivated or removed.
    for (method, body) in [
        (Method::PATCH, json!({ "role": "admin" })),
        (Method::PATCH, json!({ "status": "deactivated" })),
        (Method::DELETE, Value::Null),
    ] {
        let answer = org.call(&org.owner, method, &owner_path, Some(&body)).await;
        let (status, code, _) = error_code(answer).await;
        assert_eq!((status, code.as_str()), (409, "CONFLICT"));
    }
    // With a second owner, the first may step down.
    let promoted = org
        .patch(&org.owner, &staff(&admin_id), json!({ "role": "owner" }))
        .await;
    assert_eq!(promoted.status(), 200);
    let stepped_down = org
        .patch(&org.owner, &owner_path, json!({ "role": "admin" }))
        .await;
    assert_eq!(stepped_down.status(), 200);
    let me: Value = org.me(&org.owner).await.json().await.unwrap();
    assert_eq!(me["role"], "admin");

    // Deactivation ends the member's sessions at once; reactivation does not revive them.
    let editor_path = staff(&editor_id);
    let deactivated = org
        .patch_json(&admin, &editor_path, json!({ "status": "deactivated" }))
        .await;
    assert_eq!(deactivated["status"], "deactivated");
    assert_eq!(org.me(&editor).await.status(), 401);
    let refused = org
        .app
        .login_attempt("/api/admin/login", "acme", "ed@acme.test", PASSWORD)
        .await;
    assert_eq!(error_code(refused).await.1, "INVALID_CREDENTIALS");
    let reactivated = org
        .patch_json(&admin, &editor_path, json!({ "status": "active" }))
        .await;
    assert_eq!(reactivated["status"], "active");
    assert_eq!(org.me(&editor).await.status(), 401);
    let editor = org.app.staff_login("acme", "ed@acme.test", PASSWORD).await;
    assert_eq!(org.me(&editor).await.status(), 200);

    // Removal: the session dies, signing in fails, the id is gone.
    let removed = org.call(&admin, Method::DELETE, &editor_path, None).await;
    assert_eq!(removed.status(), 204);
    assert_eq!(org.me(&editor).await.status(), 401);
    let refused = org
        .app
        .login_attempt("/api/admin/login", "acme", "ed@acme.test", PASSWORD)
        .await;
    assert_eq!(error_code(refused).await.1, "INVALID_CREDENTIALS");
    let again = org.call(&admin, Method::DELETE, &editor_path, None).await;
    assert_eq!(again.status(), 404);

    // Another organization's owner sees none of this org's staff ids.
    let (_, _, other) = org.app.org_with_owner("other").await;
    for (method, body) in [
        (Method::PATCH, Some(json!({ "role": "viewer" }))),
        (Method::DELETE, None),
    ] {
        let answer = org
            .call(&other, method, &staff(&admin_id), body.as_ref())
            .await;
        assert_eq!(answer.status(), 404);
    }
    let me: Value = org.me(&admin).await.json().await.unwrap();
    assert_eq!(me["role"], "owner", "another org's calls changed nothing");
    org.app.stop().await;
}

#[tokio::test]
async fn a_token_refreshes_while_its_session_lives() {
    let org = Org::start().await;
    let refresh = |token: &str| {
        org.app
            .http
            .post(org.app.url("/api/admin/token/refresh"))
            .bearer_auth(token)
            .send()
    };
    let answer = refresh(&org.owner).await.unwrap();
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);

    // Past 900 s the token no longer opens anything, but still renews its live session.
    org.app.clock.advance(Duration::from_secs(1000));
    assert_eq!(org.me(&org.owner).await.status(), 401);
    let answer = refresh(&org.owner).await.unwrap();
    assert_eq!(answer.status(), 200);
    let renewed = answer.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(org.me(&renewed).await.status(), 200);

    // After logout, and after 8 idle hours, nothing renews.
    let second = org
        .app
        .staff_login("acme", "owner@acme.test", OWNER_PASSWORD)
        .await;
    let logout = org
        .call(&second, Method::POST, "/api/admin/logout", None)
        .await;
    assert_eq!(logout.status(), 204);
    assert_eq!(refresh(&second).await.unwrap().status(), 401);
    org.app.clock.advance(Duration::from_secs(8 * 3600 + 60));
    assert_eq!(refresh(&renewed).await.unwrap().status(), 401);
    for token in ["garbage", "a.b.c"] {
        assert_eq!(refresh(token).await.unwrap().status(), 401);
    }
    org.app.stop().await;
}

#[tokio::test]
async fn own_profile_and_password_change() {
    let org = Org::start().await;
    let patch = |body: Value| {
        let request = org
            .app
            .http
            .patch(org.app.url("/api/admin/me"))
            .bearer_auth(&org.owner)
            .json(&body);
        request.send()
    };
    let changed: Value = patch(json!({ "name": "Olga Owner", "title": "CEO", "phone": "+49 1" }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (changed["name"].as_str(), changed["title"].as_str()),
        (Some("Olga Owner"), Some("CEO"))
    );
    let cleared: Value = patch(json!({ "title": null }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["title"], "");
    assert_eq!(cleared["phone"], "+49 1", "absent fields stay");
    for body in [
        json!({ "name": null }),
        json!({ "name": "x".repeat(201) }),
        json!({ "phone": 5 }),
    ] {
        assert_eq!(patch(body).await.unwrap().status(), 422);
    }

    // A wrong current password changes nothing; the right one ends every other session.
    let other = org
        .app
        .staff_login("acme", "owner@acme.test", OWNER_PASSWORD)
        .await;
    let change = |current: &str| {
        let body = json!({ "current_password": current, "new_password": PASSWORD });
        let request = org
            .app
            .http
            .post(org.app.url("/api/admin/password/change"))
            .bearer_auth(&org.owner)
            .json(&body);
        request.send()
    };
    let wrong = change("not the password").await;
    assert_eq!(error_code(wrong.unwrap()).await.1, "INVALID_CREDENTIALS");
    assert_eq!(org.me(&other).await.status(), 200);
    let short = org
        .call(
            &org.owner,
            Method::POST,
            "/api/admin/password/change",
            Some(&json!({ "current_password": OWNER_PASSWORD, "new_password": "short" })),
        )
        .await;
    let (status, _, body) = error_code(short).await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["new_password"].is_string());
    assert_eq!(change(OWNER_PASSWORD).await.unwrap().status(), 204);
    assert_eq!(
        org.me(&other).await.status(),
        401,
        "the other session ended"
    );
    assert_eq!(
        org.me(&org.owner).await.status(),
        200,
        "the caller's lives on"
    );
    org.app
        .staff_login("acme", "owner@acme.test", PASSWORD)
        .await;
    org.app.stop().await;
}

#[tokio::test]
async fn staff_recovery_answers_alike_and_resets_once() {
    let mut org = Org::start().await;

    let unknown = forgot(&org.app, "nobody@acme.test").await;
    assert_eq!(unknown.status(), 202);
    let unknown: Value = unknown.json().await.unwrap();
    let known = forgot(&org.app, "owner@acme.test").await;
    assert_eq!(known.status(), 202);
    assert_eq!(known.json::<Value>().await.unwrap(), unknown);
    let (mail, token) = org.next_link("/admin/reset-password").await;
    assert_eq!(mail.rcpt_to, vec!["owner@acme.test".to_owned()]);

    assert_eq!(reset(&org.app, &token).await.status(), 204);
    assert_eq!(
        org.me(&org.owner).await.status(),
        401,
        "a reset ends every session"
    );
    assert_eq!(
        error_code(reset(&org.app, &token).await).await.1,
        "TOKEN_INVALID"
    );
    org.app
        .staff_login("acme", "owner@acme.test", PASSWORD)
        .await;

    // A link older than 60 minutes is dead.
    assert_eq!(forgot(&org.app, "owner@acme.test").await.status(), 202);
    let (_, late) = org.next_link("/admin/reset-password").await;
    org.app.clock.advance(Duration::from_secs(61 * 60));
    assert_eq!(
        error_code(reset(&org.app, &late).await).await.1,
        "TOKEN_INVALID"
    );
    org.app.stop().await;
}

async fn forgot(app: &TestApp, email: &str) -> reqwest::Response {
    let body = json!({ "org": "acme", "email": email });
    app.post_json("/api/admin/password/forgot", &body).await
}

async fn reset(app: &TestApp, token: &str) -> reqwest::Response {
    let body = json!({ "token": token, "password": PASSWORD });
    app.post_json("/api/admin/password/reset", &body).await
}
