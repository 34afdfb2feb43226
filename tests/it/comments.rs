//! Project comments through the gateway (design/collaboration.md): the project's
//! customer (with `can_add_comments`) and staff comment, oldest first; the other side is
//! told in-app; another customer's project is 404; a taken-away project 403.

use reqwest::Method;
use serde_json::json;

use crate::customer_lockout::World;
use crate::invoices::send;
use crate::portal_access::create_project;
use crate::requests::as_customer;

#[tokio::test]
async fn customers_and_staff_comment_on_a_project_and_others_cannot() {
    let world = World::start().await;
    let (ann, ann_id) = world.customer("ann@example.test", "Ann", "", 1).await;
    let (bob, _) = world.customer("bob@example.test", "Bob", "", 2).await;
    let house = create_project(&world, json!({"name": "House", "kind": "project"})).await;
    let id = house["id"].as_str().unwrap().to_owned();
    let assign = format!("/api/admin/projects/{id}/customers");
    let body = json!({ "customer_ids": [ann_id] });
    assert_eq!(
        world
            .staff(Method::PUT, &assign, Some(&body))
            .await
            .status(),
        200
    );
    let mine = format!("/api/customer/projects/{id}/comments");
    let staff_path = format!("/api/admin/projects/{id}/comments");

    let (status, made) = as_customer(
        &world,
        &ann,
        (Method::POST, &mine),
        Some(&json!({"body": "Can we move the window?"})),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(
        (&made["author"]["kind"], &made["author"]["name"]),
        (&json!("customer"), &json!("Ann"))
    );
    let (status, _) = as_customer(
        &world,
        &ann,
        (Method::POST, &mine),
        Some(&json!({"body": " "})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, staff_said) = send(
        &world,
        Method::POST,
        &staff_path,
        Some(&json!({"body": "Yes, 20 cm left"})),
    )
    .await;
    assert_eq!(status, 201, "{staff_said}");
    let (status, listed) = as_customer(&world, &ann, (Method::GET, &mine), None).await;
    assert_eq!(status, 200);
    let bodies: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["Can we move the window?", "Yes, 20 cm left"]);
    let (_, theirs) = send(&world, Method::GET, &staff_path, None).await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 2);
    world.app.settled().await;
    let (_, notices) = as_customer(
        &world,
        &ann,
        (Method::GET, "/api/customer/notifications"),
        None,
    )
    .await;
    assert!(
        notices.to_string().contains("project_commented"),
        "{notices}"
    );

    // Another customer's project is 404 both ways.
    assert_eq!(
        as_customer(&world, &bob, (Method::GET, &mine), None)
            .await
            .0,
        404
    );
    let (status, _) = as_customer(
        &world,
        &bob,
        (Method::POST, &mine),
        Some(&json!({"body": "hi"})),
    )
    .await;
    assert_eq!(status, 404);

    // Without can_add_comments: reading yes, commenting 403; unassigned: 403 revoked.
    let permissions = format!("/api/admin/customers/{ann_id}/permissions");
    assert_eq!(
        send(
            &world,
            Method::PUT,
            &permissions,
            Some(&json!({"can_add_comments": false}))
        )
        .await
        .0,
        200
    );
    let (status, denied) = as_customer(
        &world,
        &ann,
        (Method::POST, &mine),
        Some(&json!({"body": "again"})),
    )
    .await;
    assert_eq!(status, 403, "{denied}");
    assert_eq!(
        as_customer(&world, &ann, (Method::GET, &mine), None)
            .await
            .0,
        200
    );
    let none = json!({ "customer_ids": [] });
    assert_eq!(
        world
            .staff(Method::PUT, &assign, Some(&none))
            .await
            .status(),
        200
    );
    let (status, revoked) = as_customer(&world, &ann, (Method::GET, &mine), None).await;
    assert_eq!(
        (status, &revoked["error"]["code"]),
        (403, &json!("CUSTOMER_ASSIGNMENT_REVOKED"))
    );
}

#[tokio::test]
async fn the_project_pages_show_and_take_comments_from_both_sides() {
    use crate::pages::{csrf_of, get, post_form};
    let world = World::start().await;
    let (ann, ann_id) = world.customer("ann@example.test", "Ann", "", 1).await;
    let house = create_project(&world, json!({"name": "House", "kind": "project"})).await;
    let id = house["id"].as_str().unwrap().to_owned();
    let assign = format!("/api/admin/projects/{id}/customers");
    let body = json!({ "customer_ids": [ann_id] });
    let assigned = world.staff(Method::PUT, &assign, Some(&body)).await;
    assert_eq!(assigned.status(), 200);

    let mine = format!("/customer/projects/{id}");
    let page = get(&world, &mine, &ann.cookie).await;
    assert_eq!(page.status(), 200);
    let csrf = csrf_of(page).await;
    let path = format!("{mine}/comments");
    let blank = post_form(
        &world,
        &path,
        &ann.cookie,
        &[("csrf_token", &csrf), ("body", " ")],
    )
    .await;
    assert_eq!(
        blank.status(),
        422,
        "a blank comment is refused on the page"
    );
    let forged = post_form(
        &world,
        &path,
        &ann.cookie,
        &[("csrf_token", "x"), ("body", "Hi")],
    )
    .await;
    assert_eq!(forged.status(), 403);
    let said = [
        ("csrf_token", csrf.as_str()),
        ("body", "Can the door be oak?"),
    ];
    let sent = post_form(&world, &path, &ann.cookie, &said).await;
    assert_eq!(sent.status(), 303);

    let staff = format!("atrium_staff={}", world.staff);
    let console = get(&world, &format!("/admin/projects/{id}"), &staff).await;
    assert_eq!(console.status(), 200);
    let console_csrf = csrf_of(console).await;
    let reply = [("csrf_token", console_csrf.as_str()), ("body", "Oak it is")];
    let replied = post_form(
        &world,
        &format!("/admin/projects/{id}/comments"),
        &staff,
        &reply,
    )
    .await;
    assert_eq!(replied.status(), 303);
    let console = get(&world, &format!("/admin/projects/{id}"), &staff).await;
    let console = console.text().await.unwrap();
    assert!(console.contains("Can the door be oak?") && console.contains("Ann"));
    let page = get(&world, &mine, &ann.cookie).await.text().await.unwrap();
    assert!(
        page.contains("Oak it is") && page.contains("Can the door be oak?"),
        "{page}"
    );
}
