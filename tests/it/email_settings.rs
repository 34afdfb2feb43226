//! Email templates and the outbox through the gateway: staff with `settings.manage` list,
//! read, override and restore templates (a broken one is refused when saved); the outbox
//! listing shows status and attempts but never a link, token or body; a failed message
//! can be retried; other roles get 403 before any lookup; another org's ids are 404.

use std::time::Duration;

use atrium_common::config::ServiceName;
use atrium_common::testkit::smtp::{Reply, SmtpServer};
use atrium_proto::notifier::v1 as pb;
use atrium_proto::notifier::v1::email_service_client::EmailServiceClient;
use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::support::app::{TestApp, error_code, set_staff_role};

const TEMPLATE: &str = "/api/admin/settings/email-templates/customer_invitation/de";
const SECRET_LINK: &str = "https://portal.test/customer/accept-invitation?token=TOP-SECRET-42";

fn invitation(org_id: &str, key: &str, to: &str, locale: &str) -> pb::EnqueueEmailRequest {
    pb::EnqueueEmailRequest {
        org_id: org_id.to_owned(),
        idempotency_key: key.to_owned(),
        template_key: "customer_invitation".into(),
        locale: locale.to_owned(),
        recipient_email: to.to_owned(),
        recipient_name: "Ann".into(),
        variables_json: json!({ "link": SECRET_LINK, "expires_at": "2030-01-22" }).to_string(),
        org_name: "Acme".into(),
        ..Default::default()
    }
}

async fn app_with_smtp(smtp: &SmtpServer) -> TestApp {
    let url = smtp.url();
    TestApp::start_with(move |env| env.smtp_url = Some(SecretString::from(url))).await
}

#[tokio::test]
async fn an_override_is_checked_when_saved_used_when_sending_and_restored_by_delete() {
    let smtp = SmtpServer::start().await.expect("smtp");
    let app = app_with_smtp(&smtp).await;
    let (org_id, _, token) = app.org_with_owner("acme").await;

    let list = app
        .staff_get_ok("/api/admin/settings/email-templates", &token)
        .await;
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 36, "18 keys in en and de");
    assert!(items.iter().all(|t| t["overridden"] == false));
    let default = app.staff_get_ok(TEMPLATE, &token).await;
    assert_eq!(default["locale"], "de");
    assert!(
        default["variables"]
            .as_array()
            .expect("variables")
            .contains(&json!("link"))
    );

    // Broken templates are refused with the field named, and nothing is saved.
    let broken = [
        (
            json!({"subject": "Hi {{ nobody }}", "text": "{{ link }}", "html": "<p>x</p>"}),
            "subject",
        ),
        (
            json!({"subject": "Hi", "text": "{{ link }} {% if %}", "html": "<p>x</p>"}),
            "text",
        ),
        (
            json!({"subject": "Hi", "text": "{{ link }}", "html": "{{ link | nofilter }}"}),
            "html",
        ),
        (
            json!({"subject": "Hi", "text": "no link here", "html": "<p>x</p>"}),
            "text",
        ),
        (
            json!({"subject": "  ", "text": "{{ link }}", "html": "<p>x</p>"}),
            "subject",
        ),
        (json!({"subject": "Hi", "html": "<p>x</p>"}), "text"),
        (
            json!({"subject": "Hi", "text": 5, "html": "<p>x</p>"}),
            "text",
        ),
    ];
    for (body, field) in broken {
        let response = app
            .staff_call(Method::PUT, TEMPLATE, &token, Some(&body))
            .await;
        let (status, code, error) = error_code(response).await;
        assert_eq!(
            (status, code.as_str()),
            (422, "VALIDATION_FAILED"),
            "{body}"
        );
        assert!(
            error["error"]["fields"][field].is_string(),
            "{field} named: {error}"
        );
    }
    let malformed = app
        .http
        .put(app.url(TEMPLATE))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(malformed).await.1, "MALFORMED_JSON");
    let form = app
        .http
        .put(app.url(TEMPLATE))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("subject=x")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415);
    let huge = json!({"subject": "Hi", "text": "x".repeat(70 * 1024), "html": "x"});
    let too_large = app
        .staff_call(Method::PUT, TEMPLATE, &token, Some(&huge))
        .await;
    assert_eq!(too_large.status(), 413);
    assert_eq!(
        app.staff_get_ok(TEMPLATE, &token).await["overridden"],
        false
    );

    for path in [
        "/api/admin/settings/email-templates/no_such_key/de",
        "/api/admin/settings/email-templates/customer_invitation/fr",
    ] {
        let response = app.staff_call(Method::GET, path, &token, None).await;
        assert_eq!(error_code(response).await.1, "NOT_FOUND", "{path}");
    }

    // A good override is saved, listed as overridden, and used for the next German mail.
    let good = json!({
        "subject": "Willkommen bei {{ org_name }}, {{ recipient_name }}",
        "text": "Hallo {{ recipient_name }},\n\n{{ link }}\n",
        "html": "<p>Hallo {{ recipient_name }}</p><p><a href=\"{{ link }}\">Annehmen</a></p>",
    });
    let saved = app
        .staff_call(Method::PUT, TEMPLATE, &token, Some(&good))
        .await;
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(saved["overridden"], true);
    assert!(saved["updated_at"].as_str().unwrap().ends_with('Z'));
    let mut email = EmailServiceClient::new(app.service_channel(ServiceName::Notifier));
    email
        .enqueue_email(
            atrium_common::auth::Principal::service().request(invitation(
                &org_id,
                "override-1",
                "ann@customer.test",
                "de",
            )),
        )
        .await
        .expect("enqueue");
    let mails = smtp
        .wait_for_messages(1, Duration::from_secs(10))
        .await
        .expect("mail");
    assert_eq!(
        mails[0].decoded_header("Subject"),
        "Willkommen bei Acme, Ann"
    );
    let (text, html) = mails[0].parts();
    assert!(text.lines().any(|line| line == SECRET_LINK), "{text}");
    assert!(html.contains("Annehmen"));

    // Restoring the default: 204, and the next mail uses the default again.
    let deleted = app.staff_call(Method::DELETE, TEMPLATE, &token, None).await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        app.staff_get_ok(TEMPLATE, &token).await["overridden"],
        false
    );
    email
        .enqueue_email(
            atrium_common::auth::Principal::service().request(invitation(
                &org_id,
                "override-2",
                "ann@customer.test",
                "de",
            )),
        )
        .await
        .expect("enqueue");
    let mails = smtp
        .wait_for_messages(2, Duration::from_secs(10))
        .await
        .expect("mail");
    assert_ne!(
        mails[1].decoded_header("Subject"),
        "Willkommen bei Acme, Ann"
    );
    app.stop().await;
}

