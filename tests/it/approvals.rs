//! Approvals through the gateway (design/collaboration.md): staff draft one on a project,
//! attach files (stored by the documents service as the approval's), submit it; the
//! project's customer is asked by mail and in-app, reads it (the first read of a revision
//! recorded), downloads its files, asks for changes; staff send revision 2; the customer
//! approves. Every step is kept with its actor's name; every refusal changes nothing;
//! another customer's and another organization's ids are 404, a taken-away project 403
//! on the very next request; of two racing decisions one wins.

use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_invitation::Customer;
use crate::customer_lockout::World;
use crate::documents_http::{PDF, customer_fetch, send_multipart, world};
use crate::invoices::send;
use crate::portal_access::create_project;
use crate::requests::as_customer;
use crate::support::files::Files;

/// A project assigned to `customers`, and its id.
async fn project_for(world: &World, name: &str, customers: &[&str]) -> String {
    let made = create_project(world, json!({"name": name, "kind": "project"})).await;
    let id = made["id"].as_str().unwrap().to_owned();
    let assign = format!("/api/admin/projects/{id}/customers");
    let body = json!({ "customer_ids": customers });
    let response = world.staff(Method::PUT, &assign, Some(&body)).await;
    assert_eq!(response.status(), 200);
    id
}

/// Attaches `name` (a PDF) to the approval; the answer's status and body.
async fn attach(world: &World, id: &str, name: &str) -> (u16, Value) {
    let path = format!("/api/admin/approvals/{id}/files");
    let response = send_multipart(world, Method::POST, &path, &[("file", Some(name), PDF)]).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A submitted approval with one file on `project`, and its id.
pub(crate) async fn pending_approval(world: &World, project: &str, title: &str) -> String {
    let path = format!("/api/admin/projects/{project}/approvals");
    let (status, made) = send(world, Method::POST, &path, Some(&json!({"title": title}))).await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_str().unwrap().to_owned();
    assert_eq!(attach(world, &id, "proof.pdf").await.0, 201);
    let submit = format!("/api/admin/approvals/{id}/submit");
    assert_eq!(send(world, Method::POST, &submit, None).await.0, 200);
    id
}

fn actions(approval: &Value) -> Vec<String> {
    approval["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn respond(world: &World, who: &Customer, id: &str, body: Value) -> (u16, Value) {
    let path = format!("/api/customer/approvals/{id}/respond");
    as_customer(world, who, (Method::POST, &path), Some(&body)).await
}

#[tokio::test]
async fn an_approval_goes_through_a_revision_to_approved_with_every_step_kept() {
    let files = Files::new().await;
    let world = world(&files).await;
    let (ann, ann_id) = world.customer("ann@example.test", "Ann", "", 1).await;
    let (bob, _) = world.customer("bob@example.test", "Bob", "", 2).await;
    let house = project_for(&world, "House", &[&ann_id]).await;
    let create = format!("/api/admin/projects/{house}/approvals");

    // Bad drafts are refused and make nothing.
    for (body, want) in [
        (json!({"title": " "}), 422),
        (json!({"title": "x", "due_on": "soon"}), 422),
        (json!({"title": "x".repeat(201)}), 422),
        (json!({"title": 7}), 422),
        (json!({}), 422),
    ] {
        let (status, answer) = send(&world, Method::POST, &create, Some(&body)).await;
        assert_eq!(status, want, "{body}: {answer}");
    }
    let elsewhere = format!("/api/admin/projects/{}/approvals", uuid::Uuid::new_v4());
    let (status, _) = send(
        &world,
        Method::POST,
        &elsewhere,
        Some(&json!({"title": "x"})),
    )
    .await;
    assert_eq!(status, 404);
    let (_, none) = send(&world, Method::GET, "/api/admin/approvals", None).await;
    assert_eq!(none["items"], json!([]));

    let body =
        json!({"title": "Logo design", "description": "Three variants", "due_on": "2027-01-15"});
    let (status, draft) = send(&world, Method::POST, &create, Some(&body)).await;
    assert_eq!(status, 201, "{draft}");
    assert_eq!(
        (&draft["status"], &draft["revision"], &draft["due_on"]),
        (&json!("draft"), &json!(1), &json!("2027-01-15"))
    );
    assert_eq!(draft["created_by"]["name"], "owner@acme.test");
    let id = draft["id"].as_str().unwrap().to_owned();
    let staff_path = format!("/api/admin/approvals/{id}");
    let mine = format!("/api/customer/approvals/{id}");

    // A draft is staff's only, and cannot be submitted without a file.
    let (status, _) = as_customer(&world, &ann, (Method::GET, &mine), None).await;
    assert_eq!(status, 404);
    let (_, listed) =
        as_customer(&world, &ann, (Method::GET, "/api/customer/approvals"), None).await;
    assert_eq!(listed["items"], json!([]));
    let (status, refused) = send(&world, Method::POST, &format!("{staff_path}/submit"), None).await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["error"]["fields"].get("files").is_some());
    let (status, revision) = send(
        &world,
        Method::POST,
        &format!("{staff_path}/revisions"),
        Some(&json!({})),
    )
    .await;
    assert_eq!(
        (status, &revision["error"]["code"]),
        (409, &json!("INVALID_TRANSITION"))
    );

    let (status, with_file) = attach(&world, &id, "logo-v1.pdf").await;
    assert_eq!(status, 201, "{with_file}");
    assert_eq!(with_file["files"][0]["name"], "logo-v1.pdf");
    assert_eq!(with_file["files"][0]["revision"], 1);
    let first_file = with_file["files"][0]["id"].as_str().unwrap().to_owned();
    let (status, submitted) =
        send(&world, Method::POST, &format!("{staff_path}/submit"), None).await;
    assert_eq!(
        (status, &submitted["status"]),
        (200, &json!("pending")),
        "{submitted}"
    );
    let (status, _) = send(&world, Method::POST, &format!("{staff_path}/submit"), None).await;
    assert_eq!(status, 409, "a second submit");

    // Ann is asked by mail and in-app; Bob is not.
    world.app.settled().await;
    let asked: Vec<_> = world
        .smtp
        .messages()
        .into_iter()
        .filter(|m| {
            m.header("subject")
                .unwrap_or_default()
                .contains("asks for your approval: Logo design")
        })
        .collect();
    assert_eq!(asked.len(), 1, "one mail");
    assert!(asked[0].rcpt_to.iter().any(|r| r == "ann@example.test"));
    let (_, inbox) = as_customer(
        &world,
        &ann,
        (Method::GET, "/api/customer/notifications"),
        None,
    )
    .await;
    assert!(inbox.to_string().contains("approval_requested"), "{inbox}");

    // Ann's list, dashboard, the first read (recorded once) and the file.
    let (_, listed) =
        as_customer(&world, &ann, (Method::GET, "/api/customer/approvals"), None).await;
    assert_eq!(listed["items"][0]["id"], json!(id), "{listed}");
    let (_, home) = as_customer(&world, &ann, (Method::GET, "/api/customer/dashboard"), None).await;
    assert_eq!(home["approvals"]["pending"], 1, "{home}");
    assert_eq!(home["approvals"]["items"][0]["title"], "Logo design");
    let (status, read) = as_customer(&world, &ann, (Method::GET, &mine), None).await;
    assert_eq!(status, 200, "{read}");
    assert!(read["viewed_at"].is_string());
    let (_, again) = as_customer(&world, &ann, (Method::GET, &mine), None).await;
    assert_eq!(
        actions(&again),
        ["created", "file_added", "submitted", "viewed"],
        "{again}"
    );
    let file_path = format!("{mine}/files/{first_file}");
    let download = customer_fetch(&world.app, Method::GET, &file_path, &ann, &[]).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().as_ref(), PDF);
    let staff_download = world
        .staff(
            Method::GET,
            &format!("{staff_path}/files/{first_file}"),
            None,
        )
        .await;
    assert_eq!(staff_download.status(), 200);

    // Bob and another organization reach none of it.
    for path in [mine.clone(), file_path.clone()] {
        let response = customer_fetch(&world.app, Method::GET, &path, &bob, &[]).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    let (status, _) = respond(&world, &bob, &id, json!({"decision": "approve"})).await;
    assert_eq!(status, 404);
    let (_, bobs) = as_customer(&world, &bob, (Method::GET, "/api/customer/approvals"), None).await;
    assert_eq!(bobs["items"], json!([]));
    let (_, _, theirs) = world.app.org_with_owner("other").await;
    for (method, path) in [
        (Method::GET, staff_path.clone()),
        (Method::PATCH, staff_path.clone()),
        (Method::DELETE, staff_path.clone()),
        (Method::POST, format!("{staff_path}/submit")),
        (Method::GET, format!("{staff_path}/files/{first_file}")),
        (Method::POST, format!("{staff_path}/comments")),
    ] {
        let body = json!({"title": "Mine", "body": "Mine"});
        let body = (method != Method::GET).then_some(&body);
        let answer = world
            .app
            .staff_call(method.clone(), &path, &theirs, body)
            .await;
        assert_eq!(answer.status(), 404, "{method} {path}");
    }

    // Bad responses change nothing; changes requested with feedback; only once.
    for (body, field) in [
        (json!({"decision": "maybe"}), "decision"),
        (json!({"decision": "request_changes"}), "comment"),
        (
            json!({"decision": "request_changes", "comment": "  "}),
            "comment",
        ),
    ] {
        let (status, answer) = respond(&world, &ann, &id, body.clone()).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert!(answer["error"]["fields"].get(field).is_some(), "{answer}");
    }
    let forged = world
        .app
        .http
        .post(world.app.url(&format!("{mine}/respond")))
        .header("cookie", &ann.cookie)
        .header("x-csrf-token", "wrong")
        .json(&json!({"decision": "approve"}))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let feedback = json!({"decision": "request_changes", "comment": "Make the mark bigger"});
    let (status, changes) = respond(&world, &ann, &id, feedback).await;
    assert_eq!(
        (status, &changes["status"]),
        (200, &json!("changes_requested")),
        "{changes}"
    );
    assert!(changes["decided_at"].is_string());
    let (status, late) = respond(&world, &ann, &id, json!({"decision": "approve"})).await;
    assert_eq!(
        (status, &late["error"]["code"]),
        (409, &json!("APPROVAL_ALREADY_DECIDED"))
    );
    world.app.settled().await;
    let (_, staff_inbox) = send(&world, Method::GET, "/api/admin/notifications", None).await;
    assert!(
        staff_inbox.to_string().contains("approval_decided"),
        "{staff_inbox}"
    );

    // Revision 2 with its own file; Ann approves it.
    let (status, revised) = send(
        &world,
        Method::POST,
        &format!("{staff_path}/revisions"),
        Some(&json!({"comment": "Bigger mark"})),
    )
    .await;
    assert_eq!(status, 201, "{revised}");
    assert_eq!(
        (&revised["status"], &revised["revision"]),
        (&json!("pending"), &json!(2))
    );
    assert!(revised["viewed_at"].is_null(), "revision 2 is not read yet");
    let (_, two) = attach(&world, &id, "logo-v2.pdf").await;
    assert_eq!(two["files"][1]["revision"], 2, "{two}");
    let (_, read) = as_customer(&world, &ann, (Method::GET, &mine), None).await;
    assert!(read["viewed_at"].is_string());
    let (status, approved) = respond(&world, &ann, &id, json!({"decision": "approve"})).await;
    assert_eq!(
        (status, &approved["status"]),
        (200, &json!("approved")),
        "{approved}"
    );

    // Closed: no revision, no file; comments from both sides still.
    let (status, closed) = send(
        &world,
        Method::POST,
        &format!("{staff_path}/revisions"),
        Some(&json!({})),
    )
    .await;
    assert_eq!(
        (status, &closed["error"]["code"]),
        (409, &json!("APPROVAL_ALREADY_DECIDED"))
    );
    let (status, _) = attach(&world, &id, "late.pdf").await;
    assert_eq!(status, 409);
    let (status, _) = as_customer(
        &world,
        &ann,
        (Method::POST, &format!("{mine}/comments")),
        Some(&json!({"body": "Thanks!"})),
    )
    .await;
    assert_eq!(status, 201);
    let (status, whole) = send(
        &world,
        Method::POST,
        &format!("{staff_path}/comments"),
        Some(&json!({"body": "Glad you like it"})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        actions(&whole),
        [
            "created",
            "file_added",
            "submitted",
            "viewed",
            "changes_requested",
            "revision_submitted",
            "file_added",
            "viewed",
            "approved",
            "commented",
            "commented"
        ]
    );
    let step = |action: &str| {
        whole["history"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["action"] == action)
            .cloned()
            .unwrap()
    };
    assert_eq!(step("changes_requested")["actor"]["name"], "Ann");
    assert_eq!(step("changes_requested")["comment"], "Make the mark bigger");
    assert_eq!(step("approved")["revision"], 2);
    assert_eq!(
        step("revision_submitted")["actor"]["name"],
        "owner@acme.test"
    );

    // The staff list filters; PATCH edits; the dashboard has nothing pending now.
    let (_, by_status) = send(
        &world,
        Method::GET,
        "/api/admin/approvals?status=approved",
        None,
    )
    .await;
    assert_eq!(by_status["items"].as_array().unwrap().len(), 1);
    let (status, _) = send(
        &world,
        Method::GET,
        "/api/admin/approvals?status=done",
        None,
    )
    .await;
    assert_eq!(status, 422);
    let (status, edited) = send(
        &world,
        Method::PATCH,
        &staff_path,
        Some(&json!({"due_on": null, "title": "Logo"})),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(
        (&edited["title"], &edited["due_on"]),
        (&json!("Logo"), &Value::Null)
    );
    let (_, home) = as_customer(&world, &ann, (Method::GET, "/api/customer/dashboard"), None).await;
    assert_eq!(home["approvals"], json!({"pending": 0, "items": []}));

    // Deleting it deletes its files.
    let kept = files.count().await;
    let response = world.staff(Method::DELETE, &staff_path, None).await;
    assert_eq!(response.status(), 204);
    assert_eq!(files.count().await, kept - 2, "both files went");
    let (status, _) = send(&world, Method::GET, &staff_path, None).await;
    assert_eq!(status, 404);

    // Deleting a project deletes its approvals and, once documents hears of it, their files.
    let shed = project_for(&world, "Shed", &[&ann_id]).await;
    let doomed = pending_approval(&world, &shed, "Shed roof").await;
    assert_eq!(
        files.count().await,
        kept - 1,
        "the shed's approval keeps one file"
    );
    let response = world
        .staff(Method::DELETE, &format!("/api/admin/projects/{shed}"), None)
        .await;
    assert_eq!(response.status(), 204);
    world.app.settled().await;
    let (status, _) = send(
        &world,
        Method::GET,
        &format!("/api/admin/approvals/{doomed}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        files.count().await,
        kept - 2,
        "the approval's file went with the project"
    );
}

#[tokio::test]
async fn flags_assignment_and_the_feature_gate_every_customer_call() {
    let files = Files::new().await;
    let world = world(&files).await;
    let (ann, ann_id) = world.customer("ann@example.test", "Ann", "", 1).await;
    let house = project_for(&world, "House", &[&ann_id]).await;
    let id = pending_approval(&world, &house, "Floor plan").await;
    let mine = format!("/api/customer/approvals/{id}");

    // Without can_approve_work or can_add_comments: 403 naming the flag, nothing changed.
    let permissions = format!("/api/admin/customers/{ann_id}/permissions");
    let off = json!({"can_approve_work": false, "can_add_comments": false});
    assert_eq!(
        send(&world, Method::PUT, &permissions, Some(&off)).await.0,
        200
    );
    let (status, denied) = respond(&world, &ann, &id, json!({"decision": "approve"})).await;
    assert_eq!(
        (status, &denied["error"]["code"]),
        (403, &json!("PERMISSION_DENIED")),
        "{denied}"
    );
    let comments = format!("{mine}/comments");
    let (status, _) = as_customer(
        &world,
        &ann,
        (Method::POST, &comments),
        Some(&json!({"body": "Hi"})),
    )
    .await;
    assert_eq!(status, 403);
    let (_, read) = as_customer(&world, &ann, (Method::GET, &mine), None).await;
    assert_eq!(read["status"], "pending");
    assert_eq!(
        actions(&read),
        ["created", "file_added", "submitted", "viewed"]
    );
    let on = json!({"can_approve_work": true, "can_add_comments": true});
    assert_eq!(
        send(&world, Method::PUT, &permissions, Some(&on)).await.0,
        200
    );

    // The feature off: 404 everywhere, and no dashboard section.
    let features = |on: bool| json!({"features": {"approvals": on}});
    let settings = "/api/admin/settings";
    assert_eq!(
        send(&world, Method::PATCH, settings, Some(&features(false)))
            .await
            .0,
        200
    );
    for path in ["/api/customer/approvals", mine.as_str()] {
        let (status, _) = as_customer(&world, &ann, (Method::GET, path), None).await;
        assert_eq!(status, 404, "{path}");
    }
    let (_, home) = as_customer(&world, &ann, (Method::GET, "/api/customer/dashboard"), None).await;
    assert!(home.get("approvals").is_none(), "{home}");
    assert_eq!(
        send(&world, Method::PATCH, settings, Some(&features(true)))
            .await
            .0,
        200
    );

    // Taken away: 403 on the very next read, download and response.
    let file = read["files"][0]["id"].as_str().unwrap().to_owned();
    let assign = format!("/api/admin/projects/{house}/customers");
    let none = json!({"customer_ids": []});
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
        (403, &json!("CUSTOMER_ASSIGNMENT_REVOKED")),
        "{revoked}"
    );
    let download = customer_fetch(
        &world.app,
        Method::GET,
        &format!("{mine}/files/{file}"),
        &ann,
        &[],
    )
    .await;
    assert_eq!(download.status(), 403);
    let (status, _) = respond(&world, &ann, &id, json!({"decision": "approve"})).await;
    assert_eq!(status, 403);
    let (_, listed) =
        as_customer(&world, &ann, (Method::GET, "/api/customer/approvals"), None).await;
    assert_eq!(listed["items"], json!([]));
    let (_, staff_view) = send(
        &world,
        Method::GET,
        &format!("/api/admin/approvals/{id}"),
        None,
    )
    .await;
    assert_eq!(staff_view["status"], "pending", "nothing was decided");

    // A viewer reads but changes nothing.
    crate::support::app::set_staff_role(&world.app, &world.staff_id, "viewer").await;
    let (status, _) = send(&world, Method::GET, "/api/admin/approvals", None).await;
    assert_eq!(status, 200);
    let (status, _) = send(
        &world,
        Method::DELETE,
        &format!("/api/admin/approvals/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn of_two_racing_decisions_exactly_one_wins() {
    let files = Files::new().await;
    let world = world(&files).await;
    let (ann, ann_id) = world.customer("ann@example.test", "Ann", "", 1).await;
    let (cat, cat_id) = world.customer("cat@example.test", "Cat", "", 2).await;
    let house = project_for(&world, "House", &[&ann_id, &cat_id]).await;
    for round in 0..4 {
        let id = pending_approval(&world, &house, &format!("Facade {round}")).await;
        let approve = respond(&world, &ann, &id, json!({"decision": "approve"}));
        let changes = json!({"decision": "request_changes", "comment": format!("round {round}")});
        let change = respond(&world, &cat, &id, changes);
        let ((a, first), (b, second)) = tokio::join!(approve, change);
        let mut statuses = [a, b];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "round {round}: {first} {second}");
        let (winner, loser) = if a == 409 {
            (&second, &first)
        } else {
            (&first, &second)
        };
        assert_eq!(loser["error"]["code"], "APPROVAL_ALREADY_DECIDED");
        let (_, read) = send(
            &world,
            Method::GET,
            &format!("/api/admin/approvals/{id}"),
            None,
        )
        .await;
        let decisions: Vec<&Value> = read["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["action"] == "approved" || h["action"] == "changes_requested")
            .collect();
        assert_eq!(decisions.len(), 1, "one decision: {read}");
        assert_eq!(
            read["status"], winner["status"],
            "the winner's decision stands"
        );
    }
}

#[tokio::test]
async fn the_console_and_the_portal_pages_carry_an_approval_through() {
    use crate::pages::{csrf_of, get, post_form};
    let files = Files::new().await;
    let world = world(&files).await;
    let (ann, ann_id) = world.customer("ann@example.test", "Ann", "", 1).await;
    let house = project_for(&world, "House", &[&ann_id]).await;
    let staff = format!("atrium_staff={}", world.staff);
    let list = get(&world, "/admin/approvals", &staff).await;
    assert_eq!(list.status(), 200);
    let csrf = csrf_of(list).await;
    let form = |title: &'static str| {
        [
            ("csrf_token", csrf.as_str()),
            ("project_id", house.as_str()),
            ("title", title),
        ]
    };
    let refused = post_form(&world, "/admin/approvals", &staff, &form("")).await;
    assert_eq!(refused.status(), 422);
    let created = post_form(&world, "/admin/approvals", &staff, &form("Brochure")).await;
    assert_eq!(created.status(), 303);
    let to = created.headers()["location"].to_str().unwrap().to_owned();
    let id = to
        .trim_start_matches("/admin/approvals/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let submit = format!("/admin/approvals/{id}/submit");
    let empty = post_form(&world, &submit, &staff, &[("csrf_token", &csrf)]).await;
    assert_eq!(empty.status(), 422, "no file yet: the editor says why");
    assert_eq!(attach(&world, &id, "brochure.pdf").await.0, 201);
    let asked = post_form(&world, &submit, &staff, &[("csrf_token", &csrf)]).await;
    assert_eq!(asked.status(), 303);

    let mine = format!("/customer/approvals/{id}");
    let page = get(&world, &mine, &ann.cookie).await;
    assert_eq!(page.status(), 200);
    let ann_csrf = csrf_of(page).await;
    let respond = format!("{mine}/respond");
    let no_feedback = [
        ("csrf_token", ann_csrf.as_str()),
        ("decision", "request_changes"),
    ];
    let refused = post_form(&world, &respond, &ann.cookie, &no_feedback).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Awaiting your decision")
    );
    let approve = [("csrf_token", ann_csrf.as_str()), ("decision", "approve")];
    let done = post_form(&world, &respond, &ann.cookie, &approve).await;
    assert_eq!(done.status(), 303);
    let list = get(&world, "/customer/approvals", &ann.cookie).await;
    assert!(list.text().await.unwrap().contains("Approved"));
    let console = get(&world, &format!("/admin/approvals/{id}"), &staff).await;
    let console = console.text().await.unwrap();
    assert!(
        console.contains("approved it") && console.contains("Ann"),
        "{console}"
    );
    let deleted = post_form(
        &world,
        &format!("/admin/approvals/{id}/delete"),
        &staff,
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(deleted.status(), 303);
    let gone = get(&world, &format!("/admin/approvals/{id}"), &staff).await;
    assert_eq!(gone.status(), 404);
}
