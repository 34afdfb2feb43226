//! The share-link subjects besides billing's documents (design/links.md): a customer's
//! statement for a period, and a published project document sent to a customer its
//! project is assigned to; each sent, mailed, opened and downloaded through the gateway
//! with the token taken from the mail, and each dying with its subject.

use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_lockout::World;
use crate::documents_http::{PDF, send_multipart, world};
use crate::invoices::send;
use crate::links::{issued_invoice, mailed_token};
use crate::portal_access::create_project;
use crate::support::files::Files;

async fn open(world: &World, token: &str) -> (u16, Value) {
    let response = world.app.get(&format!("/api/links/{token}")).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_sent_statement_opens_its_own_period_and_downloads_as_a_pdf() {
    let world = World::start().await;
    let (_, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let invoice = issued_invoice(&world, &ada_id).await;
    world.mail(2).await; // invoice_issued
    let year = world.app.clock.now().format("%Y").to_string();
    let period =
        json!({"from": format!("{year}-01-01"), "to": format!("{year}-12-31"), "currency": "EUR"});
    let path = format!("/api/admin/customers/{ada_id}/statement/send");

    // Bad input changes nothing and mails nothing.
    for (body, want) in [
        (
            json!({"from": format!("{year}-02-01"), "to": format!("{year}-01-01"), "currency": "EUR"}),
            422,
        ),
        (
            json!({"from": "soon", "to": format!("{year}-01-01"), "currency": "EUR"}),
            422,
        ),
        (
            json!({"from": format!("{year}-01-01"), "to": format!("{year}-12-31"), "currency": "XXX"}),
            422,
        ),
        (json!({"from": format!("{year}-01-01")}), 422),
        (json!({"from": 1, "to": 2, "currency": 3}), 422),
    ] {
        let (status, answer) = send(&world, Method::POST, &path, Some(&body)).await;
        assert_eq!(status, want, "{body}: {answer}");
    }
    let stranger = format!(
        "/api/admin/customers/{}/statement/send",
        uuid::Uuid::new_v4()
    );
    let (status, answer) = send(&world, Method::POST, &stranger, Some(&period)).await;
    assert_eq!(status, 404, "{answer}");

    let (status, sent) = send(&world, Method::POST, &path, Some(&period)).await;
    assert_eq!(status, 202, "{sent}");
    let mail = world.mail(3).await;
    assert!(mail.parts().0.contains(&year), "the period is named");
    let token = mailed_token(&world, 3, "ada@example.test").await;

    let (status, shown) = open(&world, &token).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["subject"]["kind"], "statement");
    assert_eq!(shown["subject"]["from"], format!("{year}-01-01"));
    assert_eq!(shown["customer"]["name"], "Ada");
    let (_, staff_invoice) = send(
        &world,
        Method::GET,
        &format!("/api/admin/invoices/{invoice}"),
        None,
    )
    .await;
    assert_eq!(shown["subject"]["closing_balance"], staff_invoice["total"]);
    assert_eq!(shown["subject"]["entries"].as_array().unwrap().len(), 1);
    let pdf = world.app.get(&format!("/api/links/{token}/download")).await;
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    let page = crate::pages::get(&world, &format!("/i/{token}"), "").await;
    let page = page.text().await.unwrap();
    assert!(page.contains("id=\"closing-balance\""), "{page}");
    assert!(
        page.contains(&format!("{year}-01-01 – {year}-12-31")),
        "{page}"
    );

    // Staff find it among the customer's links; "send again" mails the same period.
    let (_, links) = send(
        &world,
        Method::GET,
        &format!("/api/admin/customers/{ada_id}/links"),
        None,
    )
    .await;
    let item = &links["items"][0];
    assert_eq!(
        (&item["subject"]["kind"], &item["subject"]["id"]),
        (&json!("statement"), &json!(ada_id))
    );
    assert_eq!(
        (&item["views"], &item["downloads"]),
        (&json!(2), &json!(1)),
        "the page counts too"
    );
    let end = world
        .app
        .post_json(&format!("/api/links/{token}/end"), &json!({}))
        .await;
    assert_eq!(end.status(), 204);
    assert_eq!(open(&world, &token).await.0, 422);
    let renew = world
        .app
        .post_json(&format!("/api/links/{token}/renew"), &json!({}))
        .await;
    assert_eq!(renew.status(), 202);
    let again = mailed_token(&world, 4, "ada@example.test").await;
    let (status, shown) = open(&world, &again).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["subject"]["to"], format!("{year}-12-31"));
}

