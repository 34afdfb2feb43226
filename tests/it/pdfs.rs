//! PDFs through the gateway: every billing document renders to a real PDF whose text
//! `pdftotext` reads back (the number, the customer, each line, the totals, the seller),
//! in the customer's language, to the same bytes every time (the SHA-256 is the ETag),
//! for staff and for the customer it belongs to only.

use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_invitation::{Customer, customer_call};
use crate::customer_lockout::World;
use crate::invoices::{send, worked_example};

/// The text `pdftotext -layout` reads from `pdf`; `None` where the tool is missing
/// (outside CI, where the test then says so and skips).
fn text_of(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    match std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) => {
            assert!(
                out.status.success(),
                "pdftotext: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8(out.stdout).unwrap())
        }
        Err(err) => {
            atrium_common::testkit::faults::missing(&format!("pdftotext (poppler-utils): {err}"))
                .unwrap();
            None
        }
    }
}

async fn staff_pdf(world: &World, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = world
        .app
        .http
        .get(world.app.url(path))
        .bearer_auth(&world.staff);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

async fn pdf_bytes(response: reqwest::Response) -> Vec<u8> {
    if response.status() != 200 {
        let url = response.url().clone();
        panic!("{url}: {}", response.text().await.unwrap());
    }
    assert_eq!(response.headers()["content-type"], "application/pdf");
    response.bytes().await.unwrap().to_vec()
}

async fn issued(world: &World, customer: &str) -> (String, Value) {
    let (_, draft) = send(
        world,
        Method::POST,
        "/api/admin/invoices",
        Some(&worked_example(customer)),
    )
    .await;
    let id = draft["id"].as_str().unwrap().to_owned();
    let body = json!({"issue_date": "2026-03-02"});
    let (status, invoice) = send(
        world,
        Method::POST,
        &format!("/api/admin/invoices/{id}/issue"),
        Some(&body),
    )
    .await;
    assert_eq!(status, 200);
    (id, invoice)
}

async fn mine(world: &World, who: &Customer, path: &str) -> reqwest::Response {
    customer_call(&world.app, Method::GET, path, who, None).await
}

#[tokio::test]
async fn every_document_renders_to_the_same_readable_pdf_in_the_customers_language() {
    let world = World::start().await;
    let (ada, ada_id) = world
        .customer("ada@example.test", "Ada Lovelace", "Analytical Ltd", 1)
        .await;
    let (bo, bo_id) = world.customer("bo@example.test", "Bo Berg", "", 2).await;
    let seller = json!({"legal_name": "Acme Ltd", "address": "1 Main Street\nLondon", "vat_id": "GB123456789",
                        "payment_instructions": "IBAN GB00 ACME 0000 0000 01"});
    assert_eq!(
        send(
            &world,
            Method::PATCH,
            "/api/admin/billing/settings",
            Some(&seller)
        )
        .await
        .0,
        200
    );
    let german = json!({"locale": "de", "address": "Hauptstraße 1\n10115 Berlin"});
    assert_eq!(
        send(
            &world,
            Method::PATCH,
            &format!("/api/admin/customers/{bo_id}"),
            Some(&german)
        )
        .await
        .0,
        200
    );

    let (id, invoice) = issued(&world, &ada_id).await;
    let number = invoice["number"].as_str().unwrap().to_owned();
    let path = format!("/api/admin/invoices/{id}/pdf");
    let response = staff_pdf(&world, &path, &[]).await;
    if response.status() != 200 {
        panic!("{}", response.text().await.unwrap());
    }
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let first = pdf_bytes(response).await;
    assert!(first.starts_with(b"%PDF-"), "a PDF");
    let again = pdf_bytes(staff_pdf(&world, &path, &[]).await).await;
    assert_eq!(first, again, "the same bytes every time");
    let theirs =
        pdf_bytes(mine(&world, &ada, &format!("/api/customer/invoices/{id}/pdf")).await).await;
    assert_eq!(first, theirs, "the customer downloads the same document");
    let cached = staff_pdf(&world, &path, &[("if-none-match", &etag)]).await;
    assert_eq!(cached.status(), 304);
    let ranged = staff_pdf(&world, &path, &[("range", "bytes=0-4")]).await;
    assert_eq!(ranged.status(), 206);
    assert_eq!(ranged.bytes().await.unwrap().as_ref(), b"%PDF-");

    if let Some(text) = text_of(&first) {
        for wanted in [
            number.as_str(),
            "Invoice",
            "Ada Lovelace",
            "Analytical Ltd",
            "Design",
            "Build",
            "Books",
            "27.93 EUR",
            "23.97 EUR",
            "2026-03-02",
            "2026-04-01",
            "Acme Ltd",
            "GB123456789",
            "IBAN GB00 ACME",
            "Amount due",
            "(−10 % discount)",
            "Thank you",
        ] {
            assert!(text.contains(wanted), "{wanted:?} in:\n{text}");
        }
    }

    // Bo reads German; Ada cannot have his.
    let (bos, bos_invoice) = issued(&world, &bo_id).await;
    let german_pdf =
        pdf_bytes(mine(&world, &bo, &format!("/api/customer/invoices/{bos}/pdf")).await).await;
    if let Some(text) = text_of(&german_pdf) {
        for wanted in [
            "Rechnung",
            bos_invoice["number"].as_str().unwrap(),
            "27,93 EUR",
            "02.03.2026",
            "Fällig am",
            "Hauptstraße 1",
            "Gesamt",
            "2,5",
        ] {
            assert!(text.contains(wanted), "{wanted:?} in:\n{text}");
        }
    }
    assert_eq!(
        mine(&world, &ada, &format!("/api/customer/invoices/{bos}/pdf"))
            .await
            .status(),
        404
    );

    // A draft: staff preview it, the customer cannot see it.
    let (_, draft) = send(
        &world,
        Method::POST,
        "/api/admin/invoices",
        Some(&worked_example(&ada_id)),
    )
    .await;
    let draft_id = draft["id"].as_str().unwrap();
    let preview =
        pdf_bytes(staff_pdf(&world, &format!("/api/admin/invoices/{draft_id}/pdf"), &[]).await)
            .await;
    if let Some(text) = text_of(&preview) {
        assert!(text.contains("Draft invoice"), "{text}");
    }
    assert_eq!(
        mine(
            &world,
            &ada,
            &format!("/api/customer/invoices/{draft_id}/pdf")
        )
        .await
        .status(),
        404
    );

    // Credit note, quote, order and statement.
    let note_path = format!("/api/admin/invoices/{id}/credit-notes");
    let note = world
        .app
        .http
        .post(world.app.url(&note_path))
        .bearer_auth(&world.staff)
        .header("idempotency-key", "pdf-cn")
        .json(&json!({"reason": "Goodwill", "amount": {"amount_minor": 500, "currency": "EUR"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(note.status(), 201);
    let note: Value = note.json().await.unwrap();
    let note_pdf = pdf_bytes(
        mine(
            &world,
            &ada,
            &format!(
                "/api/customer/credit-notes/{}/pdf",
                note["id"].as_str().unwrap()
            ),
        )
        .await,
    )
    .await;
    let mut quote = worked_example(&ada_id);
    quote["valid_until"] = json!("2099-01-31");
    quote["terms"] = json!("Half on signing");
    let (_, quote) = send(&world, Method::POST, "/api/admin/quotes", Some(&quote)).await;
    let quote_id = quote["id"].as_str().unwrap();
    let (_, quote) = send(
        &world,
        Method::POST,
        &format!("/api/admin/quotes/{quote_id}/issue"),
        None,
    )
    .await;
    let quote_pdf = pdf_bytes(
        mine(
            &world,
            &ada,
            &format!("/api/customer/quotes/{quote_id}/pdf"),
        )
        .await,
    )
    .await;
    let (_, order) = send(
        &world,
        Method::POST,
        "/api/admin/orders",
        Some(&worked_example(&ada_id)),
    )
    .await;
    let order_pdf = pdf_bytes(
        staff_pdf(
            &world,
            &format!("/api/admin/orders/{}/pdf", order["id"].as_str().unwrap()),
            &[],
        )
        .await,
    )
    .await;
    let today = world.app.clock.now().date_naive();
    let from = today - chrono::Duration::days(30);
    let period = format!("from={from}&to={today}&currency=EUR");
    let statement = pdf_bytes(
        mine(
            &world,
            &ada,
            &format!("/api/customer/statement/pdf?{period}"),
        )
        .await,
    )
    .await;
    let staff_statement = pdf_bytes(
        staff_pdf(
            &world,
            &format!("/api/admin/customers/{ada_id}/statement/pdf?{period}"),
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(statement, staff_statement);
    let bad = mine(&world, &ada, "/api/customer/statement/pdf?from=2026-01-01").await;
    assert_eq!(bad.status(), 422);
    for (pdf, wanted) in [
        (
            &note_pdf,
            vec![
                "Credit note",
                note["number"].as_str().unwrap(),
                number.as_str(),
                "5.00 EUR",
                "Goodwill",
            ],
        ),
        (
            &quote_pdf,
            vec![
                "Quote",
                quote["number"].as_str().unwrap(),
                "2099-01-31",
                "Half on signing",
                "27.93 EUR",
            ],
        ),
        (
            &order_pdf,
            vec![
                "Order confirmation",
                order["number"].as_str().unwrap(),
                "27.93 EUR",
            ],
        ),
        (
            &statement,
            vec![
                "Statement of account",
                "Opening balance",
                "Closing balance",
                number.as_str(),
                "22.93 EUR",
            ],
        ),
    ] {
        if let Some(text) = text_of(pdf) {
            for w in wanted {
                assert!(text.contains(w), "{w:?} in:\n{text}");
            }
        }
    }
}

/// The images `pdfimages -list` finds in `pdf`, as (width, height); `None` where the
/// tool is missing (it comes with pdftotext).
fn images_of(pdf: &[u8]) -> Option<Vec<(u32, u32)>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = match std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&path)
        .output()
    {
        Ok(out) => out,
        Err(err) => {
            atrium_common::testkit::faults::missing(&format!("pdfimages (poppler-utils): {err}"))
                .unwrap();
            return None;
        }
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8(out.stdout).unwrap();
    Some(
        listed
            .lines()
            .skip(2)
            .map(|line| line.split_whitespace().collect::<Vec<_>>())
            .filter(|cols| cols.get(2) == Some(&"image"))
            .map(|cols| (cols[3].parse().unwrap(), cols[4].parse().unwrap()))
            .collect(),
    )
}

#[tokio::test]
async fn the_orgs_stored_logo_heads_its_pdfs_and_a_new_one_replaces_it() {
    let world = World::start().await;
    let (_, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let (id, _) = issued(&world, &ada_id).await;
    let path = format!("/api/admin/invoices/{id}/pdf");
    let plain = pdf_bytes(staff_pdf(&world, &path, &[]).await).await;
    let Some(none) = images_of(&plain) else {
        return;
    };
    assert!(none.is_empty(), "no logo stored: {none:?}");
    let upload = |logo: Vec<u8>| {
        let world = &world;
        async move {
            let parts = [("file", Some("logo.png"), logo.as_slice())];
            let put = "/api/admin/settings/logo";
            let saved = crate::documents_http::send_multipart(world, Method::PUT, put, &parts);
            assert_eq!(saved.await.status(), 200);
        }
    };
    upload(crate::gallery::png(120, 40)).await;
    let headed = pdf_bytes(staff_pdf(&world, &path, &[]).await).await;
    assert_eq!(images_of(&headed).unwrap(), vec![(120, 40)]);
    let again = pdf_bytes(staff_pdf(&world, &path, &[]).await).await;
    assert_eq!(headed, again, "the same document and logo, the same bytes");
    let text = text_of(&headed).unwrap();
    assert!(text.contains("INV-2026-0001"), "{text}");

    upload(crate::gallery::png(64, 64)).await;
    let replaced = pdf_bytes(staff_pdf(&world, &path, &[]).await).await;
    assert_eq!(
        images_of(&replaced).unwrap(),
        vec![(64, 64)],
        "the new logo"
    );
}
