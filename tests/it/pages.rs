//! The web pages over HTTP: every page's headers, 303 to sign-in without a live session,
//! CSRF refusal that changes nothing, tiers that never mix, and forms that work as plain
//! form posts (no script). The journeys in a real browser are `tests/browser/`.

use reqwest::redirect::Policy;
use serde_json::json;

use crate::customer_lockout::{PASSWORD, World};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A browser that follows no redirect and keeps no cookie: each test says what it sends.
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client")
}

pub(crate) async fn get(world: &World, path: &str, cookie: &str) -> reqwest::Response {
    let mut request = browser().get(world.app.url(path));
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("request")
}

pub(crate) async fn post_form(
    world: &World,
    path: &str,
    cookie: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut request = browser()
        .post(world.app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("request")
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn assert_page_headers(response: &reqwest::Response, path: &str) {
    assert_eq!(header(response, "content-security-policy"), CSP, "{path}");
    assert_eq!(
        header(response, "x-content-type-options"),
        "nosniff",
        "{path}"
    );
    assert_eq!(header(response, "cache-control"), "no-store", "{path}");
    let referrer = if path.contains("token=") {
        "no-referrer"
    } else {
        "same-origin"
    };
    assert_eq!(header(response, "referrer-policy"), referrer, "{path}");
    // The world's public URL is https.
    assert!(
        header(response, "strict-transport-security").starts_with("max-age="),
        "{path}"
    );
}

/// The CSRF token a page's forms carry.
pub(crate) async fn csrf_of(response: reqwest::Response) -> String {
    let html = response.text().await.unwrap();
    let at = html
        .find("name=\"csrf_token\" value=\"")
        .expect("a form with a CSRF token");
    let rest = &html[at + 25..];
    rest[..rest.find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn every_page_answers_with_the_headers_of_web_md() {
    let world = World::start().await;
    let (customer, _) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let staff_cookie = format!("atrium_staff={}", world.staff);
    let public = [
        "/customer/login",
        "/customer/login?org=acme",
        "/customer/forgot-password",
        "/customer/reset-password?token=abc",
        "/customer/accept-invitation?token=abc",
        "/admin/login",
        "/gallery/acme/no-such-gallery",
    ];
    for path in public {
        let response = get(&world, path, "").await;
        assert!(
            matches!(response.status().as_u16(), 200 | 404 | 422),
            "{path}: {}",
            response.status()
        );
        assert_page_headers(&response, path);
        assert!(
            header(&response, "content-type").starts_with("text/html"),
            "{path}"
        );
    }
    for path in [
        "/customer",
        "/customer/projects",
        "/customer/notifications",
        "/customer/settings",
    ] {
        let response = get(&world, path, &customer.cookie).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_page_headers(&response, path);
    }
    for path in [
        "/admin",
        "/admin/customers",
        "/admin/customers/invitations",
        "/admin/projects",
        "/admin/staff",
        "/admin/notifications",
        "/admin/outbox",
        "/admin/audit?action=customer.invited&from=2020-01-01&to=2099-12-31",
    ] {
        let response = get(&world, path, &staff_cookie).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_page_headers(&response, path);
    }
    // The console's home shows the recent activity.
    let home = get(&world, "/admin", &staff_cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(home.contains("Recent activity") && home.contains("customer.invited"));
    // The trail and the outbox hold what just happened (the invitation).
    let trail = get(
        &world,
        "/admin/audit?action=customer.invited",
        &staff_cookie,
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(trail.contains("customer.invited"));
    let outbox = get(&world, "/admin/outbox", &staff_cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(outbox.contains("ann@customer.test"));
    // A filter the API refuses is the API's 422 on the page too.
    let bad = get(&world, "/admin/audit?from=yesterday", &staff_cookie).await;
    assert_eq!(bad.status(), 422);

    // The assets: content-hashed names, cached for a year; any other name is 404.
    let page = get(&world, "/customer/login", "")
        .await
        .text()
        .await
        .unwrap();
    let css = page
        .split("href=\"/assets/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let asset = get(&world, &format!("/assets/{css}"), "").await;
    assert_eq!(asset.status(), 200);
    assert!(header(&asset, "cache-control").contains("immutable"));
    assert!(header(&asset, "content-type").starts_with("text/css"));
    assert_eq!(get(&world, "/assets/app.css", "").await.status(), 404);
}

#[tokio::test]
async fn a_page_without_a_live_session_answers_303_to_its_sign_in() {
    let world = World::start().await;
    let response = get(&world, "/customer/projects", "").await;
    assert_eq!(response.status(), 303);
    assert_eq!(header(&response, "location"), "/customer/login");
    // The browser remembers the organization it signed in to.
    let response = get(
        &world,
        "/customer",
        "atrium_session=expired; atrium_org=acme",
    )
    .await;
    assert_eq!(response.status(), 303);
    assert_eq!(header(&response, "location"), "/customer/login?org=acme");
    let response = get(&world, "/admin/customers", "atrium_staff=not-a-token").await;
    assert_eq!(response.status(), 303);
    assert_eq!(header(&response, "location"), "/admin/login");

    // A deactivated customer's next click lands on sign-in.
    let (customer, id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    assert_eq!(
        get(&world, "/customer", &customer.cookie).await.status(),
        200
    );
    let deactivated = world
        .staff(
            reqwest::Method::POST,
            &format!("/api/admin/customers/{id}/deactivate"),
            None,
        )
        .await;
    assert_eq!(deactivated.status(), 200);
    assert_eq!(
        get(&world, "/customer", &customer.cookie).await.status(),
        303
    );
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused_and_changes_nothing() {
    let world = World::start().await;
    let (customer, _) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let settings = get(&world, "/customer/settings", &customer.cookie).await;
    let csrf = csrf_of(settings).await;
    for sent in ["", "wrong-token"] {
        let mut form = vec![("name", "Mallory")];
        if !sent.is_empty() {
            form.push(("csrf_token", sent));
        }
        let refused = post_form(
            &world,
            "/customer/settings/profile",
            &customer.cookie,
            &form,
        )
        .await;
        assert_eq!(refused.status(), 403, "csrf {sent:?}");
    }
    let page = get(&world, "/customer/settings", &customer.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("value=\"Ann\""),
        "the refused forms changed nothing"
    );
    // With the token the same form works, without any script.
    let saved = post_form(
        &world,
        "/customer/settings/profile",
        &customer.cookie,
        &[
            ("csrf_token", &csrf),
            ("name", "Ann Smith"),
            ("company", "Smith & Co"),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let page = get(&world, "/customer/settings", &customer.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("value=\"Ann Smith\""));
    assert!(page.contains("value=\"Smith &#38; Co\"") || page.contains("value=\"Smith &amp; Co\""));

    // Staff: an invitation without the token is refused and sends nothing.
    let staff_cookie = format!("atrium_staff={}", world.staff);
    let refused = post_form(
        &world,
        "/admin/customers",
        &staff_cookie,
        &[("email", "eve@customer.test")],
    )
    .await;
    assert_eq!(refused.status(), 403);
    let csrf = csrf_of(get(&world, "/admin/customers", &staff_cookie).await).await;
    let wrong = post_form(
        &world,
        "/admin/customers",
        &staff_cookie,
        &[("csrf_token", "x"), ("email", "eve@customer.test")],
    )
    .await;
    assert_eq!(wrong.status(), 403);
    let list = world
        .staff(reqwest::Method::GET, "/api/admin/customers?q=eve", None)
        .await;
    let list: serde_json::Value = list.json().await.unwrap();
    assert_eq!(list["items"], json!([]), "no customer was invited");
    let invited = post_form(
        &world,
        "/admin/customers",
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("email", "eve@customer.test"),
            ("name", "Eve"),
        ],
    )
    .await;
    assert_eq!(invited.status(), 303);
    assert_eq!(
        header(&invited, "location"),
        "/admin/customers?done=invited"
    );
}

#[tokio::test]
async fn a_refused_form_names_its_field_in_the_readers_language() {
    let world = World::start().await;
    let (customer, _) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let german = format!("{}; atrium_lang=de", customer.cookie);
    let csrf = csrf_of(get(&world, "/customer/settings", &german).await).await;
    let long = "x".repeat(201);
    let refused = post_form(
        &world,
        "/customer/settings/profile",
        &german,
        &[("csrf_token", &csrf), ("name", &long)],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains(r#"role="alert" id="form-error">Name: zu lang (höchstens 200 Zeichen).</p>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"id="name" name="name" type="text" autocomplete="name" value="Ann" aria-invalid="true" aria-describedby="form-error""#),
        "{page}"
    );
    assert_eq!(page.matches("aria-invalid").count(), 1);
    // Passwords typed differently: the confirmation is the field, nothing changes.
    let differ = post_form(
        &world,
        "/customer/settings/password",
        &customer.cookie,
        &[
            ("csrf_token", &csrf),
            ("current_password", PASSWORD),
            ("new_password", "a-new-long-password-1"),
            ("confirm_password", "a-new-long-password-2"),
        ],
    )
    .await;
    assert_eq!(differ.status(), 422);
    let page = differ.text().await.unwrap();
    assert!(
        page.contains(r#"id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" aria-invalid="true""#),
        "{page}"
    );
    // A wrong current password is that field's, and the password stays.
    let wrong = post_form(
        &world,
        "/customer/settings/password",
        &customer.cookie,
        &[
            ("csrf_token", &csrf),
            ("current_password", "not the password at all"),
            ("new_password", "a-new-long-password-1"),
            ("confirm_password", "a-new-long-password-1"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 401);
    let page = wrong.text().await.unwrap();
    assert!(page.contains("Current password: is wrong."), "{page}");
    assert!(
        page.contains(r#"name="current_password" type="password" autocomplete="current-password" aria-invalid="true""#),
        "{page}"
    );
    // Staff: an invitation to a malformed address keeps what was typed and names Email.
    let staff_cookie = format!("atrium_staff={}", world.staff);
    let csrf = csrf_of(get(&world, "/admin/customers", &staff_cookie).await).await;
    let refused = post_form(
        &world,
        "/admin/customers",
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("email", "not-an-address"),
            ("name", "Eve"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Email: enter an email address like name@example.com."),
        "{page}"
    );
    assert!(
        page.contains(
            r#"name="email" type="email" required value="not-an-address" aria-invalid="true""#
        ),
        "{page}"
    );
    assert!(page.contains(r#"value="Eve""#), "{page}");
}

#[tokio::test]
async fn the_console_shows_only_what_the_role_allows() {
    let world = World::start().await;
    let cookie = format!("atrium_staff={}", world.staff);
    let everything = [
        "/admin/customers",
        "/admin/projects",
        "/admin/staff",
        "/admin/settings",
        "/admin/outbox",
        "/admin/audit",
        "/admin/notifications",
        "/admin/profile",
    ];
    let home = get(&world, "/admin", &cookie).await.text().await.unwrap();
    for link in everything {
        assert!(home.contains(&format!("href=\"{link}\"")), "owner: {link}");
    }
    crate::support::app::set_staff_role(&world.app, &world.staff_id, "viewer").await;
    let home = get(&world, "/admin", &cookie).await.text().await.unwrap();
    for link in ["/admin/projects", "/admin/notifications", "/admin/profile"] {
        assert!(home.contains(&format!("href=\"{link}\"")), "viewer: {link}");
    }
    for link in [
        "/admin/customers",
        "/admin/staff",
        "/admin/settings",
        "/admin/outbox",
    ] {
        assert!(
            !home.contains(&format!("href=\"{link}\"")),
            "viewer: {link}"
        );
        // Typed in by hand, the page says no in words.
        let refused = get(&world, link, &cookie).await;
        assert_eq!(refused.status(), 403, "{link}");
        assert!(
            refused
                .text()
                .await
                .unwrap()
                .contains("You are not allowed to do this."),
            "{link}"
        );
    }
}

#[tokio::test]
async fn the_tiers_never_mix() {
    let world = World::start().await;
    let (customer, _) = world.customer("ann@customer.test", "Ann", "", 1).await;
    // The customer's cookie opens no console page.
    assert_eq!(get(&world, "/admin", &customer.cookie).await.status(), 303);
    // The console's cookie opens no customer page, and the JSON API stays bearer-only.
    let staff_cookie = format!("atrium_staff={}", world.staff);
    assert_eq!(get(&world, "/customer", &staff_cookie).await.status(), 303);
    let api = browser()
        .get(world.app.url("/api/admin/me"))
        .header("cookie", &staff_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 401);
    // A bearer token on a console page is not its session either.
    let bearer = browser()
        .get(world.app.url("/admin"))
        .bearer_auth(&world.staff)
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), 303);
}

#[tokio::test]
async fn sign_in_and_out_work_as_plain_form_posts() {
    let world = World::start().await;
    world.customer("ann@customer.test", "Ann", "", 1).await;
    let wrong = post_form(
        &world,
        "/customer/login",
        "",
        &[
            ("org", "acme"),
            ("email", "ann@customer.test"),
            ("password", "not it at all"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 401);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("The email or password is wrong.")
    );
    let signed_in = post_form(
        &world,
        "/customer/login",
        "",
        &[
            ("org", "acme"),
            ("email", "ann@customer.test"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(header(&signed_in, "location"), "/customer");
    let cookies: Vec<String> = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("atrium_session="))
        .unwrap()
        .clone();
    assert!(cookies.iter().any(|c| c == "atrium_org=acme"));
    let home = get(&world, "/customer", &session).await;
    assert_eq!(home.status(), 200);
    let csrf = csrf_of(home).await;
    let out = post_form(
        &world,
        "/customer/logout",
        &session,
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(out.status(), 303);
    assert_eq!(header(&out, "location"), "/customer/login?org=acme");
    assert_eq!(get(&world, "/customer", &session).await.status(), 303);

    // Staff: the console's own cookie, HttpOnly, SameSite=Strict, Path=/admin.
    let staff = post_form(
        &world,
        "/admin/login",
        "",
        &[
            ("org", "acme"),
            ("email", "owner@acme.test"),
            ("password", crate::support::app::OWNER_PASSWORD),
        ],
    )
    .await;
    assert_eq!(staff.status(), 303);
    let set = header(&staff, "set-cookie").to_owned();
    assert!(set.starts_with("atrium_staff="), "{set}");
    for attribute in ["Path=/admin", "HttpOnly", "SameSite=Strict", "Secure"] {
        assert!(set.contains(attribute), "{set} lacks {attribute}");
    }
    // A German browser gets German, and the switch's cookie wins over it.
    let german = browser()
        .get(world.app.url("/customer/login"))
        .header("accept-language", "de-DE,de;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(german.contains("<html lang=\"de\">") && german.contains("Anmelden"));
    let english = browser()
        .get(world.app.url("/customer/login"))
        .header("accept-language", "de-DE")
        .header("cookie", "atrium_lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("<html lang=\"en\">") && english.contains("Sign in"));
}

#[tokio::test]
async fn staff_manage_a_customer_from_the_console_with_plain_forms() {
    let world = World::start().await;
    let (ann, id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let house =
        crate::portal_access::create_project(&world, json!({"name": "House", "kind": "project"}))
            .await;
    let house_id = house["id"].as_str().unwrap();
    let staff_cookie = format!("atrium_staff={}", world.staff);
    let page_path = format!("/admin/customers/{id}");
    let csrf = csrf_of(get(&world, &page_path, &staff_cookie).await).await;

    // "Manage galleries": the ticked projects become the customer's in one save.
    let saved = post_form(
        &world,
        &format!("{page_path}/projects"),
        &staff_cookie,
        &[("csrf_token", &csrf), ("project_ids", house_id)],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let projects = world
        .staff(
            reqwest::Method::GET,
            &format!("/api/admin/customers/{id}/projects"),
            None,
        )
        .await;
    let projects: serde_json::Value = projects.json().await.unwrap();
    assert_eq!(projects["project_ids"], json!([house_id]));
    // Its notice is stored as a kind with parameters and read in the reader's language.
    let german = format!("{}; atrium_lang=de", ann.cookie);
    let mut worded = false;
    for _ in 0..100 {
        let page = get(&world, "/customer/notifications", &german)
            .await
            .text()
            .await
            .unwrap();
        if page.contains("Mit Ihnen geteilt: House") {
            worded = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(worded, "the assignment notice reads in German");

    // A permission override, then back to the organization's default.
    let form = [("csrf_token", csrf.as_str()), ("can_approve_work", "no")];
    assert_eq!(
        post_form(
            &world,
            &format!("{page_path}/permissions"),
            &staff_cookie,
            &form
        )
        .await
        .status(),
        303
    );
    let permissions = world
        .staff(
            reqwest::Method::GET,
            &format!("/api/admin/customers/{id}/permissions"),
            None,
        )
        .await;
    let permissions: serde_json::Value = permissions.json().await.unwrap();
    assert_eq!(permissions["overrides"]["can_approve_work"], false);
    assert_eq!(permissions["effective"]["can_approve_work"], false);

    // Erase needs the customer's email typed: anything else changes nothing.
    let wrong = post_form(
        &world,
        &format!("{page_path}/erase"),
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("confirm_email", "someone@else.test"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 422);
    let still = world
        .staff(
            reqwest::Method::GET,
            &format!("/api/admin/customers/{id}"),
            None,
        )
        .await;
    let still: serde_json::Value = still.json().await.unwrap();
    assert_eq!(still["email"], "ann@customer.test");
    let erased = post_form(
        &world,
        &format!("{page_path}/erase"),
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("confirm_email", "ANN@customer.test"),
        ],
    )
    .await;
    assert_eq!(erased.status(), 303);
    let gone = world
        .staff(
            reqwest::Method::GET,
            &format!("/api/admin/customers/{id}"),
            None,
        )
        .await;
    let gone: serde_json::Value = gone.json().await.unwrap();
    assert_ne!(gone["email"], "ann@customer.test");

    // A pending invitation: resent, then cancelled, from the invitations page.
    let invited = world
        .staff(
            reqwest::Method::POST,
            "/api/admin/customers/invitations",
            Some(&json!({"email": "bob@customer.test"})),
        )
        .await;
    assert_eq!(invited.status(), 201);
    let invited: serde_json::Value = invited.json().await.unwrap();
    let invitation = invited["invitation"]["id"].as_str().unwrap();
    let list = get(&world, "/admin/customers/invitations", &staff_cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("bob@customer.test"));
    for action in ["resend", "cancel"] {
        let done = post_form(
            &world,
            &format!("/admin/customers/invitations/{invitation}/{action}"),
            &staff_cookie,
            &[("csrf_token", &csrf)],
        )
        .await;
        assert_eq!(done.status(), 303, "{action}");
    }
    let list = get(&world, "/admin/customers/invitations", &staff_cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !list.contains("bob@customer.test"),
        "a cancelled invitation is no longer pending"
    );
}

#[tokio::test]
async fn staff_create_and_edit_a_project_and_its_phases_with_plain_forms() {
    let world = World::start().await;
    let staff_cookie = format!("atrium_staff={}", world.staff);
    let csrf = csrf_of(get(&world, "/admin/projects", &staff_cookie).await).await;
    let created = post_form(
        &world,
        "/admin/projects",
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("name", "Lake House"),
            ("kind", "gallery"),
            ("starts_on", "2026-05-01"),
            ("guest_password", "lake guest pass"),
        ],
    )
    .await;
    assert_eq!(created.status(), 303);
    let location = header(&created, "location").to_owned();
    let id = location
        .strip_prefix("/admin/projects/")
        .expect("to the new project")
        .to_owned();
    let project = project_of(&world, &id).await;
    assert_eq!(project["name"], "Lake House");
    assert_eq!(project["starts_on"], "2026-05-01");
    assert_eq!(project["has_guest_password"], true);

    let edited = post_form(
        &world,
        &format!("/admin/projects/{id}/edit"),
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("name", "Lake House II"),
            ("status", "completed"),
            ("description", "By the lake"),
            ("starts_on", ""),
        ],
    )
    .await;
    assert_eq!(edited.status(), 303);
    let project = project_of(&world, &id).await;
    assert_eq!(project["name"], "Lake House II");
    assert_eq!(project["status"], "completed");
    assert_eq!(
        project["starts_on"],
        serde_json::Value::Null,
        "a blank date clears it"
    );
    assert_eq!(
        project["has_guest_password"], true,
        "a blank guest password keeps it"
    );

    let phases = format!("/admin/projects/{id}/phases");
    let added = post_form(
        &world,
        &phases,
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("name", "Shoot"),
            ("status", "in_progress"),
            ("percent_complete", "50"),
        ],
    )
    .await;
    assert_eq!(added.status(), 303);
    // Bad input is the API's 422, shown on the page; nothing changes.
    let bad = post_form(
        &world,
        &phases,
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("name", "Edit"),
            ("status", "pending"),
            ("percent_complete", "150"),
        ],
    )
    .await;
    assert_eq!(bad.status(), 422);
    // The message names the field, and only the refused form's field is marked.
    let page = bad.text().await.unwrap();
    assert!(
        page.contains("Percent complete: must be between 0 and 100."),
        "{page}"
    );
    assert!(
        page.contains(r#"id="np-pct" name="percent_complete" type="number" min="0" max="100" value="0" aria-invalid="true" aria-describedby="form-error""#),
        "{page}"
    );
    assert_eq!(page.matches("aria-invalid").count(), 1, "{page}");
    let project = project_of(&world, &id).await;
    assert_eq!(project["phases"].as_array().unwrap().len(), 1);
    assert_eq!(project["progress"], 50);
    let phase_id = project["phases"][0]["id"].as_str().unwrap().to_owned();
    let saved = post_form(
        &world,
        &format!("{phases}/{phase_id}"),
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("status", "done"),
            ("percent_complete", "100"),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(project_of(&world, &id).await["progress"], 100);
    let deleted = post_form(
        &world,
        &format!("{phases}/{phase_id}/delete"),
        &staff_cookie,
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(deleted.status(), 303);
    assert_eq!(project_of(&world, &id).await["phases"], json!([]));

    // The team: the ticked members with their role on the project.
    let me = world
        .staff(reqwest::Method::GET, "/api/admin/me", None)
        .await;
    let me: serde_json::Value = me.json().await.unwrap();
    let me = me["id"].as_str().unwrap().to_owned();
    let page = get(&world, &format!("/admin/projects/{id}"), &staff_cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("name=\"role_title_{me}\"")),
        "the team editor lists the member"
    );
    let role_field = format!("role_title_{me}");
    let team = post_form(
        &world,
        &format!("/admin/projects/{id}/team"),
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("staff_ids", &me),
            (&role_field, "Lead photographer"),
        ],
    )
    .await;
    assert_eq!(team.status(), 303);
    let project = project_of(&world, &id).await;
    assert_eq!(project["team"][0]["staff_id"], me.as_str());
    assert_eq!(project["team"][0]["role_title"], "Lead photographer");

    // Deleting needs the box ticked.
    let delete = format!("/admin/projects/{id}/delete");
    let unticked = post_form(&world, &delete, &staff_cookie, &[("csrf_token", &csrf)]).await;
    assert_eq!(unticked.status(), 422);
    assert_eq!(project_of(&world, &id).await["name"], "Lake House II");
    let deleted = post_form(
        &world,
        &delete,
        &staff_cookie,
        &[("csrf_token", &csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(deleted.status(), 303);
    assert_eq!(header(&deleted, "location"), "/admin/projects");
    let gone = world
        .staff(
            reqwest::Method::GET,
            &format!("/api/admin/projects/{id}"),
            None,
        )
        .await;
    assert_eq!(gone.status(), 404);
}

async fn project_of(world: &World, id: &str) -> serde_json::Value {
    let response = world
        .staff(
            reqwest::Method::GET,
            &format!("/api/admin/projects/{id}"),
            None,
        )
        .await;
    response.json().await.unwrap()
}

#[tokio::test]
async fn staff_edit_settings_and_their_own_profile_with_plain_forms() {
    let world = World::start().await;
    let staff_cookie = format!("atrium_staff={}", world.staff);
    let csrf = csrf_of(get(&world, "/admin/settings", &staff_cookie).await).await;
    // Only the boxes sent are on: the gallery feature goes off with the rest unticked.
    let saved = post_form(
        &world,
        "/admin/settings",
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("customer_portal", "on"),
            ("documents", "on"),
            ("company_name", "Acme Builders"),
            ("primary_color", "#ffe14d"),
            ("show_name", "on"),
            ("default_locale", "de"),
            ("can_add_comments", "on"),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let settings = world
        .staff(reqwest::Method::GET, "/api/admin/settings", None)
        .await;
    let settings: serde_json::Value = settings.json().await.unwrap();
    assert_eq!(settings["features"]["gallery"], false);
    assert_eq!(settings["features"]["documents"], true);
    assert_eq!(settings["branding"]["company_name"], "Acme Builders");
    assert_eq!(settings["branding"]["logo_url"], serde_json::Value::Null);
    assert_eq!(settings["default_locale"], "de");
    assert_eq!(settings["default_permissions"]["can_add_comments"], true);
    assert_eq!(settings["default_permissions"]["can_view_invoices"], false);
    // The customer pages wear the colour, with dark text on a light one.
    let css = get(&world, "/brand/acme.css", "")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(css.trim(), ":root{--brand:#ffe14d;--brand-text:#1b1f24}");
    // A colour the API refuses is its 422 on the page, and nothing changes.
    let bad = post_form(
        &world,
        "/admin/settings",
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("primary_color", "red"),
            ("default_locale", "de"),
        ],
    )
    .await;
    assert_eq!(bad.status(), 422);
    let settings = world
        .staff(reqwest::Method::GET, "/api/admin/settings", None)
        .await;
    let settings: serde_json::Value = settings.json().await.unwrap();
    assert_eq!(settings["branding"]["primary_color"], "#ffe14d");

    // The member's own profile and password.
    let profile = post_form(
        &world,
        "/admin/profile",
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("name", "Olga Owner"),
            ("title", "Director"),
        ],
    )
    .await;
    assert_eq!(profile.status(), 303);
    let me = world
        .staff(reqwest::Method::GET, "/api/admin/me", None)
        .await;
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["name"], "Olga Owner");
    assert_eq!(me["title"], "Director");
    // A language of the member's own: the console speaks it whatever the browser asks.
    let german = post_form(
        &world,
        "/admin/profile",
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("name", "Olga Owner"),
            ("locale", "de"),
        ],
    )
    .await;
    assert_eq!(german.status(), 303);
    let page = browser()
        .get(world.app.url("/admin/profile"))
        .header("cookie", &staff_cookie)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<html lang=\"de\">") && page.contains("Profil"));
    let me = world
        .staff(reqwest::Method::GET, "/api/admin/me", None)
        .await;
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["locale"], "de");
    let differ = post_form(
        &world,
        "/admin/profile/password",
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("current_password", crate::support::app::OWNER_PASSWORD),
            ("new_password", "a new long password 1"),
            ("confirm_password", "another one"),
        ],
    )
    .await;
    assert_eq!(differ.status(), 422);
    // In the member's own language now.
    let text = differ.text().await.unwrap();
    assert!(text.contains("Die beiden Passwörter stimmen nicht überein."));
}

#[tokio::test]
async fn an_email_template_is_previewed_rendered_before_it_is_saved() {
    let world = World::start().await;
    let staff_cookie = format!("atrium_staff={}", world.staff);
    let path = "/admin/settings/templates/customer_invitation/en";
    let page = get(&world, path, &staff_cookie).await;
    assert_eq!(page.status(), 200);
    let csrf = csrf_of(page).await;
    let typed = [
        ("csrf_token", csrf.as_str()),
        ("subject", "Welcome to {{ org_name }}"),
        ("text", "Open {{ link }} before {{ expires_at }}."),
        ("html", "<p>Open <a href=\"{{ link }}\">your portal</a></p>"),
    ];
    let mut preview = typed.to_vec();
    preview.push(("action", "preview"));
    let shown = post_form(&world, path, &staff_cookie, &preview).await;
    assert_eq!(shown.status(), 200);
    let html = shown.text().await.unwrap();
    assert!(
        html.contains("Welcome to Sample"),
        "the subject is rendered with sample values"
    );
    assert!(html.contains("Open https://portal.example.invalid/sample-link before Sample."));
    let stored = world
        .staff(
            reqwest::Method::GET,
            "/api/admin/settings/email-templates/customer_invitation/en",
            None,
        )
        .await;
    let stored: serde_json::Value = stored.json().await.unwrap();
    assert_eq!(stored["overridden"], false, "a preview saves nothing");
    // A template that does not render is refused on preview, as on save.
    let broken = post_form(
        &world,
        path,
        &staff_cookie,
        &[
            ("csrf_token", &csrf),
            ("subject", "Hi {{ "),
            ("text", "{{ link }}"),
            ("html", "x"),
            ("action", "preview"),
        ],
    )
    .await;
    assert_eq!(broken.status(), 422);
    let mut save = typed.to_vec();
    save.push(("action", "save"));
    assert_eq!(
        post_form(&world, path, &staff_cookie, &save).await.status(),
        303
    );
    let stored = world
        .staff(
            reqwest::Method::GET,
            "/api/admin/settings/email-templates/customer_invitation/en",
            None,
        )
        .await;
    let stored: serde_json::Value = stored.json().await.unwrap();
    assert_eq!(stored["overridden"], true);
    assert_eq!(stored["subject"], "Welcome to {{ org_name }}");
}
