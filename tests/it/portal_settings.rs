//! Organization settings, per-customer permissions, the customer dashboard and guest
//! galleries through the gateway.

use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_invitation::Customer;
use crate::customer_lockout::World;
use crate::portal_access::{create_project, customer_get};
use crate::support::app::{error_code, set_staff_role};

const GUEST_PASSWORD: &str = "confetti and cake 2026";

async fn patch_settings(world: &World, body: Value) -> reqwest::Response {
    world
        .staff(Method::PATCH, "/api/admin/settings", Some(&body))
        .await
}

async fn ok_json(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    body
}

async fn me(world: &World, customer: &Customer) -> Value {
    ok_json(customer_get(world, customer, "/api/customer/me").await).await
}

async fn dashboard(world: &World, customer: &Customer) -> Value {
    ok_json(customer_get(world, customer, "/api/customer/dashboard").await).await
}

fn dashboard_names(board: &Value) -> Vec<String> {
    let mut names: Vec<String> = board["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

async fn assign(world: &World, customer_id: &str, project_ids: &[&str]) {
    let saved = world
        .staff(
            Method::PUT,
            &format!("/api/admin/customers/{customer_id}/projects"),
            Some(&json!({ "project_ids": project_ids })),
        )
        .await;
    assert_eq!(saved.status(), 200);
}

/// Invites a customer into another organization as its owner; answers their id.
async fn other_org_customer(world: &World) -> String {
    let (_, _, token) = world.app.org_with_owner("globex").await;
    let invited = world
        .app
        .staff_call(
            Method::POST,
            "/api/admin/customers/invitations",
            &token,
            Some(&json!({"email": "zed@globex.test", "name": "Zed"})),
        )
        .await;
    assert_eq!(invited.status(), 201);
    let body: Value = invited.json().await.unwrap();
    body["customer"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn settings_change_partially_and_reach_the_login_pages() {
    let world = World::start().await;
    let defaults = ok_json(world.staff(Method::GET, "/api/admin/settings", None).await).await;
    assert_eq!(defaults["features"]["gallery"], true);
    assert_eq!(defaults["show_team_members"], true);
    assert_eq!(defaults["default_locale"], "en");
    assert_eq!(defaults["default_permissions"]["can_view_invoices"], true);
    assert_eq!(defaults["branding"]["company_name"], Value::Null);
    assert_eq!(defaults["updated_at"], Value::Null);

    // The login page shows the organization's name until a company name is set.
    let public = ok_json(world.app.get("/api/public/orgs/acme/branding").await).await;
    assert_eq!(public["company_name"], "acme Ltd");
    assert_eq!(public["logo_url"], Value::Null);

    let changed = ok_json(
        patch_settings(
            &world,
            json!({
                "features": {"billing": false},
                "branding": {"company_name": "Acme Builders", "primary_color": "#1A2B3C",
                             "logo_url": "https://cdn.acme.test/logo.png"},
                "default_locale": "de",
            }),
        )
        .await,
    )
    .await;
    assert_eq!(changed["features"]["billing"], false);
    assert_eq!(
        changed["features"]["gallery"], true,
        "absent stays as it was"
    );
    assert_eq!(changed["branding"]["primary_color"], "#1a2b3c");
    assert_eq!(changed["default_locale"], "de");
    assert!(changed["updated_at"].is_string());
    let public = ok_json(world.app.get("/api/public/orgs/acme/branding").await).await;
    assert_eq!(public["company_name"], "Acme Builders");
    assert_eq!(public["logo_url"], "https://cdn.acme.test/logo.png");
    assert_eq!(public["primary_color"], "#1a2b3c");

    // null clears a branding text; hidden name and logo stay off the login page.
    let changed = ok_json(
        patch_settings(
            &world,
            json!({"branding": {"company_name": null, "show_name": false, "show_logo": false}}),
        )
        .await,
    )
    .await;
    assert_eq!(changed["branding"]["company_name"], Value::Null);
    assert_eq!(changed["features"]["billing"], false);
    let public = ok_json(world.app.get("/api/public/orgs/acme/branding").await).await;
    assert_eq!(public["company_name"], Value::Null);
    assert_eq!(public["logo_url"], Value::Null);

    // An unknown organization gets an unbranded page, not a 404 that tells it apart.
    let unknown = ok_json(world.app.get("/api/public/orgs/no-such-org/branding").await).await;
    assert_eq!(unknown["company_name"], Value::Null);

    // Bad input is 422 naming the field and changes nothing.
    for (body, field) in [
        (json!({"features": {"gallery": "no"}}), "features.gallery"),
        (json!({"features": {"gallery": null}}), "features.gallery"),
        (
            json!({"branding": {"primary_color": "red"}}),
            "branding.primary_color",
        ),
        (
            json!({"branding": {"logo_url": "http://a.test/x.png"}}),
            "branding.logo_url",
        ),
        (
            json!({"branding": {"sender_name": "Acme\r\nBcc: x@y.z"}}),
            "branding.sender_name",
        ),
        (
            json!({"branding": {"company_name": "x".repeat(201)}}),
            "branding.company_name",
        ),
        (json!({"default_locale": "fr"}), "default_locale"),
        (json!({"show_team_members": 1}), "show_team_members"),
        (
            json!({"default_permissions": {"can_view_invoices": null}}),
            "default_permissions.can_view_invoices",
        ),
    ] {
        let (status, _, answer) = error_code(patch_settings(&world, body.clone()).await).await;
        assert_eq!(status, 422, "{body}");
        assert!(
            answer["error"]["fields"][field].is_string(),
            "{body}: {answer}"
        );
    }
    let malformed = world
        .app
        .http
        .patch(world.app.url("/api/admin/settings"))
        .bearer_auth(&world.staff)
        .header("content-type", "application/json")
        .body("{\"features\":")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(malformed).await.1, "MALFORMED_JSON");
    let after = ok_json(world.staff(Method::GET, "/api/admin/settings", None).await).await;
    assert_eq!(after, changed, "refused changes left the settings alone");

    // Settings are for settings.manage alone.
    let me = world.app.staff_get_ok("/api/admin/me", &world.staff).await;
    set_staff_role(&world.app, me["id"].as_str().unwrap(), "editor").await;
    for method in [Method::GET, Method::PATCH] {
        let response = world
            .staff(method, "/api/admin/settings", Some(&json!({})))
            .await;
        let (status, _, answer) = error_code(response).await;
        assert_eq!(status, 403);
        assert_eq!(answer["error"]["permission"], "settings.manage");
    }
}

#[tokio::test]
async fn a_permission_override_shows_in_me_on_the_next_request() {
    let world = World::start().await;
    let (ann, ann_id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let (bob, _) = world.customer("bob@customer.test", "Bob", "", 2).await;
    let all_granted = json!({
        "can_view_invoices": true, "can_approve_work": true,
        "can_add_comments": true, "can_submit_requests": true,
    });
    assert_eq!(me(&world, &ann).await["permissions"], all_granted);
    let path = format!("/api/admin/customers/{ann_id}/permissions");
    let initial = ok_json(world.staff(Method::GET, &path, None).await).await;
    assert_eq!(initial["effective"], all_granted);
    assert_eq!(initial["overrides"]["can_view_invoices"], Value::Null);

    let saved = ok_json(
        world
            .staff(
                Method::PUT,
                &path,
                Some(&json!({"can_view_invoices": false, "can_add_comments": null})),
            )
            .await,
    )
    .await;
    assert_eq!(saved["effective"]["can_view_invoices"], false);
    assert_eq!(saved["overrides"]["can_view_invoices"], false);
    assert_eq!(saved["overrides"]["can_add_comments"], Value::Null);
    assert_eq!(
        me(&world, &ann).await["permissions"]["can_view_invoices"],
        false
    );
    assert_eq!(
        me(&world, &bob).await["permissions"],
        all_granted,
        "only Ann's"
    );

    // An org default reaches every customer without an override of their own.
    let changed = patch_settings(
        &world,
        json!({"default_permissions": {"can_approve_work": false, "can_view_invoices": true}}),
    )
    .await;
    assert_eq!(changed.status(), 200);
    let ann_now = me(&world, &ann).await["permissions"].clone();
    assert_eq!(ann_now["can_approve_work"], false);
    assert_eq!(ann_now["can_view_invoices"], false, "Ann's override wins");
    assert_eq!(
        me(&world, &bob).await["permissions"]["can_approve_work"],
        false
    );

    // PUT replaces: an empty body returns Ann to the defaults.
    let reset = ok_json(world.staff(Method::PUT, &path, Some(&json!({}))).await).await;
    assert_eq!(reset["overrides"]["can_view_invoices"], Value::Null);
    assert_eq!(
        me(&world, &ann).await["permissions"]["can_view_invoices"],
        true
    );

    // Bad input and other tenants' ids change nothing.
    let wrong_type = world
        .staff(
            Method::PUT,
            &path,
            Some(&json!({"can_view_invoices": "no"})),
        )
        .await;
    let (status, _, answer) = error_code(wrong_type).await;
    assert_eq!(status, 422);
    assert!(answer["error"]["fields"]["can_view_invoices"].is_string());
    let zed = other_org_customer(&world).await;
    for path in [
        format!("/api/admin/customers/{zed}/permissions"),
        "/api/admin/customers/not-a-uuid/permissions".to_owned(),
        format!("/api/admin/customers/{}/permissions", uuid::Uuid::new_v4()),
    ] {
        for method in [Method::GET, Method::PUT] {
            let response = world
                .staff(method, &path, Some(&json!({"can_view_invoices": false})))
                .await;
            assert_eq!(error_code(response).await.1, "NOT_FOUND", "{path}");
        }
    }
    assert_eq!(
        me(&world, &ann).await["permissions"]["can_view_invoices"],
        true
    );

    // Accountants see overrides; only customers.create changes them.
    let me_staff = world.app.staff_get_ok("/api/admin/me", &world.staff).await;
    set_staff_role(&world.app, me_staff["id"].as_str().unwrap(), "accountant").await;
    assert_eq!(world.staff(Method::GET, &path, None).await.status(), 200);
    let denied = world
        .staff(
            Method::PUT,
            &path,
            Some(&json!({"can_view_invoices": false})),
        )
        .await;
    let (status, _, answer) = error_code(denied).await;
    assert_eq!(status, 403);
    assert_eq!(answer["error"]["permission"], "customers.create");
}

#[tokio::test]
async fn the_dashboard_shows_exactly_the_assigned_projects_and_the_gallery_feature_hides_galleries()
{
    let world = World::start().await;
    let (ann, ann_id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let house = create_project(
        &world,
        json!({"name": "House", "kind": "project", "starts_on": "2026-04-01"}),
    )
    .await;
    let house_id = house["id"].as_str().unwrap().to_owned();
    let wedding = create_project(&world, json!({"name": "Wedding", "kind": "gallery"})).await;
    let wedding_id = wedding["id"].as_str().unwrap().to_owned();
    create_project(&world, json!({"name": "Not Ann's", "kind": "project"})).await;
    world
        .staff(
            Method::POST,
            &format!("/api/admin/projects/{house_id}/phases"),
            Some(&json!({"name": "Build", "percent_complete": 40})),
        )
        .await;

    let empty = dashboard(&world, &ann).await;
    assert_eq!(empty["projects"], json!([]));
    assert_eq!(empty["account_manager"], Value::Null);
    assert!(
        empty.get("invoices").is_none(),
        "unbuilt sections are absent"
    );
    assert_eq!(
        empty["approvals"],
        json!({"pending": 0, "items": []}),
        "built since: nothing waits"
    );

    assign(&world, &ann_id, &[&house_id, &wedding_id]).await;
    let board = dashboard(&world, &ann).await;
    assert_eq!(dashboard_names(&board), ["House", "Wedding"]);
    let shown = board["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == house_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(shown["progress"], 40);
    assert_eq!(shown["starts_on"], "2026-04-01");
    assert_eq!(shown["kind"], "project");
    // The assignment's in-app notice arrives through the outbox, maybe already by now
    // (portal_outbox waits for it and checks the count).
    let unread = board["unread_notifications"].as_i64().unwrap();
    assert!(unread == 0 || unread == 1, "{unread}");
    assert_eq!(board["branding"]["show_logo"], true);

    // Switching galleries off drops them from every customer read and from guests.
    let off = patch_settings(&world, json!({"features": {"gallery": false}})).await;
    assert_eq!(off.status(), 200);
    assert_eq!(dashboard_names(&dashboard(&world, &ann).await), ["House"]);
    let listed = ok_json(customer_get(&world, &ann, "/api/customer/projects").await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let gallery = customer_get(
        &world,
        &ann,
        &format!("/api/customer/projects/{wedding_id}"),
    )
    .await;
    assert_eq!(error_code(gallery).await.0, 404);
    let on = patch_settings(&world, json!({"features": {"gallery": true}})).await;
    assert_eq!(on.status(), 200);
    assert_eq!(
        dashboard_names(&dashboard(&world, &ann).await),
        ["House", "Wedding"]
    );

    // Unassigned: gone from the dashboard, 403 on the very next read.
    assign(&world, &ann_id, &[&wedding_id]).await;
    assert_eq!(dashboard_names(&dashboard(&world, &ann).await), ["Wedding"]);
    let revoked = customer_get(&world, &ann, &format!("/api/customer/projects/{house_id}")).await;
    assert_eq!(error_code(revoked).await.1, "CUSTOMER_ASSIGNMENT_REVOKED");
    let anonymous = world.app.get("/api/customer/dashboard").await;
    assert_eq!(error_code(anonymous).await.1, "UNAUTHENTICATED");
}

#[tokio::test]
async fn the_dashboard_and_the_project_list_show_the_newest_assignment_first() {
    let world = World::start().await;
    let (ann, ann_id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let mut ids = Vec::new();
    for name in ["First", "Second", "Third"] {
        let project = create_project(&world, json!({"name": name, "kind": "project"})).await;
        ids.push(project["id"].as_str().unwrap().to_owned());
    }
    // Assigned one save at a time, a second apart: Second, then Third, then First.
    for upto in [&[1][..], &[1, 2], &[1, 2, 0]] {
        let list: Vec<&str> = upto.iter().map(|i| ids[*i].as_str()).collect();
        assign(&world, &ann_id, &list).await;
        world.app.clock.advance(std::time::Duration::from_secs(1));
    }
    let names = |projects: &Value| -> Vec<String> {
        projects
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let board = dashboard(&world, &ann).await;
    assert_eq!(names(&board["projects"]), ["First", "Third", "Second"]);
    let first_page =
        ok_json(customer_get(&world, &ann, "/api/customer/projects?page_size=2").await).await;
    assert_eq!(names(&first_page["items"]), ["First", "Third"]);
    let token = first_page["next_page_token"].as_str().unwrap();
    let second_page = ok_json(
        customer_get(
            &world,
            &ann,
            &format!("/api/customer/projects?page_size=2&page_token={token}"),
        )
        .await,
    )
    .await;
    assert_eq!(names(&second_page["items"]), ["Second"]);
}

async fn open_gallery(world: &World, path: &str, password: &str) -> reqwest::Response {
    world
        .app
        .post_json(
            &format!("/api/gallery/{path}/access"),
            &json!({ "password": password }),
        )
        .await
}

/// The `atrium_gallery=…` pair and the cookie's Path from a 204 access answer.
fn gallery_cookie(response: &reqwest::Response) -> (String, String) {
    assert_eq!(response.status(), 204);
    let set = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let pair = set.split(';').next().unwrap().trim().to_owned();
    let path = set
        .split(';')
        .find_map(|part| part.trim().strip_prefix("Path="))
        .unwrap()
        .to_owned();
    assert!(set.contains("HttpOnly"));
    (pair, path)
}

async fn guest_get(world: &World, path: &str, cookie: &str) -> reqwest::Response {
    world
        .app
        .http
        .get(world.app.url(&format!("/api/gallery/{path}")))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_guest_password_opens_only_its_gallery_until_it_changes() {
    let world = World::start().await;
    let wedding = create_project(
        &world,
        json!({"name": "Wedding", "kind": "gallery", "guest_password": GUEST_PASSWORD}),
    )
    .await;
    assert_eq!(wedding["has_guest_password"], true);
    let wedding_id = wedding["id"].as_str().unwrap().to_owned();
    let party = create_project(
        &world,
        json!({"name": "Party", "kind": "gallery", "guest_password": "another party password"}),
    )
    .await;
    create_project(&world, json!({"name": "Open", "kind": "gallery"})).await;
    create_project(&world, json!({"name": "House", "kind": "project"})).await;
    assert_eq!(party["slug"], "party");

    let wrong = open_gallery(&world, "acme/wedding", "not the password at all").await;
    let (status, code, _) = error_code(wrong).await;
    assert_eq!((status, code.as_str()), (401, "INVALID_CREDENTIALS"));
    let (cookie, path) =
        gallery_cookie(&open_gallery(&world, "acme/wedding", GUEST_PASSWORD).await);
    assert_eq!(path, "/api/gallery/acme/wedding", "scoped to its gallery");
    let opened = ok_json(guest_get(&world, "acme/wedding", &cookie).await).await;
    assert_eq!(opened["id"], wedding_id.as_str());
    assert!(opened.get("guest_password").is_none());

    // The cookie opens nothing else; nor does no cookie or a customer's session.
    let elsewhere = guest_get(&world, "acme/party", &cookie).await;
    assert_eq!(error_code(elsewhere).await.1, "UNAUTHENTICATED");
    let none = world.app.get("/api/gallery/acme/wedding").await;
    assert_eq!(error_code(none).await.1, "UNAUTHENTICATED");
    let (ann, _) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let as_customer = guest_get(&world, "acme/wedding", &ann.cookie).await;
    assert_eq!(error_code(as_customer).await.1, "UNAUTHENTICATED");

    // No guest password, a project, an unknown gallery or org: 404 either way.
    for path in ["acme/open", "acme/house", "acme/nothing", "no-org/wedding"] {
        let response = open_gallery(&world, path, GUEST_PASSWORD).await;
        assert_eq!(error_code(response).await.0, 404, "{path}");
        let response = guest_get(&world, path, &cookie).await;
        assert_eq!(error_code(response).await.0, 404, "{path}");
    }

    // A new password ends the guest's access; the new one opens it again.
    let changed = world
        .staff(
            Method::PATCH,
            &format!("/api/admin/projects/{wedding_id}"),
            Some(&json!({"guest_password": "a brand new password"})),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let ended = guest_get(&world, "acme/wedding", &cookie).await;
    assert_eq!(error_code(ended).await.1, "UNAUTHENTICATED");
    let old = open_gallery(&world, "acme/wedding", GUEST_PASSWORD).await;
    assert_eq!(error_code(old).await.1, "INVALID_CREDENTIALS");
    let (cookie, _) =
        gallery_cookie(&open_gallery(&world, "acme/wedding", "a brand new password").await);
    assert_eq!(
        guest_get(&world, "acme/wedding", &cookie).await.status(),
        200
    );

    // The gallery feature switched off closes guest access too.
    let off = patch_settings(&world, json!({"features": {"gallery": false}})).await;
    assert_eq!(off.status(), 200);
    assert_eq!(
        guest_get(&world, "acme/wedding", &cookie).await.status(),
        404
    );
    patch_settings(&world, json!({"features": {"gallery": true}})).await;

    // Bad bodies, then the per-gallery limit on wrong passwords.
    let missing = world
        .app
        .post_json("/api/gallery/acme/party/access", &json!({}))
        .await;
    assert_eq!(error_code(missing).await.0, 422);
    let mut limited = false;
    for _ in 0..12 {
        let response = open_gallery(&world, "acme/party", "wrong wrong wrong").await;
        match response.status().as_u16() {
            401 => {}
            429 => {
                assert!(response.headers().contains_key("retry-after"));
                limited = true;
                break;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(limited, "wrong passwords are rate-limited");
}

#[tokio::test]
async fn team_and_account_manager_show_while_the_organization_shows_team_members() {
    let world = World::start().await;
    let me_staff = world.app.staff_get_ok("/api/admin/me", &world.staff).await;
    let owner_id = me_staff["id"].as_str().unwrap().to_owned();
    let profile = world
        .staff(
            Method::PATCH,
            "/api/admin/me",
            Some(&json!({"name": "Olive Owner", "title": "Director", "phone": "+49 30 1234"})),
        )
        .await;
    assert_eq!(profile.status(), 200);
    let (ann, ann_id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let house = create_project(&world, json!({"name": "House", "kind": "project"})).await;
    let house_id = house["id"].as_str().unwrap().to_owned();
    assign(&world, &ann_id, &[&house_id]).await;

    let team_path = format!("/api/admin/projects/{house_id}/team");
    let team = ok_json(
        world
            .staff(
                Method::PUT,
                &team_path,
                Some(&json!({"members": [
                    {"staff_id": owner_id, "role_title": "Lead architect"},
                    {"staff_id": owner_id, "role_title": "Duplicate collapses"},
                ]})),
            )
            .await,
    )
    .await;
    assert_eq!(team["members"].as_array().unwrap().len(), 1);
    assert_eq!(team["members"][0]["name"], "Olive Owner");
    let managed = ok_json(
        world
            .staff(
                Method::PATCH,
                &format!("/api/admin/customers/{ann_id}"),
                Some(&json!({"account_manager_id": owner_id})),
            )
            .await,
    )
    .await;
    assert_eq!(managed["account_manager_id"], owner_id.as_str());

    let board = dashboard(&world, &ann).await;
    assert_eq!(
        board["account_manager"],
        json!({"name": "Olive Owner", "title": "Director", "email": me_staff["email"],
               "phone": "+49 30 1234"})
    );
    assert_eq!(board["branding"]["company_name"], "acme Ltd");
    let project =
        ok_json(customer_get(&world, &ann, &format!("/api/customer/projects/{house_id}")).await)
            .await;
    assert_eq!(project["team"][0]["role_title"], "Lead architect");
    assert_eq!(project["team"][0]["email"], me_staff["email"]);

    // Hidden by the setting: no account manager, no team, on the very next request.
    let hidden = patch_settings(&world, json!({"show_team_members": false})).await;
    assert_eq!(hidden.status(), 200);
    assert_eq!(
        dashboard(&world, &ann).await["account_manager"],
        Value::Null
    );
    let project =
        ok_json(customer_get(&world, &ann, &format!("/api/customer/projects/{house_id}")).await)
            .await;
    assert_eq!(project["team"], json!([]));
    let staff_view = ok_json(
        world
            .staff(
                Method::GET,
                &format!("/api/admin/projects/{house_id}"),
                None,
            )
            .await,
    )
    .await;
    assert_eq!(
        staff_view["team"].as_array().unwrap().len(),
        1,
        "staff always see it"
    );

    // Another organization's staff, unknown ids and malformed ones change nothing.
    let (_, globex_owner, _) = world.app.org_with_owner("globex").await;
    for (id, status) in [
        (globex_owner.clone(), 404),
        (uuid::Uuid::new_v4().to_string(), 404),
        ("not-a-uuid".to_owned(), 422),
    ] {
        let response = world
            .staff(
                Method::PUT,
                &team_path,
                Some(&json!({"members": [{"staff_id": id}]})),
            )
            .await;
        assert_eq!(error_code(response).await.0, status, "{id}");
        let response = world
            .staff(
                Method::PATCH,
                &format!("/api/admin/customers/{ann_id}"),
                Some(&json!({"account_manager_id": id})),
            )
            .await;
        let (status, _, answer) = error_code(response).await;
        assert_eq!(status, 422, "{id}");
        assert!(answer["error"]["fields"]["account_manager_id"].is_string());
    }
    let missing = world.staff(Method::PUT, &team_path, Some(&json!({}))).await;
    assert_eq!(error_code(missing).await.0, 422);
    let staff_view = ok_json(
        world
            .staff(
                Method::GET,
                &format!("/api/admin/projects/{house_id}"),
                None,
            )
            .await,
    )
    .await;
    assert_eq!(staff_view["team"][0]["staff_id"], owner_id.as_str());
    let own = customer_call_with_csrf(
        &world,
        &ann,
        Method::PATCH,
        "/api/customer/me",
        json!({"account_manager_id": owner_id}),
    )
    .await;
    assert_eq!(error_code(own).await.0, 422, "not the customer's to choose");

    // Clearing the account manager.
    let cleared = ok_json(
        world
            .staff(
                Method::PATCH,
                &format!("/api/admin/customers/{ann_id}"),
                Some(&json!({"account_manager_id": null})),
            )
            .await,
    )
    .await;
    assert_eq!(cleared["account_manager_id"], Value::Null);

    let me_id = owner_id.clone();
    set_staff_role(&world.app, &me_id, "viewer").await;
    let denied = world
        .staff(Method::PUT, &team_path, Some(&json!({"members": []})))
        .await;
    let (status, _, answer) = error_code(denied).await;
    assert_eq!(status, 403);
    assert_eq!(answer["error"]["permission"], "projects.manage");
}

async fn customer_call_with_csrf(
    world: &World,
    customer: &Customer,
    method: Method,
    path: &str,
    body: Value,
) -> reqwest::Response {
    world
        .app
        .http
        .request(method, world.app.url(path))
        .header("cookie", &customer.cookie)
        .header("x-csrf-token", &customer.csrf)
        .json(&body)
        .send()
        .await
        .unwrap()
}
