//! Share links through the gateway (design/links.md): staff send an issued document,
//! the customer's mail carries one link on its own line, and the link opens that one
//! document with no cookie until it ends, is revoked or expires, each answering alike.

use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_lockout::World;
use crate::invoices::{send, worked_example};

/// The token of the newest share link mailed to `email` (the mail's own line).
pub async fn mailed_token(world: &World, n: usize, email: &str) -> String {
    let mail = world.mail(n).await;
    assert_eq!(mail.rcpt_to, [email]);
    let (text, _) = mail.parts();
    let line = text
        .lines()
        .map(str::trim)
        .find(|line| line.contains("/i/"))
        .unwrap_or_else(|| panic!("no share link in:\n{text}"));
    let (_, token) = line.split_once("/i/").unwrap();
    assert_eq!(token.len(), 43, "a 32-byte token in base64url: {line}");
    token.to_owned()
}

pub async fn issued_invoice(world: &World, customer: &str) -> String {
    let (status, draft) = send(
        world,
        Method::POST,
        "/api/admin/invoices",
        Some(&worked_example(customer)),
    )
    .await;
    assert_eq!(status, 201, "{draft}");
    let id = draft["id"].as_str().unwrap().to_owned();
    let refused = send(
        world,
        Method::POST,
        &format!("/api/admin/invoices/{id}/send"),
        None,
    )
    .await;
    assert_eq!(
        (refused.0, &refused.1["error"]["code"]),
        (409, &json!("INVOICE_NOT_ISSUED")),
        "a draft is not sent: {}",
        refused.1
    );
    let path = format!("/api/admin/invoices/{id}/issue");
    assert_eq!(send(world, Method::POST, &path, None).await.0, 200);
    id
}

/// A link holder's request: never a cookie.
async fn open(world: &World, token: &str) -> (u16, Value, reqwest::header::HeaderMap) {
    let response = world.app.get(&format!("/api/links/{token}")).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (
        status,
        response.json().await.unwrap_or(Value::Null),
        headers,
    )
}