/// A project assigned to the customer `customer_id`, with one published document.
async fn published_document(world: &World, customer_id: &str) -> (String, String) {
    let house = create_project(world, json!({"name": "House", "kind": "project"})).await;
    let house_id = house["id"].as_str().unwrap().to_owned();
    let assign = format!("/api/admin/projects/{house_id}/customers");
    let body = json!({ "customer_ids": [customer_id] });
    let assigned = world.staff(Method::PUT, &assign, Some(&body)).await;
    assert_eq!(assigned.status(), 200);
    let created = send_multipart(
        world,
        Method::POST,
        &format!("/api/admin/projects/{house_id}/documents"),
        &[
            ("title", None, b"Floor plan"),
            ("file", Some("plan.pdf"), PDF),
        ],
    )
    .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    (house_id, created["id"].as_str().unwrap().to_owned())
}

/// The token of the newest share link mailed to `email` once `n` mails are in (the
/// assignment's notice may come before or after a send's mail).
async fn newest_link(world: &World, n: usize, email: &str) -> String {
    world.mail(n).await;
    let mails = world.smtp.messages();
    let text = mails
        .iter()
        .rev()
        .filter(|mail| mail.rcpt_to.iter().any(|to| to == email))
        .map(|mail| mail.parts().0)
        .find(|text| text.contains("/i/"))
        .expect("a mail with a share link");
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| l.contains("/i/"))
        .unwrap();
    line.split_once("/i/").unwrap().1.to_owned()
}

