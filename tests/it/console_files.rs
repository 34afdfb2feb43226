//! The console's file forms, posted as a browser posts them (multipart, the CSRF token
//! as the first part): a document, a new version, a photo and the organization's logo
//! each refuse a missing or wrong token with nothing stored, and work with the right
//! one; the document's details form saves, and names the field it refuses.

use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_lockout::World;
use crate::documents_http::{BOUNDARY, PDF, Part, multipart, world};
use crate::gallery::png;
use crate::pages::{browser, csrf_of, get, post_form};
use crate::portal_access::create_project;
use crate::support::files::Files;

async fn post_multipart(
    world: &World,
    path: &str,
    cookie: &str,
    parts: &[Part<'_>],
) -> reqwest::Response {
    browser()
        .post(world.app.url(path))
        .header("cookie", cookie)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(parts))
        .send()
        .await
        .expect("upload")
}

fn location(response: &reqwest::Response) -> &str {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn json_of(world: &World, path: &str) -> Value {
    let response = world.staff(Method::GET, path, None).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_consoles_file_forms_check_their_csrf_token_and_keep_nothing_without_it() {
    let files = Files::new().await;
    let world = world(&files).await;
    let cookie = format!("atrium_staff={}", world.staff);
    let project = create_project(&world, json!({ "name": "House", "kind": "project" })).await;
    let id = project["id"].as_str().unwrap().to_owned();
    let csrf = csrf_of(get(&world, "/admin/settings", &cookie).await).await;
    let photo = png(8, 8);
    let documents = format!("/admin/projects/{id}/documents");
    let gallery = format!("/admin/projects/{id}/gallery");
    let forms: [(&str, Vec<Part<'_>>); 3] = [
        (
            &documents,
            vec![("title", None, b"Plan"), ("file", Some("plan.pdf"), PDF)],
        ),
        (&gallery, vec![("file", Some("a.png"), &photo)]),
        (
            "/admin/settings/logo",
            vec![("file", Some("logo.png"), &photo)],
        ),
    ];
    for (path, parts) in &forms {
        for sent in [None, Some("wrong-token")] {
            let mut all: Vec<Part<'_>> = sent
                .map(|token| ("csrf_token", None, token.as_bytes()))
                .into_iter()
                .collect();
            all.extend(parts.iter().copied());
            let refused = post_multipart(&world, path, &cookie, &all).await;
            assert_eq!(refused.status(), 403, "{path} with csrf {sent:?}");
        }
    }
    assert_eq!(files.count().await, 0, "a refused form stores nothing");
    let listed = json_of(&world, &format!("/api/admin/projects/{id}/documents")).await;
    assert_eq!(listed["items"], json!([]));
    let photos = json_of(&world, &format!("/api/admin/projects/{id}/gallery")).await;
    assert_eq!(photos["items"], json!([]));
    let settings = json_of(&world, "/api/admin/settings").await;
    assert_eq!(settings["branding"]["logo_url"], Value::Null);

    // With the token each form stores its file and answers where to look.
    for (path, parts) in &forms {
        let mut all: Vec<Part<'_>> = vec![("csrf_token", None, csrf.as_bytes())];
        all.extend(parts.iter().copied());
        let done = post_multipart(&world, path, &cookie, &all).await;
        assert_eq!(done.status(), 303, "{path}");
        assert!(
            location(&done).contains("?done="),
            "{path}: {}",
            location(&done)
        );
    }
    let listed = json_of(&world, &format!("/api/admin/projects/{id}/documents")).await;
    assert_eq!(listed["items"][0]["title"], "Plan");
    let photos = json_of(&world, &format!("/api/admin/projects/{id}/gallery")).await;
    assert_eq!(photos["items"].as_array().unwrap().len(), 1);
    let settings = json_of(&world, "/api/admin/settings").await;
    let logo_url = settings["branding"]["logo_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let logo_path = &logo_url[logo_url.find("/api/public/").unwrap()..];
    let logo = world
        .app
        .http
        .get(world.app.url(logo_path))
        .send()
        .await
        .unwrap();
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.bytes().await.unwrap().as_ref(), photo.as_slice());
    let settings_page = get(&world, "/admin/settings?done=saved", &cookie).await;
    let html = settings_page.text().await.unwrap();
    assert!(
        html.contains(&format!("src=\"{logo_url}\"")),
        "the console shows the logo"
    );

    // A new version: refused without the token, stored with it.
    let document = listed["items"][0]["id"].as_str().unwrap().to_owned();
    let version = format!("/admin/documents/{document}/file");
    let second = b"%PDF-1.4\n% the second version\n%%EOF\n";
    let refused = post_multipart(
        &world,
        &version,
        &cookie,
        &[
            ("csrf_token", None, b"wrong"),
            ("file", Some("plan-2.pdf"), second),
        ],
    )
    .await;
    assert_eq!(refused.status(), 403);
    let api = format!("/api/admin/documents/{document}");
    assert_eq!(json_of(&world, &api).await["version"], 1);
    let stored = post_multipart(
        &world,
        &version,
        &cookie,
        &[
            ("csrf_token", None, csrf.as_bytes()),
            ("file", Some("plan-2.pdf"), second),
        ],
    )
    .await;
    assert_eq!(stored.status(), 303);
    let read = json_of(&world, &api).await;
    assert_eq!(read["version"], 2);
    assert_eq!(read["file"]["name"], "plan-2.pdf");
}

#[tokio::test]
async fn the_document_details_form_saves_and_names_a_refused_field() {
    let files = Files::new().await;
    let world = world(&files).await;
    let cookie = format!("atrium_staff={}", world.staff);
    let project = create_project(&world, json!({ "name": "House", "kind": "project" })).await;
    let id = project["id"].as_str().unwrap();
    let kind = world
        .staff(
            Method::POST,
            "/api/admin/document-types",
            Some(&json!({ "name": "Drawing" })),
        )
        .await;
    assert_eq!(kind.status(), 201);
    let kind: Value = kind.json().await.unwrap();
    let csrf = csrf_of(get(&world, "/admin/settings", &cookie).await).await;
    let uploaded = post_multipart(
        &world,
        &format!("/admin/projects/{id}/documents"),
        &cookie,
        &[
            ("csrf_token", None, csrf.as_bytes()),
            ("title", None, b"Plan"),
            ("file", Some("plan.pdf"), PDF),
        ],
    )
    .await;
    assert_eq!(uploaded.status(), 303);
    let page = location(&uploaded).split('?').next().unwrap().to_owned();
    let document = page.rsplit('/').next().unwrap().to_owned();
    let api = format!("/api/admin/documents/{document}");

    let wrong = post_form(
        &world,
        &page,
        &cookie,
        &[("csrf_token", "wrong"), ("title", "Mallory's plan")],
    )
    .await;
    assert_eq!(wrong.status(), 403);
    let blank = post_form(
        &world,
        &page,
        &cookie,
        &[("csrf_token", &csrf), ("title", " ")],
    )
    .await;
    assert_eq!(blank.status(), 422);
    let html = blank.text().await.unwrap();
    assert!(
        html.contains(
            r#"id="e-title" name="title" type="text" required value="Plan" aria-invalid="true""#
        ),
        "{html}"
    );
    assert_eq!(
        json_of(&world, &api).await["title"],
        "Plan",
        "refusals change nothing"
    );

    let saved = post_form(
        &world,
        &page,
        &cookie,
        &[
            ("csrf_token", &csrf),
            ("title", "Ground floor plan"),
            ("description", "Scale 1:50"),
            ("document_type_id", kind["id"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(location(&saved), format!("{page}?done=saved"));
    let read = json_of(&world, &api).await;
    assert_eq!(read["title"], "Ground floor plan");
    assert_eq!(read["description"], "Scale 1:50");
    assert_eq!(read["document_type"]["name"], "Drawing");
    let shown = get(&world, &page, &cookie).await.text().await.unwrap();
    assert!(
        shown.contains(&format!(
            r#"<option value="{}" selected>Drawing</option>"#,
            kind["id"].as_str().unwrap()
        )),
        "{shown}"
    );

    // A blank type and description clear them.
    let cleared = post_form(
        &world,
        &page,
        &cookie,
        &[
            ("csrf_token", &csrf),
            ("title", "Ground floor plan"),
            ("description", ""),
            ("document_type_id", ""),
        ],
    )
    .await;
    assert_eq!(cleared.status(), 303);
    let read = json_of(&world, &api).await;
    assert_eq!(read["description"], "");
    assert_eq!(read["document_type"], Value::Null);
}