#[tokio::test]
async fn another_org_keeps_its_own_templates() {
    let app = TestApp::start().await;
    let (_, _, acme) = app.org_with_owner("acme").await;
    let (_, _, globex) = app.org_with_owner("globex").await;
    let good = json!({"subject": "Acme only", "text": "{{ link }}", "html": "<p>{{ link }}</p>"});
    let saved = app
        .staff_call(Method::PUT, TEMPLATE, &acme, Some(&good))
        .await;
    assert_eq!(saved.status(), 200);
    let theirs = app.staff_get_ok(TEMPLATE, &globex).await;
    assert_eq!(theirs["overridden"], false);
    assert_ne!(theirs["subject"], "Acme only");
    app.stop().await;
}

#[tokio::test]
async fn the_outbox_shows_status_never_links_and_retries_a_failed_message() {
    let smtp = SmtpServer::start().await.expect("smtp");
    let app = app_with_smtp(&smtp).await;
    let (org_id, _, token) = app.org_with_owner("acme").await;
    let (other_org, _, other_token) = app.org_with_owner("globex").await;
    let mut email = EmailServiceClient::new(app.service_channel(ServiceName::Notifier));

    email
        .enqueue_email(
            atrium_common::auth::Principal::service().request(invitation(
                &org_id,
                "sent-1",
                "ann@customer.test",
                "",
            )),
        )
        .await
        .expect("enqueue");
    smtp.wait_for_messages(1, Duration::from_secs(10))
        .await
        .expect("mail");
    smtp.set_reply(Reply::PermFail);
    app.clock.advance(Duration::from_secs(1));
    let failed_id = email
        .enqueue_email(
            atrium_common::auth::Principal::service().request(invitation(
                &org_id,
                "failed-1",
                "bob@customer.test",
                "",
            )),
        )
        .await
        .expect("enqueue")
        .into_inner()
        .email_id;
    let other_id = email
        .enqueue_email(
            atrium_common::auth::Principal::service().request(invitation(
                &other_org,
                "other-1",
                "eve@customer.test",
                "",
            )),
        )
        .await
        .expect("enqueue")
        .into_inner()
        .email_id;

    let listing = wait_for_status(&app, &token, &failed_id, "failed").await;
    let text = listing.to_string();
    for secret in ["TOP-SECRET", "accept-invitation", "Ann", "token="] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let items = listing["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "only this org's messages: {text}");
    assert_eq!(items[0]["id"], failed_id.as_str(), "newest first");
    assert_eq!(items[0]["attempts"], 1);
    assert!(items[0]["last_error"].as_str().unwrap().contains("550"));
    assert_eq!(items[1]["status"], "sent");
    assert!(items[1]["sent_at"].as_str().unwrap().ends_with('Z'));

    let filtered = app
        .staff_get_ok("/api/admin/outbox?status=sent&page_size=1", &token)
        .await;
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);
    assert_eq!(filtered["items"][0]["status"], "sent");
    for bad in [
        "status=bogus",
        "page_size=0",
        "page_size=201",
        "page_size=x",
        "page_token=zzz",
    ] {
        let response = app
            .staff_call(
                Method::GET,
                &format!("/api/admin/outbox?{bad}"),
                &token,
                None,
            )
            .await;
        assert_eq!(error_code(response).await.0, 422, "{bad}");
    }

    // Retry: another org's id and garbage are 404, a sent message is 409, the failed one
    // is queued again and delivered once the server accepts.
    let retry = |id: &str| format!("/api/admin/outbox/{id}/retry");
    for id in [
        other_id.as_str(),
        "not-a-uuid",
        "00000000-0000-0000-0000-000000000000",
    ] {
        let response = app.staff_call(Method::POST, &retry(id), &token, None).await;
        assert_eq!(error_code(response).await.1, "NOT_FOUND", "{id}");
    }
    let sent_id = items[1]["id"].as_str().unwrap();
    let response = app
        .staff_call(Method::POST, &retry(sent_id), &token, None)
        .await;
    assert_eq!(error_code(response).await.0, 409);
    smtp.set_reply(Reply::Accept);
    let response = app
        .staff_call(Method::POST, &retry(&failed_id), &token, None)
        .await;
    assert_eq!(response.status(), 200);
    let mails = smtp
        .wait_for_messages(2, Duration::from_secs(10))
        .await
        .expect("retried mail");
    assert_eq!(mails[1].rcpt_to, vec!["bob@customer.test".to_owned()]);
    wait_for_status(&app, &token, &failed_id, "sent").await;

    // The other org sees only its own message.
    let theirs = app.staff_get_ok("/api/admin/outbox", &other_token).await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn without_settings_manage_every_settings_route_is_403_before_any_lookup() {
    let app = TestApp::start().await;
    let (_, owner_id, token) = app.org_with_owner("acme").await;
    set_staff_role(&app, &owner_id, "editor").await;

    let calls = [
        (
            Method::GET,
            "/api/admin/settings/email-templates".to_owned(),
        ),
        (Method::GET, TEMPLATE.to_owned()),
        (
            Method::GET,
            "/api/admin/settings/email-templates/nope/xx".to_owned(),
        ),
        (Method::PUT, TEMPLATE.to_owned()),
        (Method::DELETE, TEMPLATE.to_owned()),
        (Method::GET, "/api/admin/outbox".to_owned()),
        (
            Method::POST,
            "/api/admin/outbox/not-a-uuid/retry".to_owned(),
        ),
        (
            Method::POST,
            "/api/admin/outbox/00000000-0000-0000-0000-000000000000/retry".to_owned(),
        ),
    ];
    let body = json!({"subject": "x", "text": "{{ link }}", "html": "x"});
    for (method, path) in calls {
        let body = (method == Method::PUT).then_some(&body);
        let response = app.staff_call(method.clone(), &path, &token, body).await;
        let (status, code, error) = error_code(response).await;
        assert_eq!(
            (status, code.as_str()),
            (403, "PERMISSION_DENIED"),
            "{method} {path}"
        );
        assert_eq!(error["error"]["permission"], "settings.manage");
    }
    let anonymous = app.get("/api/admin/outbox").await;
    assert_eq!(error_code(anonymous).await.0, 401);
    app.stop().await;
}

async fn wait_for_status(app: &TestApp, token: &str, id: &str, status: &str) -> Value {
    for _ in 0..200 {
        let listing = app.staff_get_ok("/api/admin/outbox", token).await;
        let found = listing["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["id"] == id && item["status"] == status);
        if found {
            return listing;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{id} never reached {status}");
}