async fn act(world: &World, id: &str, action: &str) -> u16 {
    let path = format!("/api/admin/documents/{id}/{action}");
    world
        .staff(Method::POST, &path, None)
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_sent_document_opens_for_its_customer_until_unpublished_or_unassigned() {
    let files = Files::new().await;
    let world = world(&files).await;
    let (_, ann_id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let (_, bob_id) = world.customer("bob@customer.test", "Bob", "", 2).await;
    let (house_id, id) = published_document(&world, &ann_id).await;
    let path = format!("/api/admin/documents/{id}/send");
    let to_ann = json!({ "customer_id": ann_id });

    // A draft is not sent; nor is anything to a customer the project is not assigned to.
    let (status, refused) = send(&world, Method::POST, &path, Some(&to_ann)).await;
    assert_eq!(
        (status, &refused["error"]["code"]),
        (409, &json!("INVALID_TRANSITION"))
    );
    assert_eq!(act(&world, &id, "publish").await, 200);
    for (body, want) in [
        (json!({ "customer_id": bob_id }), 404),
        (json!({ "customer_id": uuid::Uuid::new_v4() }), 404),
        (json!({ "customer_id": "nobody" }), 422),
        (json!({}), 422),
        (json!({ "customer_id": 7 }), 422),
    ] {
        let (status, answer) = send(&world, Method::POST, &path, Some(&body)).await;
        assert_eq!(status, want, "{body}: {answer}");
    }
    let elsewhere = format!("/api/admin/documents/{}/send", uuid::Uuid::new_v4());
    assert_eq!(
        send(&world, Method::POST, &elsewhere, Some(&to_ann))
            .await
            .0,
        404
    );

    let (status, sent) = send(&world, Method::POST, &path, Some(&to_ann)).await;
    assert_eq!(status, 202, "{sent}");
    let link_id = sent["link"]["id"].as_str().unwrap().to_owned();
    let token = newest_link(&world, 4, "ann@customer.test").await;
    let sent_mail = world
        .smtp
        .messages()
        .into_iter()
        .rev()
        .find(|m| m.parts().0.contains(&token));
    assert!(sent_mail.unwrap().parts().0.contains("Floor plan"));

    // Staff chose to send it: the documents switch does not apply to the link.
    let off = json!({"features": {"documents": false}});
    assert_eq!(
        send(&world, Method::PATCH, "/api/admin/settings", Some(&off))
            .await
            .0,
        200
    );
    let (status, shown) = open(&world, &token).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(
        (&shown["subject"]["kind"], &shown["subject"]["title"]),
        (&json!("document"), &json!("Floor plan"))
    );
    assert_eq!(shown["subject"]["file"]["name"], "plan.pdf");
    assert_eq!(shown["customer"]["name"], "Ann");
    assert_eq!(
        shown["actions"],
        json!(["download", "end_access", "portal_access"])
    );
    let page = crate::pages::get(&world, &format!("/i/{token}"), "").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains("<h1>Floor plan</h1>") && page.contains("plan.pdf"),
        "{page}"
    );
    let file = world.app.get(&format!("/api/links/{token}/download")).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["cache-control"], "no-store");
    assert_eq!(&file.bytes().await.unwrap()[..], PDF);

    // The send and the download are on the staff side, the download with its link.
    let (_, document) = send(
        &world,
        Method::GET,
        &format!("/api/admin/documents/{id}"),
        None,
    )
    .await;
    assert_eq!(document["sent_count"], 1, "{document}");
    assert!(document["sent_at"].is_string());
    let (_, log) = send(
        &world,
        Method::GET,
        &format!("/api/admin/documents/{id}/downloads"),
        None,
    )
    .await;
    assert_eq!(log["items"][0]["link_id"], json!(link_id), "{log}");
    let (_, links) = send(
        &world,
        Method::GET,
        &format!("/api/admin/documents/{id}/links"),
        None,
    )
    .await;
    assert_eq!(
        (&links["items"][0]["views"], &links["items"][0]["downloads"]),
        (&json!(2), &json!(1)),
        "the JSON and the page each count an open: {links}"
    );

    // Unpublished, the link is dead for good: publishing again does not bring it back.
    assert_eq!(act(&world, &id, "unpublish").await, 200);
    assert_eq!(open(&world, &token).await.0, 422);
    assert_eq!(act(&world, &id, "publish").await, 200);
    assert_eq!(open(&world, &token).await.0, 422);

    // Sent anew, the link dies the moment the project is no longer Ann's; sent again to
    // her once it is hers again, it dies with the document's deletion.
    let (status, _) = send(&world, Method::POST, &path, Some(&to_ann)).await;
    assert_eq!(status, 202);
    let token = newest_link(&world, 5, "ann@customer.test").await;
    assert_eq!(open(&world, &token).await.0, 200);
    let assign = format!("/api/admin/projects/{house_id}/customers");
    let none = json!({ "customer_ids": [] });
    assert_eq!(
        world
            .staff(Method::PUT, &assign, Some(&none))
            .await
            .status(),
        200
    );
    let (status, dead) = open(&world, &token).await;
    assert_eq!(
        (status, &dead["error"]["code"]),
        (422, &json!("TOKEN_INVALID"))
    );
    let download = world.app.get(&format!("/api/links/{token}/download")).await;
    assert_eq!(download.status(), 422);
    let ann_again = json!({ "customer_ids": [ann_id] });
    assert_eq!(
        world
            .staff(Method::PUT, &assign, Some(&ann_again))
            .await
            .status(),
        200
    );
    let (status, _) = send(&world, Method::POST, &path, Some(&to_ann)).await;
    assert_eq!(status, 202);
    let last = newest_link(&world, 7, "ann@customer.test").await;
    assert_eq!(open(&world, &last).await.0, 200);
    let gone = world
        .staff(Method::DELETE, &format!("/api/admin/documents/{id}"), None)
        .await;
    assert_eq!(gone.status(), 204);
    assert_eq!(open(&world, &last).await.0, 422);
    let (_, links) = send(
        &world,
        Method::GET,
        &format!("/api/admin/customers/{ann_id}/links"),
        None,
    )
    .await;
    assert!(links["items"][0]["revoked_at"].is_string(), "{links}");
}

