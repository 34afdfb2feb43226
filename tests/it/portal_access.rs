//! Projects and galleries through the gateway: staff create them with phases, assign them
//! from either side, and a customer sees exactly their own, losing one on the very next
//! request after it is taken away.

use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_invitation::{Customer, customer_call};
use crate::customer_lockout::World;
use crate::support::app::{error_code, set_staff_role};

pub async fn create_project(world: &World, body: Value) -> Value {
    let response = world
        .staff(Method::POST, "/api/admin/projects", Some(&body))
        .await;
    assert_eq!(response.status(), 201, "create {body}");
    response.json().await.unwrap()
}

pub async fn customer_get(world: &World, customer: &Customer, path: &str) -> reqwest::Response {
    customer_call(&world.app, Method::GET, path, customer, None).await
}

fn ids(list: &Value) -> Vec<String> {
    let mut ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn an_unassigned_project_is_revoked_on_the_very_next_request() {
    let world = World::start().await;
    let (ann, ann_id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let (bob, bob_id) = world.customer("bob@customer.test", "Bob", "", 2).await;
    let house = create_project(
        &world,
        json!({"name": "Smith House", "kind": "project", "starts_on": "2026-03-01"}),
    )
    .await;
    assert_eq!(house["slug"], "smith-house");
    assert_eq!(house["progress"], 0);
    let wedding = create_project(&world, json!({"name": "Smith Wedding", "kind": "gallery"})).await;
    let house_id = house["id"].as_str().unwrap().to_owned();
    let wedding_id = wedding["id"].as_str().unwrap().to_owned();

    // Phases: progress is their rounded mean.
    for (name, percent) in [("Design", 100), ("Build", 50), ("Finish", 0)] {
        let phase = world
            .staff(
                Method::POST,
                &format!("/api/admin/projects/{house_id}/phases"),
                Some(&json!({"name": name, "percent_complete": percent})),
            )
            .await;
        assert_eq!(phase.status(), 201);
    }

    // From the project's side (duplicates collapse), then from the customer's side.
    let saved = world
        .staff(
            Method::PUT,
            &format!("/api/admin/projects/{house_id}/customers"),
            Some(&json!({"customer_ids": [ann_id, ann_id, bob_id]})),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().await.unwrap();
    let mut both = vec![ann_id.clone(), bob_id.clone()];
    both.sort();
    assert_eq!(ids(&saved["added"]), both);
    assert_eq!(ids(&saved["current"]), both);
    let saved = world
        .staff(
            Method::PUT,
            &format!("/api/admin/customers/{ann_id}/projects"),
            Some(&json!({"project_ids": [house_id, wedding_id]})),
        )
        .await;
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(ids(&saved["added"]), vec![wedding_id.clone()]);
    assert!(ids(&saved["removed"]).is_empty());

    let mine: Value = customer_get(&world, &ann, "/api/customer/projects")
        .await
        .json()
        .await
        .unwrap();
    let mut expected = vec![house_id.clone(), wedding_id.clone()];
    expected.sort();
    let mut listed: Vec<String> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    listed.sort();
    assert_eq!(listed, expected);
    let house_for_ann: Value =
        customer_get(&world, &ann, &format!("/api/customer/projects/{house_id}"))
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(house_for_ann["progress"], 50);
    assert_eq!(house_for_ann["phases"].as_array().unwrap().len(), 3);
    // Every phase change moves the progress every list shows: 100, 50, 100 → 83; then
    // without Build → 100.
    let phase_id = |name: &str| {
        house_for_ann["phases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let phases = format!("/api/admin/projects/{house_id}/phases");
    let finish = format!("{phases}/{}", phase_id("Finish"));
    let changed = world
        .staff(
            Method::PATCH,
            &finish,
            Some(&json!({"percent_complete": 100})),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let listed_progress = |body: Value| {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == house_id.as_str())
            .unwrap()["progress"]
            .clone()
    };
    let mine: Value = customer_get(&world, &ann, "/api/customer/projects")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed_progress(mine), 83);
    let build = format!("{phases}/{}", phase_id("Build"));
    let removed = world.staff(Method::DELETE, &build, None).await;
    assert!(removed.status().is_success());
    let mine: Value = customer_get(&world, &ann, "/api/customer/projects")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed_progress(mine), 100);
    assert!(house_for_ann.get("has_guest_password").is_none());

    // Bob never had the wedding: 404. Ann loses the house: 403 on the next request,
    // while the wedding keeps working and Bob keeps the house.
    let never = customer_get(
        &world,
        &bob,
        &format!("/api/customer/projects/{wedding_id}"),
    )
    .await;
    assert_eq!(error_code(never).await.0, 404);
    let saved = world
        .staff(
            Method::PUT,
            &format!("/api/admin/customers/{ann_id}/projects"),
            Some(&json!({"project_ids": [wedding_id]})),
        )
        .await;
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(ids(&saved["removed"]), vec![house_id.clone()]);
    let revoked = customer_get(&world, &ann, &format!("/api/customer/projects/{house_id}")).await;
    let (status, code, _) = error_code(revoked).await;
    assert_eq!(
        (status, code.as_str()),
        (403, "CUSTOMER_ASSIGNMENT_REVOKED")
    );
    let kept = customer_get(
        &world,
        &ann,
        &format!("/api/customer/projects/{wedding_id}"),
    )
    .await;
    assert_eq!(kept.status(), 200);
    let bobs = customer_get(&world, &bob, &format!("/api/customer/projects/{house_id}")).await;
    assert_eq!(bobs.status(), 200);

    // Assigned again, it is hers again.
    world
        .staff(
            Method::PUT,
            &format!("/api/admin/projects/{house_id}/customers"),
            Some(&json!({"customer_ids": [ann_id, bob_id]})),
        )
        .await;
    let back = customer_get(&world, &ann, &format!("/api/customer/projects/{house_id}")).await;
    assert_eq!(back.status(), 200);
}

#[tokio::test]
async fn another_orgs_ids_refuse_the_whole_save_and_change_nothing() {
    let world = World::start().await;
    let (_, ann_id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let house = create_project(&world, json!({"name": "House", "kind": "project"})).await;
    let house_id = house["id"].as_str().unwrap().to_owned();
    let (_, _, other) = world.app.org_with_owner("other").await;
    let foreign = world
        .app
        .staff_call(
            Method::POST,
            "/api/admin/projects",
            &other,
            Some(&json!({"name": "Theirs", "kind": "project"})),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    let foreign_id = foreign["id"].as_str().unwrap().to_owned();

    // Another org's project in the list, or an unknown customer: 404, nothing saved.
    let refused = world
        .staff(
            Method::PUT,
            &format!("/api/admin/customers/{ann_id}/projects"),
            Some(&json!({"project_ids": [house_id, foreign_id]})),
        )
        .await;
    assert_eq!(error_code(refused).await.0, 404);
    let unknown = uuid::Uuid::new_v4().to_string();
    let refused = world
        .staff(
            Method::PUT,
            &format!("/api/admin/projects/{house_id}/customers"),
            Some(&json!({"customer_ids": [ann_id, unknown]})),
        )
        .await;
    assert_eq!(error_code(refused).await.0, 404);
    let current = world
        .staff(
            Method::PUT,
            &format!("/api/admin/projects/{house_id}/customers"),
            Some(&json!({"customer_ids": []})),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert!(
        ids(&current["removed"]).is_empty(),
        "nothing had been saved"
    );

    // The other org's staff cannot see or assign this org's project or customer.
    for (method, path, body) in [
        (Method::GET, format!("/api/admin/projects/{house_id}"), None),
        (
            Method::PUT,
            format!("/api/admin/projects/{house_id}/customers"),
            Some(json!({"customer_ids": []})),
        ),
        (
            Method::PUT,
            format!("/api/admin/customers/{ann_id}/projects"),
            Some(json!({"project_ids": []})),
        ),
        (
            Method::DELETE,
            format!("/api/admin/projects/{house_id}"),
            None,
        ),
    ] {
        let response = world
            .app
            .staff_call(method, &path, &other, body.as_ref())
            .await;
        assert_eq!(error_code(response).await.0, 404, "{path}");
    }

    // Bad input: garbage ids, ids that are not UUIDs, wrong types, bad fields.
    let garbage = world
        .staff(Method::GET, "/api/admin/projects/not-a-uuid", None)
        .await;
    assert_eq!(error_code(garbage).await.0, 404);
    let not_uuid = world
        .staff(
            Method::PUT,
            &format!("/api/admin/projects/{house_id}/customers"),
            Some(&json!({"customer_ids": ["nope"]})),
        )
        .await;
    let (status, _, body) = error_code(not_uuid).await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["customer_ids"].is_string());
    for (body, field) in [
        (json!({"kind": "project"}), "name"),
        (json!({"name": "X", "kind": "event"}), "kind"),
        (
            json!({"name": "X", "kind": "project", "starts_on": "2026-02-30"}),
            "starts_on",
        ),
        (
            json!({"name": "X", "kind": "project", "starts_on": "2026-03-02", "ends_on": "2026-03-01"}),
            "ends_on",
        ),
        (
            json!({"name": "X", "kind": "project", "cover_url": "http://a.test/x.jpg"}),
            "cover_url",
        ),
        (
            json!({"name": "X", "kind": "project", "guest_password": "long enough password"}),
            "guest_password",
        ),
        (
            json!({"name": "X", "kind": "gallery", "guest_password": "short"}),
            "guest_password",
        ),
        (json!({"name": 7, "kind": "project"}), "name"),
        (
            json!({"name": "X", "kind": "project", "slug": "Not A Slug"}),
            "slug",
        ),
    ] {
        let response = world
            .staff(Method::POST, "/api/admin/projects", Some(&body))
            .await;
        let (status, _, answer) = error_code(response).await;
        assert_eq!(status, 422, "{body}");
        assert!(
            answer["error"]["fields"][field].is_string(),
            "{body}: {answer}"
        );
    }
    let taken = world
        .staff(
            Method::POST,
            "/api/admin/projects",
            Some(&json!({"name": "X", "kind": "project", "slug": "house"})),
        )
        .await;
    assert_eq!(error_code(taken).await.1, "ALREADY_EXISTS");
    let derived = create_project(&world, json!({"name": "House", "kind": "project"})).await;
    assert_eq!(derived["slug"], "house-2");
}

#[tokio::test]
async fn viewers_read_projects_but_only_managers_change_them() {
    let world = World::start().await;
    let house = create_project(&world, json!({"name": "House", "kind": "project"})).await;
    let house_id = house["id"].as_str().unwrap().to_owned();
    let (_, ann_id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let me = world.app.staff_get_ok("/api/admin/me", &world.staff).await;
    set_staff_role(&world.app, me["id"].as_str().unwrap(), "viewer").await;
    let listed = world
        .app
        .staff_get_ok("/api/admin/projects?kind=project", &world.staff)
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    for (method, path, body, permission) in [
        (
            Method::POST,
            "/api/admin/projects".to_owned(),
            Some(json!({"name": "Y", "kind": "project"})),
            "projects.manage",
        ),
        (
            Method::PATCH,
            format!("/api/admin/projects/{house_id}"),
            Some(json!({"name": "Y"})),
            "projects.manage",
        ),
        (
            Method::DELETE,
            format!("/api/admin/projects/{house_id}"),
            None,
            "projects.manage",
        ),
        (
            Method::PUT,
            format!("/api/admin/customers/{ann_id}/projects"),
            Some(json!({"project_ids": []})),
            "customers.create",
        ),
    ] {
        let response = world.staff(method, &path, body.as_ref()).await;
        let (status, _, answer) = error_code(response).await;
        assert_eq!(status, 403, "{path}");
        assert_eq!(answer["error"]["permission"], permission);
    }
}
