//! The customer-accounts flow through the gateway: a business invites a customer by email,
//! the mail arrives with its link, the link previews without being consumed, accepting it
//! sets the password and signs the customer in with a cookie and CSRF token.

use std::time::Duration;

use atrium_common::config::ServiceName;
use atrium_common::testkit::smtp::{ReceivedMail, SmtpServer};
use atrium_proto::notifier::v1 as pb;
use atrium_proto::notifier::v1::notification_service_client::NotificationServiceClient;
use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::support::app::{TestApp, assert_one_winner, error_code};

const PUBLIC_URL: &str = "https://portal.acme.test";
const PASSWORD: &str = "a long customer passphrase";

async fn app_with_mail(smtp: &SmtpServer) -> TestApp {
    let url = smtp.url();
    TestApp::start_with(move |env| {
        env.smtp_url = Some(SecretString::from(url));
        env.public_url = Some(PUBLIC_URL.into());
    })
    .await
}

/// The token of the `n`th mail's accept link (the link is on its own line).
fn invitation_token(mail: &ReceivedMail) -> String {
    let (text, _) = mail.parts();
    let prefix = format!("{PUBLIC_URL}/customer/accept-invitation?token=");
    text.lines()
        .find_map(|line| line.trim().strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no accept link in:\n{text}"))
        .to_owned()
}

/// The session cookie a response sets, as `name=value` for a Cookie header.
pub struct Customer {
    pub cookie: String,
    pub csrf: String,
    pub body: Value,
}

pub async fn customer_call(
    app: &TestApp,
    method: Method,
    path: &str,
    customer: &Customer,
    csrf: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .http
        .request(method, app.url(path))
        .header("cookie", &customer.cookie);
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    request.send().await.expect("request")
}

async fn invite(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.staff_call(
        Method::POST,
        "/api/admin/customers/invitations",
        token,
        Some(&body),
    )
    .await
}

async fn accept(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post_token("/api/customer/invitations/accept", token, password)
        .await
}

async fn accepted(app: &TestApp, token: &str) -> Customer {
    let response = accept(app, token, PASSWORD).await;
    assert_eq!(response.status(), 200);
    let cookie = crate::support::app::cookie_of(&response);
    let body: Value = response.json().await.unwrap();
    Customer {
        cookie,
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
        body,
    }
}

#[tokio::test]
async fn invite_mail_preview_accept_and_the_signed_in_customer() {
    let smtp = SmtpServer::start().await.expect("smtp");
    let app = app_with_mail(&smtp).await;
    let (_, _, staff) = app.org_with_owner("acme").await;

    // A forged Host or X-Forwarded-Host never reaches the emailed link.
    let response = app
        .http
        .post(app.url("/api/admin/customers/invitations"))
        .bearer_auth(&staff)
        .header("host", "evil.test")
        .header("x-forwarded-host", "evil.test")
        .json(&json!({ "email": "  Ann@Customer.TEST ", "name": "Ann Example", "locale": "de" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["customer"]["status"], "invited");
    assert_eq!(created["customer"]["email"], "Ann@Customer.TEST");
    assert_eq!(created["invitation"]["status"], "pending");
    assert_eq!(
        created["invitation"]["expires_at"],
        "2030-01-22T09:00:00.000Z"
    );

    let mails = smtp
        .wait_for_messages(1, Duration::from_secs(15))
        .await
        .expect("the invitation mail");
    assert_eq!(mails[0].rcpt_to, vec!["Ann@Customer.TEST".to_owned()]);
    assert!(!mails[0].data.contains("evil.test"));
    let (text, html) = mails[0].parts();
    assert!(text.contains("Ann Example"), "{text}");
    assert!(html.contains("portal.acme.test"), "{html}");
    let subject = mails[0].decoded_header("Subject");
    assert!(subject.contains("acme Ltd"), "{subject}");
    let token = invitation_token(&mails[0]);

    // The same email, folded differently, is a pending invitation.
    let again = invite(&app, &staff, json!({ "email": "ann@customer.test" })).await;
    assert_eq!(error_code(again).await.1, "INVITATION_PENDING");

    // Opening the link twice consumes nothing.
    for _ in 0..2 {
        let preview = app
            .get(&format!("/api/customer/invitations/preview?token={token}"))
            .await;
        assert_eq!(preview.status(), 200);
        let preview: Value = preview.json().await.unwrap();
        assert_eq!(preview["org_name"], "acme Ltd");
        assert_eq!(preview["email"], "Ann@Customer.TEST");
    }
    for bad in ["", "?token=", "?token=nonsense"] {
        let response = app
            .get(&format!("/api/customer/invitations/preview{bad}"))
            .await;
        assert_eq!(error_code(response).await.1, "TOKEN_INVALID", "{bad}");
    }

    // A short password is refused and the token survives it.
    let (status, code, body) = error_code(accept(&app, &token, "short").await).await;
    assert_eq!((status, code.as_str()), (422, "VALIDATION_FAILED"));
    assert!(body["error"]["fields"]["password"].is_string());

    let response = accept(&app, &token, PASSWORD).await;
    assert_eq!(response.status(), 200);
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in [
        "atrium_session=",
        "HttpOnly",
        "SameSite=Lax",
        "Secure",
        "Path=/",
    ] {
        assert!(
            set_cookie.contains(attribute),
            "{attribute} in {set_cookie}"
        );
    }
    let cookie = crate::support::app::cookie_of(&response);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["customer"]["status"], "active");
    let ann = Customer {
        cookie,
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
        body,
    };

    let me = customer_call(&app, Method::GET, "/api/customer/me", &ann, None).await;
    assert_eq!(me.status(), 200);
    assert_eq!(me.headers()["cache-control"], "no-store");
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["email"], "Ann@Customer.TEST");
    assert_eq!(me["locale"], "de");
    assert_eq!(me["csrf_token"], ann.csrf.as_str());
    assert!(me["permissions"].is_object());

    // Used: the same answer as unknown; and the account now exists.
    assert_eq!(
        error_code(accept(&app, &token, PASSWORD).await).await.1,
        "TOKEN_INVALID"
    );
    let preview = app
        .get(&format!("/api/customer/invitations/preview?token={token}"))
        .await;
    assert_eq!(error_code(preview).await.1, "TOKEN_INVALID");
    let again = invite(&app, &staff, json!({ "email": "ann@customer.test" })).await;
    assert_eq!(error_code(again).await.1, "ALREADY_EXISTS");

    // Tiers never mix: the customer cookie on admin routes, the staff token on customer routes.
    let cross = app
        .http
        .get(app.url("/api/admin/me"))
        .header("cookie", &ann.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(cross).await.1, "UNAUTHENTICATED");
    let cross = app
        .staff_call(Method::GET, "/api/customer/me", &staff, None)
        .await;
    assert_eq!(error_code(cross).await.1, "UNAUTHENTICATED");

    // Sign out: without or with a wrong CSRF token it is 403 and the session lives on.
    for csrf in [None, Some("wrong")] {
        let refused = customer_call(&app, Method::POST, "/api/customer/logout", &ann, csrf).await;
        assert_eq!(error_code(refused).await.1, "CSRF_FAILED");
    }
    let still = customer_call(&app, Method::GET, "/api/customer/me", &ann, None).await;
    assert_eq!(still.status(), 200);
    let out = customer_call(
        &app,
        Method::POST,
        "/api/customer/logout",
        &ann,
        Some(&ann.csrf),
    )
    .await;
    assert_eq!(out.status(), 204);
    assert!(
        out.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = customer_call(&app, Method::GET, "/api/customer/me", &ann, None).await;
    assert_eq!(error_code(after).await.1, "UNAUTHENTICATED");

    // Sign in again with the password set by the invitation.
    let login = |password: &str| json!({ "org": "acme", "email": "ann@customer.test", "password": password });
    let wrong = app
        .post_json("/api/customer/login", &login("not the password"))
        .await;
    assert_eq!(error_code(wrong).await.1, "INVALID_CREDENTIALS");
    let signed_in = app.post_json("/api/customer/login", &login(PASSWORD)).await;
    assert_eq!(signed_in.status(), 200);
    let cookie = crate::support::app::cookie_of(&signed_in);
    let me = app
        .http
        .get(app.url("/api/customer/me"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn an_invitation_expires_after_7_days_and_16_racing_accepts_give_one_account() {
    let smtp = SmtpServer::start().await.expect("smtp");
    let app = app_with_mail(&smtp).await;
    let (_, _, staff) = app.org_with_owner("acme").await;
    assert_eq!(
        invite(&app, &staff, json!({ "email": "late@customer.test" }))
            .await
            .status(),
        201
    );
    assert_eq!(
        invite(&app, &staff, json!({ "email": "race@customer.test" }))
            .await
            .status(),
        201
    );
    let mails = smtp
        .wait_for_messages(2, Duration::from_secs(15))
        .await
        .unwrap();
    let token_for =
        |to: &str| invitation_token(mails.iter().find(|m| m.rcpt_to[0] == to).expect("mail"));
    let (late, race) = (
        token_for("late@customer.test"),
        token_for("race@customer.test"),
    );

    let body = json!({ "token": race, "password": PASSWORD });
    let answers = app
        .race(16, "/api/customer/invitations/accept", &body)
        .await;
    assert_one_winner(&answers, 200, 422);

    app.clock.advance(Duration::from_secs(7 * 24 * 3600 + 1));
    let preview = app
        .get(&format!("/api/customer/invitations/preview?token={late}"))
        .await;
    assert_eq!(error_code(preview).await.1, "TOKEN_INVALID");
    assert_eq!(
        error_code(accept(&app, &late, PASSWORD).await).await.1,
        "TOKEN_INVALID"
    );
    app.stop().await;
}

#[tokio::test]
async fn invitation_input_is_checked_and_needs_customers_create() {
    let app = TestApp::start().await;
    let (_, owner_id, staff) = app.org_with_owner("acme").await;
    let cases = [
        (json!({}), "email"),
        (json!({ "email": "not-an-email" }), "email"),
        (json!({ "email": 42 }), "email"),
        (
            json!({ "email": format!("{}@x.test", "a".repeat(250)) }),
            "email",
        ),
        (
            json!({ "email": "a@b.test", "name": "n".repeat(201) }),
            "name",
        ),
        (json!({ "email": "a@b.test", "locale": "fr" }), "locale"),
    ];
    for (body, field) in cases {
        let (status, code, error) = error_code(invite(&app, &staff, body.clone()).await).await;
        assert_eq!(
            (status, code.as_str()),
            (422, "VALIDATION_FAILED"),
            "{body}"
        );
        assert!(
            error["error"]["fields"][field].is_string(),
            "{field}: {error}"
        );
    }
    let malformed = app
        .http
        .post(app.url("/api/admin/customers/invitations"))
        .bearer_auth(&staff)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(malformed).await.0, 400);
    let huge = json!({ "email": "a@b.test", "address": "x".repeat(70 * 1024) });
    assert_eq!(invite(&app, &staff, huge).await.status(), 413);

    for role in ["editor", "viewer"] {
        crate::support::app::set_staff_role(&app, &owner_id, role).await;
        let (status, code, error) =
            error_code(invite(&app, &staff, json!({ "email": "a@b.test" })).await).await;
        assert_eq!(
            (status, code.as_str()),
            (403, "PERMISSION_DENIED"),
            "{role}"
        );
        assert_eq!(error["error"]["permission"], "customers.create");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_customer_reads_and_marks_only_their_own_notifications() {
    let smtp = SmtpServer::start().await.expect("smtp");
    let app = app_with_mail(&smtp).await;
    let (org_id, _, staff) = app.org_with_owner("acme").await;
    for email in ["ann@customer.test", "bob@customer.test"] {
        assert_eq!(
            invite(&app, &staff, json!({ "email": email }))
                .await
                .status(),
            201
        );
    }
    let mails = smtp
        .wait_for_messages(2, Duration::from_secs(15))
        .await
        .unwrap();
    let token_for =
        |to: &str| invitation_token(mails.iter().find(|m| m.rcpt_to[0] == to).expect("mail"));
    let ann = accepted(&app, &token_for("ann@customer.test")).await;
    let bob = accepted(&app, &token_for("bob@customer.test")).await;
    let mut client = NotificationServiceClient::new(app.service_channel(ServiceName::Notifier));
    let mut note_for = async |customer: &Customer, title: &str| {
        client
            .create_notification(atrium_common::auth::Principal::service().request(
                pb::CreateNotificationRequest {
                    org_id: org_id.clone(),
                    recipient_kind: "customer".into(),
                    recipient_id: customer.body["customer"]["id"].as_str().unwrap().into(),
                    kind: "invoice.sent".into(),
                    title: title.into(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .notification
            .unwrap()
            .id
    };
    let anns = note_for(&ann, "for ann").await;
    note_for(&bob, "for bob").await;

    let list = customer_call(&app, Method::GET, "/api/customer/notifications", &bob, None).await;
    let list: Value = list.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["title"], "for bob");
    assert_eq!(list["unread_count"], 1);

    let read = format!("/api/customer/notifications/{anns}/read");
    let refused = customer_call(&app, Method::POST, &read, &bob, Some(&bob.csrf)).await;
    assert_eq!(error_code(refused).await.1, "NOT_FOUND");
    let no_csrf = customer_call(&app, Method::POST, &read, &ann, None).await;
    assert_eq!(error_code(no_csrf).await.1, "CSRF_FAILED");
    let anns_list =
        customer_call(&app, Method::GET, "/api/customer/notifications", &ann, None).await;
    let anns_list: Value = anns_list.json().await.unwrap();
    assert_eq!(anns_list["unread_count"], 1, "nothing changed");
    let marked = customer_call(&app, Method::POST, &read, &ann, Some(&ann.csrf)).await;
    assert_eq!(marked.status(), 200);
    let all = customer_call(
        &app,
        Method::POST,
        "/api/customer/notifications/read-all",
        &bob,
        Some(&ann.csrf),
    )
    .await;
    assert_eq!(
        error_code(all).await.1,
        "CSRF_FAILED",
        "another session's token"
    );
    let all = customer_call(
        &app,
        Method::POST,
        "/api/customer/notifications/read-all",
        &bob,
        Some(&bob.csrf),
    )
    .await;
    assert_eq!(all.status(), 204);
    app.stop().await;
}

#[tokio::test]
async fn pending_invitations_are_listed_resent_with_a_new_link_and_cancelled() {
    let smtp = SmtpServer::start().await.expect("smtp");
    let app = app_with_mail(&smtp).await;
    let (_, _, staff) = app.org_with_owner("acme").await;
    let (_, _, other) = app.org_with_owner("globex").await;
    let created = invite(&app, &staff, json!({ "email": "ann@customer.test" })).await;
    let created: Value = created.json().await.unwrap();
    let id = created["invitation"]["id"].as_str().unwrap().to_owned();
    let first = invitation_token(
        &smtp
            .wait_for_messages(1, Duration::from_secs(15))
            .await
            .unwrap()[0],
    );

    let list = app
        .staff_get_ok("/api/admin/customers/invitations", &staff)
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["email"], "ann@customer.test");
    let theirs = app
        .staff_get_ok("/api/admin/customers/invitations", &other)
        .await;
    assert!(theirs["items"].as_array().unwrap().is_empty());

    // Another org cannot resend or cancel it.
    let resend = format!("/api/admin/customers/invitations/{id}/resend");
    let cancel = format!("/api/admin/customers/invitations/{id}");
    let response = app.staff_call(Method::POST, &resend, &other, None).await;
    assert_eq!(
        error_code(response).await.1,
        "NOT_FOUND",
        "another org's invitation"
    );
    let response = app.staff_call(Method::DELETE, &cancel, &other, None).await;
    assert_eq!(
        error_code(response).await.1,
        "NOT_FOUND",
        "another org's invitation"
    );

    // Resend, six days on: a new link that lives 7 more days; the old one is dead.
    app.clock.advance(Duration::from_secs(6 * 24 * 3600));
    let staff = app
        .staff_login(
            "acme",
            "owner@acme.test",
            crate::support::app::OWNER_PASSWORD,
        )
        .await;
    let response = app.staff_call(Method::POST, &resend, &staff, None).await;
    assert_eq!(response.status(), 200);
    let resent: Value = response.json().await.unwrap();
    assert_eq!(resent["expires_at"], "2030-01-28T09:00:00.000Z");
    let second = invitation_token(
        &smtp
            .wait_for_messages(2, Duration::from_secs(15))
            .await
            .unwrap()[1],
    );
    assert_ne!(first, second);
    let old = app
        .get(&format!("/api/customer/invitations/preview?token={first}"))
        .await;
    assert_eq!(error_code(old).await.1, "TOKEN_INVALID");
    app.clock.advance(Duration::from_secs(2 * 24 * 3600));
    let new = app
        .get(&format!("/api/customer/invitations/preview?token={second}"))
        .await;
    assert_eq!(new.status(), 200, "alive 8 days after the first mail");

    // Cancel: the link dies, the list empties, a second cancel is 404, inviting again works.
    let staff = app
        .staff_login(
            "acme",
            "owner@acme.test",
            crate::support::app::OWNER_PASSWORD,
        )
        .await;
    for (token, expected) in [(&staff, 204), (&staff, 404)] {
        let response = app.staff_call(Method::DELETE, &cancel, token, None).await;
        assert_eq!(response.status().as_u16(), expected);
    }
    assert_eq!(
        error_code(accept(&app, &second, PASSWORD).await).await.1,
        "TOKEN_INVALID"
    );
    let list = app
        .staff_get_ok("/api/admin/customers/invitations", &staff)
        .await;
    assert!(list["items"].as_array().unwrap().is_empty());
    let again = invite(&app, &staff, json!({ "email": "ann@customer.test" })).await;
    assert_eq!(again.status(), 201);
    for garbage in [
        "/api/admin/customers/invitations/nope/resend",
        "/api/admin/customers/invitations/nope",
    ] {
        let method = if garbage.ends_with("resend") {
            Method::POST
        } else {
            Method::DELETE
        };
        let response = app.staff_call(method, garbage, &staff, None).await;
        assert_eq!(error_code(response).await.1, "NOT_FOUND");
    }
    app.stop().await;
}