#[tokio::test]
async fn a_credit_note_and_an_order_are_mailed_in_the_customer_s_language_and_open() {
    let world = World::start().await;
    let (_, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let invoice = issued_invoice(&world, &ada_id).await;
    world.mail(2).await; // invoice_issued
    let locale = json!({"locale": "de"});
    let (status, _) = send(
        &world,
        Method::PATCH,
        &format!("/api/admin/customers/{ada_id}"),
        Some(&locale),
    )
    .await;
    assert_eq!(status, 200);
    let note = world
        .app
        .http
        .post(
            world
                .app
                .url(&format!("/api/admin/invoices/{invoice}/credit-notes")),
        )
        .bearer_auth(&world.staff)
        .header("idempotency-key", "link-cn")
        .json(&json!({"reason": "Goodwill", "amount": {"amount_minor": 500, "currency": "EUR"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(note.status(), 201);
    let note: Value = note.json().await.unwrap();
    let (status, order) = send(
        &world,
        Method::POST,
        "/api/admin/orders",
        Some(&crate::invoices::worked_example(&ada_id)),
    )
    .await;
    assert_eq!(status, 201, "{order}");
    for (n, (path, kind, subject)) in [
        (
            format!(
                "/api/admin/credit-notes/{}/send",
                note["id"].as_str().unwrap()
            ),
            "credit_note",
            "Gutschrift",
        ),
        (
            format!("/api/admin/orders/{}/send", order["id"].as_str().unwrap()),
            "order",
            "Auftrag",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let (status, sent) = send(&world, Method::POST, &path, None).await;
        assert_eq!(status, 202, "{sent}");
        let token = mailed_token(&world, 3 + n, "ada@example.test").await;
        let mail = world.mail(3 + n).await;
        assert!(
            mail.header("subject").unwrap_or_default().contains(subject),
            "{kind}"
        );
        let (status, shown) = open(&world, &token).await;
        assert_eq!(
            (status, &shown["subject"]["kind"]),
            (200, &json!(kind)),
            "{shown}"
        );
        let pdf = world.app.get(&format!("/api/links/{token}/download")).await;
        assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"), "{kind}");
    }
}

#[tokio::test]
async fn a_decision_by_link_racing_one_in_the_portal_has_one_winner() {
    let world = World::start().await;
    let (ada, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let mut mails = 1;
    for round in 0..4 {
        let mut body = crate::invoices::worked_example(&ada_id);
        body["valid_until"] = json!("2099-01-31");
        let (_, quote) = send(&world, Method::POST, "/api/admin/quotes", Some(&body)).await;
        let id = quote["id"].as_str().unwrap().to_owned();
        let issue = format!("/api/admin/quotes/{id}/issue");
        assert_eq!(send(&world, Method::POST, &issue, None).await.0, 200);
        mails += 1;
        world.mail(mails).await; // quote_issued
        let path = format!("/api/admin/quotes/{id}/send");
        assert_eq!(send(&world, Method::POST, &path, None).await.0, 202);
        mails += 1;
        let token = mailed_token(&world, mails, "ada@example.test").await;

        // The link accepts while the signed-in customer declines (or the other way).
        let by_link = async {
            let verb = if round % 2 == 0 { "accept" } else { "decline" };
            let response = world
                .app
                .post_json(
                    &format!("/api/links/{token}/{verb}"),
                    &json!({"name": "Ada by link"}),
                )
                .await;
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        };
        let signed = json!({"name": "Ada in the portal"});
        let in_portal = crate::quotes::decide(&world, &ada, &id, round % 2 == 1, &signed);
        let (link, portal) = tokio::join!(by_link, in_portal);
        let answers = [&link, &portal];
        let won = answers.iter().filter(|(s, _)| *s == 200).count();
        assert_eq!(won, 1, "{answers:?}");
        let lost = answers.iter().find(|(s, _)| *s != 200).unwrap();
        assert_eq!(
            (lost.0, &lost.1["error"]["code"]),
            (409, &json!("QUOTE_NOT_OPEN")),
            "{answers:?}"
        );
        let (_, decided) = send(
            &world,
            Method::GET,
            &format!("/api/admin/quotes/{id}"),
            None,
        )
        .await;
        let channel = if link.0 == 200 { "link" } else { "portal" };
        assert_eq!(decided["decision"]["channel"], channel, "{decided}");
    }
}