#[tokio::test]
async fn a_sent_invoice_opens_by_its_link_without_a_cookie_until_access_ends() {
    let world = World::start().await;
    let (_, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let id = issued_invoice(&world, &ada_id).await;
    world.mail(2).await; // invoice_issued

    let (status, sent) = send(
        &world,
        Method::POST,
        &format!("/api/admin/invoices/{id}/send"),
        None,
    )
    .await;
    assert_eq!(status, 202, "{sent}");
    assert!(sent["link"]["id"].is_string() && sent["link"]["expires_at"].is_string());
    assert!(
        !sent.to_string().contains("token"),
        "the answer never holds the token"
    );
    let token = mailed_token(&world, 3, "ada@example.test").await;

    let (status, shown, headers) = open(&world, &token).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["subject"]["kind"], "invoice");
    assert_eq!(shown["subject"]["id"], json!(id));
    let year = world.app.clock.now().format("%Y").to_string();
    assert_eq!(shown["subject"]["number"], format!("INV-{year}-0001"));
    assert_eq!(shown["customer"]["name"], "Ada");
    assert_eq!(
        shown["actions"],
        json!(["download", "end_access", "portal_access"])
    );
    for (name, value) in [
        ("cache-control", "no-store"),
        ("referrer-policy", "no-referrer"),
        ("x-robots-tag", "noindex"),
    ] {
        assert_eq!(headers[name], value, "{name}");
    }
    let not_a_quote = world
        .app
        .post_json(
            &format!("/api/links/{token}/accept"),
            &json!({"name": "Ada"}),
        )
        .await;
    assert_eq!(not_a_quote.status(), 422, "an invoice link decides nothing");
    let pdf = world.app.get(&format!("/api/links/{token}/download")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    // Staff see the send and its use; opening consumed nothing.
    let (status, links) = send(
        &world,
        Method::GET,
        &format!("/api/admin/invoices/{id}/links"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{links}");
    assert_eq!(links["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        (&links["items"][0]["views"], &links["items"][0]["downloads"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(open(&world, &token).await.0, 200);
    let (_, invoice) = send(
        &world,
        Method::GET,
        &format!("/api/admin/invoices/{id}"),
        None,
    )
    .await;
    assert_eq!(invoice["sent_count"], json!(1), "{invoice}");
    assert!(invoice["sent_at"].is_string());

    // End access: the link dies for good, and answers as an unknown token does.
    let ended = world
        .app
        .post_json(&format!("/api/links/{token}/end"), &json!({}))
        .await;
    assert_eq!(ended.status(), 204);
    let (dead, mut dead_body, dead_headers) = open(&world, &token).await;
    let (unknown, mut unknown_body, _) = open(&world, &"A".repeat(43)).await;
    let (garbage, mut garbage_body, _) = open(&world, "not-a-token").await;
    for body in [&mut dead_body, &mut unknown_body, &mut garbage_body] {
        body["error"]["request_id"].take();
    }
    assert_eq!((dead, unknown, garbage), (422, 422, 422));
    assert_eq!(dead_body["error"]["code"], "TOKEN_INVALID");
    assert_eq!(dead_body, unknown_body);
    assert_eq!(dead_body, garbage_body);
    assert_eq!(dead_headers["cache-control"], "no-store");
    let again = world
        .app
        .post_json(&format!("/api/links/{token}/end"), &json!({}))
        .await;
    assert_eq!(again.status(), 422);
    let download = world.app.get(&format!("/api/links/{token}/download")).await;
    assert_eq!(download.status(), 422);
}

#[tokio::test]
async fn each_send_is_a_new_link_staff_can_revoke_and_expiry_ends_them_all() {
    let world = World::start().await;
    let (_, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let id = issued_invoice(&world, &ada_id).await;
    world.mail(2).await;
    let path = format!("/api/admin/invoices/{id}/send");
    let (_, first) = send(&world, Method::POST, &path, None).await;
    let first_token = mailed_token(&world, 3, "ada@example.test").await;
    send(&world, Method::POST, &path, None).await;
    let second_token = mailed_token(&world, 4, "ada@example.test").await;
    assert_ne!(first_token, second_token);
    assert_eq!(
        open(&world, &first_token).await.0,
        200,
        "an earlier link keeps working"
    );

    // Another organization's staff cannot revoke it; its own can.
    let (_, _, other) = world.app.org_with_owner("other").await;
    let link = format!("/api/admin/links/{}", first["link"]["id"].as_str().unwrap());
    let theirs = world
        .app
        .staff_call(Method::DELETE, &link, &other, None)
        .await;
    assert_eq!(theirs.status(), 404);
    assert_eq!(open(&world, &first_token).await.0, 200);
    let (status, _) = send(&world, Method::DELETE, &link, None).await;
    assert_eq!(status, 204);
    assert_eq!(open(&world, &first_token).await.0, 422, "revoked");
    assert_eq!(
        open(&world, &second_token).await.0,
        200,
        "the other link lives on"
    );
    let other_links = world
        .app
        .staff_call(
            Method::GET,
            &format!("/api/admin/invoices/{id}/links"),
            &other,
            None,
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        other_links["items"],
        json!([]),
        "another org sees none of them"
    );

    // 24 hours on, every link of the invoice has expired.
    world
        .app
        .clock
        .advance(std::time::Duration::from_secs(86_401));
    assert_eq!(open(&world, &second_token).await.0, 422);
}

#[tokio::test]
async fn a_quote_link_offers_the_decision_and_ignores_the_billing_switches() {
    let world = World::start().await;
    let (_, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let mut body = worked_example(&ada_id);
    let until = world.app.clock.now().date_naive() + chrono::Duration::days(30);
    body["valid_until"] = json!(until.to_string());
    let (status, draft) = send(&world, Method::POST, "/api/admin/quotes", Some(&body)).await;
    assert_eq!(status, 201, "{draft}");
    let id = draft["id"].as_str().unwrap();
    let (status, refused) = send(
        &world,
        Method::POST,
        &format!("/api/admin/quotes/{id}/send"),
        None,
    )
    .await;
    assert_eq!(
        (status, &refused["error"]["code"]),
        (409, &json!("INVALID_TRANSITION"))
    );
    send(
        &world,
        Method::POST,
        &format!("/api/admin/quotes/{id}/issue"),
        None,
    )
    .await;
    world.mail(2).await; // quote_issued
    let (status, _) = send(
        &world,
        Method::POST,
        &format!("/api/admin/quotes/{id}/send"),
        None,
    )
    .await;
    assert_eq!(status, 202);
    let token = mailed_token(&world, 3, "ada@example.test").await;

    // Staff chose to send it: neither the feature nor can_view_invoices applies.
    let off = json!({"features": {"billing": false}});
    assert_eq!(
        send(&world, Method::PATCH, "/api/admin/settings", Some(&off))
            .await
            .0,
        200
    );
    let denied = json!({"can_view_invoices": false});
    let permissions = format!("/api/admin/customers/{ada_id}/permissions");
    assert_eq!(
        send(&world, Method::PUT, &permissions, Some(&denied))
            .await
            .0,
        200
    );
    let (status, shown, _) = open(&world, &token).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["subject"]["kind"], "quote");
    assert_eq!(
        shown["actions"],
        json!([
            "download",
            "accept",
            "decline",
            "end_access",
            "portal_access"
        ])
    );
    // The decision by link: the portal's rules, with the link as evidence.
    let post = |path: String, body: Value| {
        let world = &world;
        async move {
            let response = world.app.post_json(&path, &body).await;
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (status, unsigned) = post(format!("/api/links/{token}/accept"), json!({"name": " "})).await;
    assert_eq!(
        (status, &unsigned["error"]["code"]),
        (422, &json!("VALIDATION_FAILED")),
        "{unsigned}"
    );
    let (status, accepted) = post(
        format!("/api/links/{token}/accept"),
        json!({"name": "Ada Lovelace"}),
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["status"], "accepted");
    let (status, again) = post(format!("/api/links/{token}/decline"), json!({})).await;
    assert_eq!(
        (status, &again["error"]["code"]),
        (409, &json!("QUOTE_NOT_OPEN")),
        "{again}"
    );
    assert_eq!(
        open(&world, &token).await.0,
        200,
        "deciding consumed nothing"
    );
    let (status, quotes) = send(
        &world,
        Method::GET,
        &format!("/api/admin/quotes/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(quotes["decision"]["channel"], "link", "{quotes}");
    assert_eq!(quotes["decision"]["name"], "Ada Lovelace");
    assert!(quotes["decision"]["link_id"].is_string());
    assert_eq!(
        quotes["sent_count"],
        json!(1),
        "the send is counted: {quotes}"
    );
    assert!(quotes["sent_at"].is_string());
}

#[tokio::test]
async fn a_link_opens_its_own_subject_only_even_when_billing_is_called_directly() {
    use atrium_common::auth::Principal;
    use atrium_common::config::ServiceName;
    use atrium_proto::billing::v1 as billing;
    use atrium_proto::billing::v1::customer_invoice_service_client::CustomerInvoiceServiceClient;

    let world = World::start().await;
    let (_, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let first = issued_invoice(&world, &ada_id).await;
    let second = issued_invoice(&world, &ada_id).await;
    world.mail(3).await;
    let (_, sent) = send(
        &world,
        Method::POST,
        &format!("/api/admin/invoices/{first}/send"),
        None,
    )
    .await;
    mailed_token(&world, 4, "ada@example.test").await;
    let link_id = sent["link"]["id"].as_str().unwrap().to_owned();

    // Billing checks with the link store that the link is live, Ada's and about this
    // invoice: a caller inside the cluster cannot bend it onto another of her invoices,
    // nor use it for another customer, while the features stay out of it.
    let off = json!({"features": {"billing": false}});
    assert_eq!(
        send(&world, Method::PATCH, "/api/admin/settings", Some(&off))
            .await
            .0,
        200
    );
    let org = world.app.staff_get_ok("/api/admin/me", &world.staff).await["org_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut client =
        CustomerInvoiceServiceClient::new(world.app.service_channel(ServiceName::Billing));
    let ask = |customer: &str, invoice: &str| {
        let mut request = tonic::Request::new(billing::InvoiceRequest {
            invoice_id: invoice.to_owned(),
            link_id: link_id.clone(),
        });
        Principal::customer(
            org.parse::<uuid::Uuid>().unwrap(),
            customer.parse::<uuid::Uuid>().unwrap(),
        )
        .write_to(request.metadata_mut());
        request
    };
    let own = client.get_my_invoice(ask(&ada_id, &first)).await;
    assert!(own.is_ok(), "{own:?}");
    let bent = client
        .get_my_invoice(ask(&ada_id, &second))
        .await
        .unwrap_err();
    assert_eq!(bent.code(), tonic::Code::InvalidArgument, "{bent:?}");
    let stranger = uuid::Uuid::new_v4().to_string();
    let theirs = client
        .get_my_invoice(ask(&stranger, &first))
        .await
        .unwrap_err();
    assert_eq!(theirs.code(), tonic::Code::InvalidArgument, "{theirs:?}");
}

#[tokio::test]
async fn a_deactivated_customer_s_links_die_and_stay_dead_after_reactivation() {
    let world = World::start().await;
    let (_, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let id = issued_invoice(&world, &ada_id).await;
    world.mail(2).await;
    send(
        &world,
        Method::POST,
        &format!("/api/admin/invoices/{id}/send"),
        None,
    )
    .await;
    let token = mailed_token(&world, 3, "ada@example.test").await;
    assert_eq!(open(&world, &token).await.0, 200);

    let deactivate = format!("/api/admin/customers/{ada_id}/deactivate");
    assert_eq!(send(&world, Method::POST, &deactivate, None).await.0, 200);
    // Identity tells the link store through its outbox, moments later.
    let mut status = 200;
    for _ in 0..100 {
        status = open(&world, &token).await.0;
        if status != 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, 422, "the link died with the account's access");
    let reactivate = format!("/api/admin/customers/{ada_id}/reactivate");
    assert_eq!(send(&world, Method::POST, &reactivate, None).await.0, 200);
    assert_eq!(
        open(&world, &token).await.0,
        422,
        "a revoked link stays revoked"
    );
    let (_, links) = send(
        &world,
        Method::GET,
        &format!("/api/admin/customers/{ada_id}/links"),
        None,
    )
    .await;
    assert!(links["items"][0]["revoked_at"].is_string(), "{links}");
}
