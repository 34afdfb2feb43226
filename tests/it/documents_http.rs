//! Documents through the gateway: a streamed multipart upload, the workflow's moves and
//! refusals, customers seeing only what is published on projects they hold (on the very
//! request after it is taken away, nothing), downloads done properly (name, ETag, 304,
//! ranges, HEAD), the download log, and bad uploads refused with nothing kept.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::customer_invitation::Customer;
use crate::customer_lockout::{World, configure};
use crate::portal_access::create_project;
use crate::support::app::{TestApp, error_code, set_staff_role};
use crate::support::files::Files;
use atrium_common::testkit::smtp::SmtpServer;

pub(crate) const BOUNDARY: &str = "atrium-test-boundary";

/// One part of a multipart body: its name, file name (a file part) and bytes.
pub(crate) type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);
/// A tiny PDF: what the sniffer takes for one.
pub(crate) const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A `multipart/form-data` body of `parts` (name, file name, bytes), in order.
pub(crate) fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match file_name {
            Some(file) => format!("form-data; name=\"{name}\"; filename=\"{file}\""),
            None => format!("form-data; name=\"{name}\""),
        };
        body.extend_from_slice(format!("Content-Disposition: {disposition}\r\n").as_bytes());
        if file_name.is_some() {
            body.extend_from_slice(b"Content-Type: application/octet-stream\r\n");
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub(crate) async fn send_multipart(
    world: &World,
    method: Method,
    path: &str,
    parts: &[Part<'_>],
) -> reqwest::Response {
    world
        .app
        .http
        .request(method, world.app.url(path))
        .bearer_auth(&world.staff)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(parts))
        .send()
        .await
        .expect("upload")
}

/// A customer's GET with extra headers.
pub(crate) async fn customer_fetch(
    app: &TestApp,
    method: Method,
    path: &str,
    customer: &Customer,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = app
        .http
        .request(method, app.url(path))
        .header("cookie", &customer.cookie);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request")
}

pub(crate) fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// A world whose files live in `files` and whose uploads stop at 1 MiB.
pub(crate) async fn world(files: &Files) -> World {
    let smtp = SmtpServer::start().await.expect("smtp");
    let mail = configure(&smtp);
    let url = files.url();
    let app = TestApp::start_with(move |env| {
        mail(env);
        env.storage_url = Some(url);
        env.upload_max_bytes = Some(1024 * 1024);
    })
    .await;
    World::on(app, smtp).await
}

async fn move_to(world: &World, id: &str, action: &str) -> (u16, Value) {
    let path = format!("/api/admin/documents/{id}/{action}");
    let response = world.staff(Method::POST, &path, None).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_published_document_reaches_its_customer_and_nothing_else_does() {
    let files = Files::new().await;
    let world = world(&files).await;
    let (ann, ann_id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let house = create_project(&world, json!({"name": "House", "kind": "project"})).await;
    let house_id = house["id"].as_str().unwrap().to_owned();
    let assign = format!("/api/admin/projects/{house_id}/customers");
    let body = json!({ "customer_ids": [ann_id] });
    assert_eq!(
        world
            .staff(Method::PUT, &assign, Some(&body))
            .await
            .status(),
        200
    );

    // Fields first, the file last; the name keeps every character.
    let name = "Grundriss Küche (v1).pdf";
    let created = send_multipart(
        &world,
        Method::POST,
        &format!("/api/admin/projects/{house_id}/documents"),
        &[
            ("description", None, b"Ground floor"),
            ("file", Some(name), PDF),
        ],
    )
    .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (&created["status"], &created["version"], &created["title"]),
        (&json!("draft"), &json!(1), &json!(name))
    );
    assert_eq!(created["file"]["content_type"], "application/pdf");
    assert_eq!(created["file"]["sha256"], hex(&Sha256::digest(PDF)));
    let actor = &created["history"][0]["actor"];
    assert_eq!(
        (&actor["kind"], &actor["id"]),
        (&json!("staff"), &json!(world.staff_id))
    );
    assert!(actor["name"].is_string());

    // A draft is nowhere for the customer.
    let mine = format!("/api/customer/projects/{house_id}/documents");
    let listed: Value = customer_fetch(&world.app, Method::GET, &mine, &ann, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]));
    for path in [
        format!("/api/customer/documents/{id}"),
        format!("/api/customer/documents/{id}/download"),
    ] {
        let answer = customer_fetch(&world.app, Method::GET, &path, &ann, &[]).await;
        assert_eq!(answer.status(), 404, "{path}");
    }

    // The workflow, with its refusals changing nothing.
    let (status, refused) = move_to(&world, &id, "approve").await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (409, Some("INVALID_TRANSITION"))
    );
    assert_eq!(move_to(&world, &id, "submit").await.0, 200);
    let reject = format!("/api/admin/documents/{id}/reject");
    let (status, code, fields) = error_code(
        world
            .staff(Method::POST, &reject, Some(&json!({"reason": " "})))
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "VALIDATION_FAILED"));
    assert!(fields["error"]["fields"].get("reason").is_some());
    let rejected = world
        .staff(
            Method::POST,
            &reject,
            Some(&json!({"reason": "Wrong scale"})),
        )
        .await;
    assert_eq!(rejected.status(), 200);
    assert_eq!(move_to(&world, &id, "reopen").await.0, 200);
    let (status, published) = move_to(&world, &id, "publish").await;
    assert_eq!(
        (status, published["status"].as_str()),
        (200, Some("published"))
    );
    let actions: Vec<&str> = published["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["created", "submit", "reject", "reopen", "publish"]
    );
    assert_eq!(published["history"][2]["reason"], "Wrong scale");

    // Now the customer sees it and downloads it byte for byte, properly labelled.
    let listed: Value = customer_fetch(&world.app, Method::GET, &mine, &ann, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["id"], id.as_str());
    assert!(listed["items"][0].get("history").is_none());
    let download = format!("/api/customer/documents/{id}/download");
    let got = customer_fetch(&world.app, Method::GET, &download, &ann, &[]).await;
    assert_eq!(got.status(), 200);
    let etag = format!("\"{}\"", hex(&Sha256::digest(PDF)));
    assert_eq!(header(&got, "etag"), etag);
    assert_eq!(header(&got, "content-type"), "application/pdf");
    assert_eq!(header(&got, "x-content-type-options"), "nosniff");
    assert!(header(&got, "cache-control").contains("no-store"));
    assert_eq!(header(&got, "accept-ranges"), "bytes");
    assert_eq!(
        header(&got, "content-disposition"),
        "attachment; filename=\"Grundriss K_che (v1).pdf\"; \
         filename*=UTF-8''Grundriss%20K%C3%BCche%20%28v1%29.pdf"
    );
    assert_eq!(got.bytes().await.unwrap().as_ref(), PDF);
    let same = customer_fetch(
        &world.app,
        Method::GET,
        &download,
        &ann,
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(same.status(), 304);
    let part = customer_fetch(
        &world.app,
        Method::GET,
        &download,
        &ann,
        &[("range", "bytes=0-7")],
    )
    .await;
    assert_eq!(part.status(), 206);
    assert_eq!(
        header(&part, "content-range"),
        format!("bytes 0-7/{}", PDF.len())
    );
    assert_eq!(part.bytes().await.unwrap().as_ref(), &PDF[..8]);
    let outside = customer_fetch(
        &world.app,
        Method::GET,
        &download,
        &ann,
        &[("range", "bytes=9999-")],
    )
    .await;
    assert_eq!(outside.status(), 416);
    assert_eq!(
        header(&outside, "content-range"),
        format!("bytes */{}", PDF.len())
    );
    let head = customer_fetch(&world.app, Method::HEAD, &download, &ann, &[]).await;
    assert_eq!(head.status(), 200);
    assert_eq!(header(&head, "content-length"), PDF.len().to_string());

    // Staff read who downloaded it: the two whole downloads, not the range or HEAD.
    let log: Value = world
        .staff(
            Method::GET,
            &format!("/api/admin/documents/{id}/downloads"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let log = log["items"].as_array().unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[0]["customer"]["email"], "ann@customer.test");
    assert_eq!(log[0]["customer"]["name"], "Ann");

    // Publishing told Ann in-app.
    let mut notices = Value::Null;
    for _ in 0..100 {
        notices = customer_fetch(
            &world.app,
            Method::GET,
            "/api/customer/notifications",
            &ann,
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
        if notices["items"]
            .as_array()
            .is_some_and(|n| n.iter().any(|n| n["kind"] == "document_published"))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let notice = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "document_published")
        .expect("a document_published notice");
    assert!(notice["link"].as_str().unwrap().contains(&house_id));

    // A new version is a draft again: customers stop seeing it.
    let text = b"new plan, plain text";
    let replaced = send_multipart(
        &world,
        Method::PUT,
        &format!("/api/admin/documents/{id}/file"),
        &[("file", Some("plan.txt"), text)],
    )
    .await;
    assert_eq!(replaced.status(), 200);
    let replaced: Value = replaced.json().await.unwrap();
    assert_eq!(
        (&replaced["version"], &replaced["status"]),
        (&json!(2), &json!("draft"))
    );
    assert_eq!(replaced["file"]["content_type"], "text/plain");
    assert_eq!(files.count().await, 1, "the old version's file is gone");
    let gone = customer_fetch(&world.app, Method::GET, &download, &ann, &[]).await;
    assert_eq!(gone.status(), 404);
    let staff_copy = world
        .staff(
            Method::GET,
            &format!("/api/admin/documents/{id}/download"),
            None,
        )
        .await;
    assert_eq!(staff_copy.bytes().await.unwrap().as_ref(), text);

    // Published again, then the project is taken away: 403 on the very next request.
    assert_eq!(move_to(&world, &id, "publish").await.0, 200);
    let ok = customer_fetch(&world.app, Method::GET, &download, &ann, &[]).await;
    assert_eq!(ok.status(), 200);
    let body = json!({ "customer_ids": [] });
    assert_eq!(
        world
            .staff(Method::PUT, &assign, Some(&body))
            .await
            .status(),
        200
    );
    for path in [
        mine.clone(),
        format!("/api/customer/documents/{id}"),
        download.clone(),
    ] {
        let (status, code, _) =
            error_code(customer_fetch(&world.app, Method::GET, &path, &ann, &[]).await).await;
        assert_eq!(
            (status, code.as_str()),
            (403, "CUSTOMER_ASSIGNMENT_REVOKED"),
            "{path}"
        );
    }
}

pub(crate) fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn bad_uploads_and_other_orgs_ids_are_refused_and_change_nothing() {
    let files = Files::new().await;
    let world = world(&files).await;
    let house = create_project(&world, json!({"name": "House", "kind": "project"})).await;
    let house_id = house["id"].as_str().unwrap().to_owned();
    let upload = format!("/api/admin/projects/{house_id}/documents");

    let json_body = world
        .staff(Method::POST, &upload, Some(&json!({"title": "x"})))
        .await;
    assert_eq!(error_code(json_body).await.1, "UNSUPPORTED_MEDIA_TYPE");
    let big = vec![b'a'; 1024 * 1024 + 1];
    let html: &[u8] = b"<!DOCTYPE html><html><body>hi</body></html>";
    let svg: &[u8] = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"></svg>";
    let cases: [(&[Part<'_>], u16, &str, &str); 7] = [
        (
            &[("title", None, b"No file")],
            422,
            "VALIDATION_FAILED",
            "file",
        ),
        (&[("file", None, PDF)], 422, "VALIDATION_FAILED", "file"),
        (
            &[("file", Some("a.pdf"), PDF), ("title", None, b"late")],
            422,
            "VALIDATION_FAILED",
            "title",
        ),
        (
            &[("file", Some("page.html"), html)],
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "file",
        ),
        (
            &[("file", Some("logo.svg"), svg)],
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "file",
        ),
        (
            &[("file", Some("empty.pdf"), b"")],
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "file",
        ),
        (
            &[("file", Some("big.txt"), &big)],
            413,
            "PAYLOAD_TOO_LARGE",
            "file",
        ),
    ];
    for (parts, status, code, field) in cases {
        let answer = send_multipart(&world, Method::POST, &upload, parts).await;
        let (got, got_code, fields) = error_code(answer).await;
        assert_eq!((got, got_code.as_str()), (status, code), "{parts:?}");
        if status == 422 {
            assert!(
                fields["error"]["fields"].get(field).is_some(),
                "{code} names {field}: {fields}"
            );
        }
    }
    let listed: Value = world
        .staff(Method::GET, &upload, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]));
    assert_eq!(files.count().await, 0, "nothing was kept");

    // A type that needs approval holds publishing from draft; one in use stays.
    let types = "/api/admin/document-types";
    let contract = world
        .staff(
            Method::POST,
            types,
            Some(&json!({"name": "Contract", "requires_approval": true})),
        )
        .await;
    assert_eq!(contract.status(), 201);
    let contract: Value = contract.json().await.unwrap();
    let again = world
        .staff(Method::POST, types, Some(&json!({"name": "Contract"})))
        .await;
    assert_eq!(error_code(again).await.1, "ALREADY_EXISTS");
    let type_id = contract["id"].as_str().unwrap();
    let created = send_multipart(
        &world,
        Method::POST,
        &upload,
        &[
            ("title", None, b"Contract"),
            ("document_type_id", None, type_id.as_bytes()),
            ("file", Some("c.pdf"), PDF),
        ],
    )
    .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["document_type"]["requires_approval"], true);
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, refused) = move_to(&world, &id, "publish").await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (409, Some("APPROVAL_REQUIRED"))
    );
    let in_use = world
        .staff(Method::DELETE, &format!("{types}/{type_id}"), None)
        .await;
    assert_eq!(error_code(in_use).await.1, "CONFLICT");
    let patch = format!("/api/admin/documents/{id}");
    let malformed = world
        .app
        .http
        .patch(world.app.url(&patch))
        .bearer_auth(&world.staff)
        .header("content-type", "application/json")
        .body("{\"title\":")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(malformed).await.1, "MALFORMED_JSON");
    let (status, _, fields) = error_code(
        world
            .staff(Method::PATCH, &patch, Some(&json!({"title": 5})))
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(fields["error"]["fields"].get("title").is_some());

    // Another organization reaches none of it: every id is 404.
    let (_, _, theirs) = world.app.org_with_owner("other").await;
    for (method, path) in [
        (Method::GET, format!("/api/admin/documents/{id}")),
        (Method::PATCH, format!("/api/admin/documents/{id}")),
        (Method::DELETE, format!("/api/admin/documents/{id}")),
        (Method::GET, format!("/api/admin/documents/{id}/download")),
        (Method::GET, format!("/api/admin/documents/{id}/downloads")),
        (Method::POST, format!("/api/admin/documents/{id}/submit")),
        (
            Method::GET,
            format!("/api/admin/projects/{house_id}/documents"),
        ),
        (Method::DELETE, format!("{types}/{type_id}")),
    ] {
        let body = (method == Method::PATCH).then(|| json!({"title": "Mine"}));
        let answer = world
            .app
            .staff_call(method.clone(), &path, &theirs, body.as_ref())
            .await;
        assert_eq!(answer.status(), 404, "{method} {path}");
    }
    let theirs_upload = world
        .app
        .http
        .post(world.app.url(&upload))
        .bearer_auth(&theirs)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(&[("file", Some("a.pdf"), PDF)]))
        .send()
        .await
        .unwrap();
    assert_eq!(theirs_upload.status(), 404);

    // A viewer reads but changes nothing; the log also needs customers.view.
    set_staff_role(&world.app, &world.staff_id, "viewer").await;
    let viewer_upload = send_multipart(
        &world,
        Method::POST,
        &upload,
        &[("file", Some("a.pdf"), PDF)],
    )
    .await;
    let (status, code, _) = error_code(viewer_upload).await;
    assert_eq!((status, code.as_str()), (403, "PERMISSION_DENIED"));
    assert_eq!(move_to(&world, &id, "submit").await.0, 403);
    let read = world.staff(Method::GET, &patch, None).await;
    assert_eq!(read.status(), 200);
    let read: Value = read.json().await.unwrap();
    assert_eq!(read["status"], "draft", "nothing moved");
    assert_eq!(files.count().await, 1);
}
