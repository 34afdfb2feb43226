//! The share-link page and the holder's asks through the gateway: `/i/{token}` shows the
//! document in the customer's language with no cookie, its forms (accept, decline,
//! end, renew, portal access) are plain form posts guarded by a form token derived
//! from the link, and "Send again" and "Get portal access" answer the same 202 for any
//! token while mailing only the address on file, 3 an hour per token.

use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_lockout::World;
use crate::invoices::{send, worked_example};
use crate::links::{issued_invoice, mailed_token};
use crate::pages::{get, post_form};

/// The hidden form token of a link page.
fn form_token_of(html: &str) -> String {
    let (_, rest) = html
        .split_once(r#"name="form_token" value=""#)
        .unwrap_or_else(|| panic!("no form token in:\n{html}"));
    rest.split('"').next().unwrap().to_owned()
}

/// An issued invoice of `customer` sent by link; answers the mailed token (mail `n`).
async fn sent_invoice(world: &World, customer: &str, email: &str, n: usize) -> String {
    let id = issued_invoice(world, customer).await;
    world.mail(n - 1).await; // invoice_issued
    let path = format!("/api/admin/invoices/{id}/send");
    assert_eq!(send(world, Method::POST, &path, None).await.0, 202);
    mailed_token(world, n, email).await
}

async fn ask(world: &World, token: &str, what: &str) -> (u16, Value, Option<String>) {
    let response = world
        .app
        .post_json(&format!("/api/links/{token}/{what}"), &json!({}))
        .await;
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let mut body: Value = response.json().await.unwrap_or(Value::Null);
    body["error"]["request_id"].take();
    (status, body, retry)
}

#[tokio::test]
async fn the_link_page_shows_the_document_and_its_forms_work_without_script() {
    let world = World::start().await;
    let (_, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let token = sent_invoice(&world, &ada_id, "ada@example.test", 3).await;

    let page = get(&world, &format!("/i/{token}"), "").await;
    assert_eq!(page.status(), 200);
    for (name, value) in [
        ("cache-control", "no-store"),
        ("referrer-policy", "no-referrer"),
        ("x-robots-tag", "noindex"),
    ] {
        assert_eq!(page.headers()[name], value, "{name}");
    }
    let html = page.text().await.unwrap();
    let year = world.app.clock.now().format("%Y").to_string();
    assert!(html.contains(&format!("INV-{year}-0001")), "{html}");
    assert!(html.contains(&format!("/api/links/{token}/download")));
    assert!(html.contains("Get portal access") && html.contains("End access"));
    assert!(
        !html.contains("/i/{token}/accept"),
        "an invoice offers no decision"
    );
    let form = form_token_of(&html);

    // The legacy alias shows the same; `/q/` opens quotes only; German on request.
    let alias = get(&world, &format!("/portal/{token}"), "").await;
    assert_eq!(alias.status(), 200);
    let not_a_quote = get(&world, &format!("/q/{token}"), "").await;
    assert_eq!(not_a_quote.status(), 422);
    assert!(
        not_a_quote
            .text()
            .await
            .unwrap()
            .contains("This link has expired")
    );
    let german = pages_client()
        .get(world.app.url(&format!("/i/{token}")))
        .header("accept-language", "de")
        .send()
        .await
        .unwrap();
    assert!(german.text().await.unwrap().contains("Zugriff beenden"));

    // A form without the link's form token changes nothing.
    let forged = post_form(&world, &format!("/i/{token}/end"), "", &[]).await;
    assert_eq!(forged.status(), 403);
    let other = "B".repeat(43);
    let wrong = post_form(
        &world,
        &format!("/i/{other}/end"),
        "",
        &[("form_token", &form)],
    )
    .await;
    assert_eq!(wrong.status(), 403, "a form token is bound to its link");
    assert_eq!(get(&world, &format!("/i/{token}"), "").await.status(), 200);

    // End access: 303 back to the page, which is now the dead-link page.
    let ended = post_form(
        &world,
        &format!("/i/{token}/end"),
        "",
        &[("form_token", &form)],
    )
    .await;
    assert_eq!(ended.status(), 303);
    assert_eq!(
        ended.headers()["location"],
        format!("/i/{token}?done=ended")
    );
    let dead = get(&world, &format!("/i/{token}?done=ended"), "").await;
    assert_eq!(dead.status(), 422);
    let dead = dead.text().await.unwrap();
    assert!(dead.contains("Access ended") && dead.contains("Send a new link"));
    assert!(
        !dead.contains("INV-"),
        "a dead link shows nothing of the document"
    );
    let unknown = get(&world, &format!("/i/{other}"), "").await;
    assert_eq!(unknown.status(), 422);
    let unknown = unknown.text().await.unwrap();
    assert!(unknown.contains("This link has expired"));

    // "Send a new link" from the dead page: 303, and the new link in the mail.
    let renew = post_form(
        &world,
        &format!("/i/{token}/renew"),
        "",
        &[("form_token", &form)],
    )
    .await;
    assert_eq!(renew.status(), 303);
    let fresh = mailed_token(&world, 4, "ada@example.test").await;
    assert_ne!(fresh, token);
    assert_eq!(get(&world, &format!("/i/{fresh}"), "").await.status(), 200);
}

fn pages_client() -> reqwest::Client {
    crate::pages::browser()
}

#[tokio::test]
async fn a_quote_is_accepted_on_its_link_page_with_a_typed_name() {
    let world = World::start().await;
    let (customer, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let mut body = worked_example(&ada_id);
    let until = world.app.clock.now().date_naive() + chrono::Duration::days(30);
    body["valid_until"] = json!(until.to_string());
    let (_, draft) = send(&world, Method::POST, "/api/admin/quotes", Some(&body)).await;
    let id = draft["id"].as_str().unwrap().to_owned();
    let issue = format!("/api/admin/quotes/{id}/issue");
    assert_eq!(send(&world, Method::POST, &issue, None).await.0, 200);
    world.mail(2).await; // quote_issued
    let path = format!("/api/admin/quotes/{id}/send");
    assert_eq!(send(&world, Method::POST, &path, None).await.0, 202);
    let token = mailed_token(&world, 3, "ada@example.test").await;

    // The old quote address works, and a session cookie changes nothing.
    let page = get(&world, &format!("/q/{token}"), &customer.cookie).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("/i/{token}/accept")), "{html}");
    let form = form_token_of(&html);

    // A missing name is the portal's refusal, on the page; nothing is decided.
    let nameless = post_form(
        &world,
        &format!("/i/{token}/accept"),
        "",
        &[("form_token", &form), ("name", " ")],
    )
    .await;
    assert_eq!(nameless.status(), 422);
    let accepted = post_form(
        &world,
        &format!("/i/{token}/accept"),
        "",
        &[("form_token", &form), ("name", "Ada Lovelace")],
    )
    .await;
    assert_eq!(accepted.status(), 303);
    let shown = get(&world, &format!("/i/{token}?done=accepted"), "").await;
    let shown = shown.text().await.unwrap();
    assert!(shown.contains("the quote is accepted") && shown.contains("Ada Lovelace"));
    let (_, quote) = send(
        &world,
        Method::GET,
        &format!("/api/admin/quotes/{id}"),
        None,
    )
    .await;
    assert_eq!(quote["status"], "accepted", "{quote}");
    assert_eq!(quote["decision"]["channel"], "link", "{quote}");
    let again = post_form(
        &world,
        &format!("/i/{token}/decline"),
        "",
        &[("form_token", &form)],
    )
    .await;
    assert_eq!(again.status(), 409, "one decision per quote");
}

#[tokio::test]
async fn send_again_mails_the_address_on_file_for_known_tokens_only_and_alike() {
    let world = World::start().await;
    let (_, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let token = sent_invoice(&world, &ada_id, "ada@example.test", 3).await;
    let unknown = "C".repeat(43);

    let (status, answer, _) = ask(&world, &unknown, "renew").await;
    assert_eq!(status, 202, "{answer}");
    // A refusal of the body itself is as private as every link answer.
    let malformed = reqwest::Client::new()
        .post(world.app.url(&format!("/api/links/{unknown}/accept")))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert!(malformed.status().is_client_error());
    assert_eq!(malformed.headers()["cache-control"], "no-store");
    assert_eq!(malformed.headers()["x-robots-tag"], "noindex");
    let (status, garbage, _) = ask(&world, "not-a-token", "renew").await;
    assert_eq!((status, &garbage), (202, &answer));
    // Known, and ended: a new link goes out, to the address on file.
    let ended = world
        .app
        .post_json(&format!("/api/links/{token}/end"), &json!({}))
        .await;
    assert_eq!(ended.status(), 204);
    let (status, known, _) = ask(&world, &token, "renew").await;
    assert_eq!(
        (status, &known),
        (202, &answer),
        "the same answer for every token"
    );
    let fresh = mailed_token(&world, 4, "ada@example.test").await;
    assert_ne!(fresh, token);
    let opened = world.app.get(&format!("/api/links/{fresh}")).await;
    assert_eq!(opened.status(), 200);

    // A revoked link is not renewed.
    let (_, links) = send(
        &world,
        Method::GET,
        &format!("/api/admin/customers/{ada_id}/links"),
        None,
    )
    .await;
    let items = links["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{links}");
    for link in items {
        let path = format!("/api/admin/links/{}", link["id"].as_str().unwrap());
        assert_eq!(send(&world, Method::DELETE, &path, None).await.0, 204);
    }
    assert_eq!(ask(&world, &fresh, "renew").await.0, 202);
    world.app.settled().await;
    assert_eq!(world.smtp.messages().len(), 4, "no mail for a revoked link");

    // 3 an hour per token as typed, known or not, with Retry-After.
    for token in [&fresh, &unknown] {
        for _ in 0..2 {
            assert_eq!(ask(&world, token, "renew").await.0, 202);
        }
        let (status, body, retry) = ask(&world, token, "renew").await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (429, &json!("RATE_LIMITED"))
        );
        assert!(retry.is_some(), "Retry-After");
    }
}

#[tokio::test]
async fn portal_access_mails_a_reset_or_the_invitation_again_and_answers_alike() {
    let world = World::start().await;
    let (_, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let token = sent_invoice(&world, &ada_id, "ada@example.test", 3).await;

    let (status, answer, _) = ask(&world, &"D".repeat(43), "portal-access").await;
    assert_eq!(status, 202);
    let (status, known, _) = ask(&world, &token, "portal-access").await;
    assert_eq!((status, &known), (202, &answer));
    let reset = world
        .mail_to("ada@example.test", "/customer/reset-password")
        .await;
    assert_eq!(reset.rcpt_to, ["ada@example.test"]);

    // Invited, no password yet: the invitation again (a new token).
    let invited = world
        .staff(
            Method::POST,
            "/api/admin/customers/invitations",
            Some(&json!({"email": "bob@example.test", "name": "Bob"})),
        )
        .await;
    assert_eq!(invited.status(), 201);
    let invited: Value = invited.json().await.unwrap();
    let bob_id = invited["customer"]["id"].as_str().unwrap().to_owned();
    let first = world
        .mail_to("bob@example.test", "/customer/accept-invitation")
        .await;
    let count = world.smtp.messages().len();
    let bob_token = sent_invoice(&world, &bob_id, "bob@example.test", count + 2).await;
    assert_eq!(ask(&world, &bob_token, "portal-access").await.0, 202);
    let mails = world.mail(count + 3).await;
    assert_eq!(mails.rcpt_to, ["bob@example.test"]);
    let again = crate::customer_lockout::link_token(&mails, "/customer/accept-invitation");
    let before = crate::customer_lockout::link_token(&first, "/customer/accept-invitation");
    assert_ne!(again, before, "a resend mails a new invitation token");
}

#[tokio::test]
async fn request_access_mails_fresh_links_to_the_open_documents_of_known_emails_only() {
    let world = World::start().await;
    let (_, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let invoice = issued_invoice(&world, &ada_id).await;
    world.mail(2).await; // invoice_issued
    let mut quote = worked_example(&ada_id);
    quote["valid_until"] = json!("2099-01-31");
    let (_, quote) = send(&world, Method::POST, "/api/admin/quotes", Some(&quote)).await;
    let quote_id = quote["id"].as_str().unwrap().to_owned();
    let issue = format!("/api/admin/quotes/{quote_id}/issue");
    assert_eq!(send(&world, Method::POST, &issue, None).await.0, 200);
    world.mail(3).await; // quote_issued
    let ask = |body: Value| {
        let world = &world;
        async move {
            let response = world
                .app
                .post_json("/api/links/request-access", &body)
                .await;
            let status = response.status().as_u16();
            let retry = response.headers().get("retry-after").is_some();
            let mut body: Value = response.json().await.unwrap_or(Value::Null);
            body["error"]["request_id"].take();
            (status, body, retry)
        }
    };

    // Known or not, the same answer; only the known email is mailed, at its address on
    // file, one mail with a link to each open document.
    let unknown = ask(json!({"org": "acme", "email": "nobody@example.test"})).await;
    let elsewhere = ask(json!({"org": "no-such-org", "email": "ada@example.test"})).await;
    let known = ask(json!({"org": "acme", "email": "ADA@example.test"})).await;
    assert_eq!(known.0, 202);
    assert_eq!(unknown, known);
    assert_eq!(elsewhere, known);
    let mail = world.mail(4).await;
    assert_eq!(mail.rcpt_to, ["ada@example.test"]);
    let (text, _) = mail.parts();
    let tokens: Vec<String> = text
        .lines()
        .filter_map(|line| line.trim().split_once("/i/").map(|(_, t)| t.to_owned()))
        .collect();
    assert_eq!(tokens.len(), 2, "{text}");
    let mut opened = Vec::new();
    for token in &tokens {
        let shown: Value = world
            .app
            .get(&format!("/api/links/{token}"))
            .await
            .json()
            .await
            .unwrap();
        opened.push((
            shown["subject"]["kind"].as_str().unwrap().to_owned(),
            shown["subject"]["id"].as_str().unwrap().to_owned(),
        ));
    }
    opened.sort();
    assert_eq!(
        opened,
        [
            ("invoice".to_owned(), invoice),
            ("quote".to_owned(), quote_id)
        ]
    );
    world.app.settled().await;
    assert_eq!(
        world.smtp.messages().len(),
        4,
        "nothing for the unknown ones"
    );

    // Bad bodies are refused; the limit is 3 an hour per email as typed, known or not.
    let wrong = world
        .app
        .http
        .post(world.app.url("/api/links/request-access"))
        .header("content-type", "text/plain")
        .body("ada@example.test")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 415);
    assert_eq!(ask(json!({"org": "acme"})).await.0, 422);
    for email in ["nobody@example.test", "ADA@example.test"] {
        let body = json!({"org": "acme", "email": email});
        for _ in 0..2 {
            assert_eq!(ask(body.clone()).await.0, 202);
        }
        let (status, refused, retry) = ask(body).await;
        assert_eq!(
            (status, &refused["error"]["code"], retry),
            (429, &json!("RATE_LIMITED"), true),
            "{email}"
        );
    }
}

#[tokio::test]
async fn the_console_sends_by_link_lists_the_link_s_use_and_revokes_it() {
    let world = World::start().await;
    let cookie = format!("atrium_staff={}", world.staff);
    let page = get(&world, "/admin/customers", &cookie).await;
    let csrf = crate::pages::csrf_of(page).await;

    // Added without an account: no mail, and the customer page offers the invitation.
    let added = post_form(
        &world,
        "/admin/customers",
        &cookie,
        &[
            ("csrf_token", &csrf),
            ("email", "erik@example.test"),
            ("name", "Erik"),
            ("mode", "no_account"),
        ],
    )
    .await;
    assert_eq!(added.status(), 303);
    let (_, found) = send(&world, Method::GET, "/api/admin/customers?q=erik", None).await;
    let erik = found["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(found["items"][0]["status"], "no_account");
    let customer = get(&world, &format!("/admin/customers/{erik}"), &cookie).await;
    assert!(
        customer
            .text()
            .await
            .unwrap()
            .contains("Invite to the portal")
    );

    let id = issued_invoice(&world, &erik).await;
    let invoice_page = format!("/admin/invoices/{id}");
    let html = get(&world, &invoice_page, &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Share links") && html.contains("Not sent by link yet."));
    let sent = post_form(
        &world,
        &format!("{invoice_page}/send"),
        &cookie,
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(sent.status(), 303);
    let token = mailed_token(&world, 1, "erik@example.test").await;
    assert_eq!(
        world.app.get(&format!("/api/links/{token}")).await.status(),
        200
    );
    let html = get(&world, &invoice_page, &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("class=\"num link-views\">1<"), "{html}");
    let (_, links) = send(
        &world,
        Method::GET,
        &format!("/api/admin/invoices/{id}/links"),
        None,
    )
    .await;
    let link = links["items"][0]["id"].as_str().unwrap().to_owned();

    // Revoking goes back to the invoice; a foreign "back" goes to the console's home.
    let revoked = post_form(
        &world,
        &format!("/admin/links/{link}/revoke"),
        &cookie,
        &[("csrf_token", &csrf), ("back", "//evil.test/x")],
    )
    .await;
    assert_eq!(revoked.status(), 303);
    let to = revoked.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with("/admin?"), "{to}");
    assert_eq!(
        world.app.get(&format!("/api/links/{token}")).await.status(),
        422
    );
    let html = get(&world, &invoice_page, &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Revoked"), "{html}");
    let wrong = post_form(
        &world,
        &format!("/admin/links/{link}/revoke"),
        &cookie,
        &[("csrf_token", "wrong"), ("back", &invoice_page)],
    )
    .await;
    assert_eq!(wrong.status(), 403);
}
