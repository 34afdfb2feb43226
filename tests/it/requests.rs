//! Requests through the gateway (design/collaboration.md): a customer opens job requests
//! and support tickets, staff work them (status, priority, assignee, public replies and
//! internal notes), a customer reply reopens a closed one; bad input is refused with
//! nothing changed, another customer's ids are 404, and an internal note's text reaches
//! no customer-facing answer, mail or notification.

use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_invitation::Customer;
use crate::customer_lockout::World;
use crate::invoices::send;

/// The customer's call with their cookie and CSRF token, and its JSON answer.
pub(crate) async fn as_customer(
    world: &World,
    who: &Customer,
    (method, path): (Method, &str),
    body: Option<&Value>,
) -> (u16, Value) {
    let mut request = world
        .app
        .http
        .request(method, world.app.url(path))
        .header("cookie", &who.cookie)
        .header("x-csrf-token", &who.csrf);
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

const NOTE: &str = "internal-note-7f3a9c: the client is a slow payer";

#[tokio::test]
async fn a_request_is_worked_by_staff_and_its_internal_notes_reach_no_customer() {
    let world = World::start().await;
    let (ann, ann_id) = world
        .customer("ann@example.test", "Ann", "Ann & Co", 1)
        .await;
    let (bob, _) = world.customer("bob@example.test", "Bob", "", 2).await;
    let mut seen = Vec::new();
    let post = |path: &str| (Method::POST, path.to_owned());

    // Bad input is refused and numbers nothing.
    for (body, want, field) in [
        (
            json!({"type": "support", "category": "design", "title": "x", "description": "y"}),
            422,
            "category",
        ),
        (
            json!({"type": "support", "category": "bug", "title": " ", "description": "y"}),
            422,
            "title",
        ),
        (
            json!({"type": "ticket", "category": "bug", "title": "x", "description": "y"}),
            422,
            "type",
        ),
        (
            json!({"type": "support", "category": "bug", "title": "x", "description": "y", "priority": "asap"}),
            422,
            "priority",
        ),
        (
            json!({"type": "support", "category": "bug", "title": "x"}),
            422,
            "",
        ),
        (
            json!({"type": "support", "category": "bug", "title": "x", "description": "y", "project_id": uuid::Uuid::new_v4()}),
            404,
            "",
        ),
    ] {
        let (method, path) = post("/api/customer/requests");
        let (status, answer) = as_customer(&world, &ann, (method, &path), Some(&body)).await;
        assert_eq!(status, want, "{body}: {answer}");
        if !field.is_empty() {
            assert!(answer["error"]["fields"].get(field).is_some(), "{answer}");
        }
    }
    let forged = world
        .app
        .http
        .post(world.app.url("/api/customer/requests"))
        .header("cookie", &ann.cookie)
        .header("x-csrf-token", "wrong")
        .json(&json!({"type": "job", "category": "design", "title": "x", "description": "y"}))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);

    let ticket = json!({"type": "support", "category": "bug", "title": "Login fails", "description": "Since Monday"});
    let (status, opened) = as_customer(
        &world,
        &ann,
        (Method::POST, "/api/customer/requests"),
        Some(&ticket),
    )
    .await;
    assert_eq!(status, 201, "{opened}");
    assert_eq!(
        (&opened["number"], &opened["status"], &opened["priority"]),
        (&json!(1), &json!("open"), &json!("normal"))
    );
    assert_eq!(opened["customer"]["name"], "Ann");
    let id = opened["id"].as_str().unwrap().to_owned();
    let job = json!({"type": "job", "category": "design", "title": "New logo", "description": "Blue", "priority": "high"});
    let (_, second) = as_customer(
        &world,
        &ann,
        (Method::POST, "/api/customer/requests"),
        Some(&job),
    )
    .await;
    assert_eq!(second["number"], 2);

    // Staff see both, filter them, reply once in public and once internally.
    let (_, all) = send(&world, Method::GET, "/api/admin/requests", None).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2, "{all}");
    let (_, jobs) = send(&world, Method::GET, "/api/admin/requests?type=job", None).await;
    assert_eq!(jobs["items"][0]["title"], "New logo");
    let (status, _) = send(&world, Method::GET, "/api/admin/requests?status=done", None).await;
    assert_eq!(status, 422);
    let messages = format!("/api/admin/requests/{id}/messages");
    let (status, replied) = send(
        &world,
        Method::POST,
        &messages,
        Some(&json!({"body": "Looking into it"})),
    )
    .await;
    assert_eq!(status, 201, "{replied}");
    assert!(replied["first_response_at"].is_string());
    let (status, noted) = send(
        &world,
        Method::POST,
        &messages,
        Some(&json!({"body": NOTE, "internal": true})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(noted["messages"].as_array().unwrap().len(), 2);
    assert_eq!(noted["messages"][1]["internal"], true);
    let (status, _) = send(
        &world,
        Method::POST,
        &messages,
        Some(&json!({"body": "  "})),
    )
    .await;
    assert_eq!(status, 422);

    // The news: staff (unassigned: every holder of requests.manage) got each new
    // request in-app and by mail; the customer got the public reply, never the note.
    world.app.settled().await;
    let mails = world.smtp.messages();
    let to = |email: &str, text: &str| {
        mails.iter().any(|m| {
            m.rcpt_to.iter().any(|r| r == email)
                && m.header("subject").unwrap_or_default().contains(text)
        })
    };
    assert!(
        to("owner@acme.test", "Request #1: Login fails"),
        "the new ticket reached staff"
    );
    assert!(to("owner@acme.test", "Request #2: New logo"));
    assert!(
        to("ann@example.test", "Your request #1"),
        "the public reply reached Ann"
    );
    let updates = |mails: &[atrium_common::testkit::smtp::ReceivedMail]| {
        mails
            .iter()
            .filter(|m| m.rcpt_to.iter().any(|r| r == "ann@example.test"))
            .filter(|m| {
                m.header("subject")
                    .unwrap_or_default()
                    .contains("Your request")
            })
            .count()
    };
    assert_eq!(
        updates(&mails),
        1,
        "one mail for the reply, none for the note"
    );
    let (_, inbox) = send(&world, Method::GET, "/api/admin/notifications", None).await;
    assert!(inbox.to_string().contains("request_received"), "{inbox}");

    // Status, priority and assignee; an unknown assignee or a wrong category changes nothing.
    let path = format!("/api/admin/requests/{id}");
    for (body, want) in [
        (json!({"assignee_id": uuid::Uuid::new_v4()}), 404),
        (json!({"category": "design"}), 422),
        (json!({"status": "done"}), 422),
    ] {
        assert_eq!(
            send(&world, Method::PATCH, &path, Some(&body)).await.0,
            want,
            "{body}"
        );
    }
    let change =
        json!({"status": "in_progress", "priority": "urgent", "assignee_id": world.staff_id});
    let (status, changed) = send(&world, Method::PATCH, &path, Some(&change)).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        (
            &changed["status"],
            &changed["priority"],
            &changed["assignee"]["id"]
        ),
        (
            &json!("in_progress"),
            &json!("urgent"),
            &json!(world.staff_id)
        )
    );
    let (_, closed) = send(
        &world,
        Method::PATCH,
        &path,
        Some(&json!({"status": "closed"})),
    )
    .await;
    assert!(closed["closed_at"].is_string());

    // The customer sees the public reply only; replying reopens; closing closes.
    let mine = format!("/api/customer/requests/{id}");
    let (status, read) = as_customer(&world, &ann, (Method::GET, &mine), None).await;
    assert_eq!(status, 200);
    assert_eq!(read["messages"].as_array().unwrap().len(), 1, "{read}");
    assert_eq!(read["messages"][0]["body"], "Looking into it");
    seen.push(read.to_string());
    let reply = format!("{mine}/messages");
    let (status, reopened) = as_customer(
        &world,
        &ann,
        (Method::POST, &reply),
        Some(&json!({"body": "Still broken"})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(reopened["status"], "open");
    seen.push(reopened.to_string());
    let (status, done) =
        as_customer(&world, &ann, (Method::POST, &format!("{mine}/close")), None).await;
    assert_eq!((status, &done["status"]), (200, &json!("closed")));
    seen.push(done.to_string());
    let (_, listed) =
        as_customer(&world, &ann, (Method::GET, "/api/customer/requests"), None).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    seen.push(listed.to_string());
    let (_, support) = as_customer(
        &world,
        &ann,
        (Method::GET, "/api/customer/requests?type=support"),
        None,
    )
    .await;
    assert_eq!(support["items"].as_array().unwrap().len(), 1);

    let (_, home) = as_customer(&world, &ann, (Method::GET, "/api/customer/dashboard"), None).await;
    assert_eq!(
        home["requests"]["open"], 1,
        "the dashboard counts the open one: {home}"
    );
    seen.push(home.to_string());

    // Another customer: every id of Ann's is 404, their list is empty.
    for (method, path) in [
        (Method::GET, mine.clone()),
        (Method::POST, format!("{mine}/close")),
    ] {
        let (status, _) = as_customer(&world, &bob, (method, &path), None).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, theirs) = as_customer(
        &world,
        &bob,
        (Method::POST, &reply),
        Some(&json!({"body": "me too"})),
    )
    .await;
    assert_eq!(status, 404, "{theirs}");
    let (_, bobs) = as_customer(&world, &bob, (Method::GET, "/api/customer/requests"), None).await;
    assert_eq!(bobs["items"], json!([]));

    // The flag and the feature.
    let permissions = format!("/api/admin/customers/{ann_id}/permissions");
    let off = json!({"can_submit_requests": false});
    assert_eq!(
        send(&world, Method::PUT, &permissions, Some(&off)).await.0,
        200
    );
    let (status, denied) = as_customer(
        &world,
        &ann,
        (Method::POST, "/api/customer/requests"),
        Some(&ticket),
    )
    .await;
    assert_eq!(
        (status, &denied["error"]["code"]),
        (403, &json!("PERMISSION_DENIED")),
        "{denied}"
    );
    let (status, _) = as_customer(
        &world,
        &ann,
        (Method::POST, &reply),
        Some(&json!({"body": "x"})),
    )
    .await;
    assert_eq!(status, 403);
    let features = json!({"features": {"requests": false}});
    assert_eq!(
        send(
            &world,
            Method::PATCH,
            "/api/admin/settings",
            Some(&features)
        )
        .await
        .0,
        200
    );
    let (status, _) =
        as_customer(&world, &ann, (Method::GET, "/api/customer/requests"), None).await;
    assert_eq!(status, 404);
    let (_, home) = as_customer(&world, &ann, (Method::GET, "/api/customer/dashboard"), None).await;
    assert!(
        home.get("requests").is_none(),
        "no requests card while the feature is off"
    );

    // The note is nowhere a customer looks: answers, notifications, mails.
    let (_, notices) = as_customer(
        &world,
        &ann,
        (Method::GET, "/api/customer/notifications"),
        None,
    )
    .await;
    seen.push(notices.to_string());
    world.app.settled().await;
    for mail in world.smtp.messages() {
        seen.push(mail.parts().0);
        seen.push(mail.parts().1);
    }
    for text in &seen {
        assert!(
            !text.contains("internal-note-7f3a9c"),
            "the note leaked: {text}"
        );
    }
    let (_, staff_view) = send(&world, Method::GET, &path, None).await;
    assert!(
        staff_view.to_string().contains("internal-note-7f3a9c"),
        "staff keep the note"
    );

    // Erased, the customer's requests go with their threads.
    let erase = format!("/api/admin/customers/{ann_id}");
    assert_eq!(send(&world, Method::DELETE, &erase, None).await.0, 204);
    world.app.settled().await;
    let (_, left) = send(&world, Method::GET, "/api/admin/requests", None).await;
    assert_eq!(left["items"], json!([]), "{left}");
    assert_eq!(send(&world, Method::GET, &path, None).await.0, 404);
}

#[tokio::test]
async fn request_stats_count_the_period_and_take_medians() {
    let world = World::start().await;
    let (ann, _) = world.customer("ann@example.test", "Ann", "", 1).await;
    let ticket = json!({"type": "support", "category": "access", "title": "No login", "description": "Help"});
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (_, opened) = as_customer(
            &world,
            &ann,
            (Method::POST, "/api/customer/requests"),
            Some(&ticket),
        )
        .await;
        ids.push(opened["id"].as_str().unwrap().to_owned());
    }
    // First replies after 60 s and 180 s; the third has none. One closes after 600 s.
    for (id, secs) in [(&ids[0], 60), (&ids[1], 180)] {
        world
            .app
            .clock
            .advance(std::time::Duration::from_secs(secs));
        let path = format!("/api/admin/requests/{id}/messages");
        assert_eq!(
            send(&world, Method::POST, &path, Some(&json!({"body": "On it"})))
                .await
                .0,
            201
        );
    }
    world.app.clock.advance(std::time::Duration::from_secs(360));
    let close = json!({"status": "closed"});
    let path = format!("/api/admin/requests/{}", ids[0]);
    assert_eq!(
        send(&world, Method::PATCH, &path, Some(&close)).await.0,
        200
    );

    let today = world.app.clock.now().date_naive();
    let stats = format!("/api/admin/requests/stats?from={today}&to={today}");
    let (status, figures) = send(&world, Method::GET, &stats, None).await;
    assert_eq!(status, 200, "{figures}");
    let support = &figures["support"];
    assert_eq!(
        (&support["opened"], &support["closed"]),
        (&json!(3), &json!(1)),
        "{figures}"
    );
    // 60 s and 240 s (180 s after the first): the median of two is their mean.
    assert_eq!(support["median_first_response_secs"], 150, "{figures}");
    assert_eq!(support["median_resolution_secs"], 600);
    assert_eq!(figures["job"]["opened"], 0);
    assert!(figures["job"]["median_first_response_secs"].is_null());
    for bad in [
        "",
        "?from=2030-02-01&to=2030-01-01",
        "?from=soon&to=2030-01-01",
        "?from=2030-01-01&to=2031-06-01",
    ] {
        let path = format!("/api/admin/requests/stats{bad}");
        assert_eq!(send(&world, Method::GET, &path, None).await.0, 422, "{bad}");
    }
}

#[tokio::test]
async fn the_request_pages_open_reply_and_keep_internal_notes_to_the_console() {
    use crate::pages::{csrf_of, get, post_form};
    let world = World::start().await;
    let (ann, _) = world.customer("ann@example.test", "Ann", "", 1).await;
    let page = get(&world, "/customer/requests", &ann.cookie).await;
    assert_eq!(page.status(), 200);
    let csrf = csrf_of(page).await;
    let refused = post_form(
        &world,
        "/customer/requests",
        &ann.cookie,
        &[
            ("csrf_token", &csrf),
            ("category", "support:bug"),
            ("title", ""),
            ("description", "x"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let opened = post_form(
        &world,
        "/customer/requests",
        &ann.cookie,
        &[
            ("csrf_token", &csrf),
            ("category", "support:access"),
            ("title", "Cannot sign in"),
            ("description", "Since the update"),
            ("priority", "high"),
        ],
    )
    .await;
    assert_eq!(opened.status(), 303);
    let to = opened.headers()["location"].to_str().unwrap().to_owned();
    let id = to
        .trim_start_matches("/customer/requests/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();

    let staff = format!("atrium_staff={}", world.staff);
    let console = get(&world, &format!("/admin/requests/{id}"), &staff).await;
    assert_eq!(console.status(), 200);
    let staff_csrf = csrf_of(console).await;
    let path = format!("/admin/requests/{id}/messages");
    let public = [
        ("csrf_token", staff_csrf.as_str()),
        ("body", "Reset link sent"),
    ];
    assert_eq!(
        post_form(&world, &path, &staff, &public).await.status(),
        303
    );
    let note = [
        ("csrf_token", staff_csrf.as_str()),
        ("body", NOTE),
        ("internal", "yes"),
    ];
    assert_eq!(post_form(&world, &path, &staff, &note).await.status(), 303);
    let state = [
        ("csrf_token", staff_csrf.as_str()),
        ("status", "in_progress"),
        ("priority", "urgent"),
        ("assignee_id", world.staff_id.as_str()),
    ];
    let saved = post_form(&world, &format!("/admin/requests/{id}"), &staff, &state).await;
    assert_eq!(saved.status(), 303);
    let board = get(&world, "/admin/requests?status=in_progress", &staff).await;
    let board = board.text().await.unwrap();
    assert!(board.contains("Cannot sign in"), "{board}");
    let console = get(&world, &format!("/admin/requests/{id}"), &staff).await;
    let console = console.text().await.unwrap();
    assert!(console.contains("internal-note-7f3a9c") && console.contains("Internal note"));

    let mine = get(&world, &format!("/customer/requests/{id}"), &ann.cookie).await;
    let mine = mine.text().await.unwrap();
    assert!(
        mine.contains("Reset link sent") && mine.contains("In progress"),
        "{mine}"
    );
    assert!(
        !mine.contains("internal-note-7f3a9c"),
        "the note stays in the console"
    );
    let reply = [("csrf_token", csrf.as_str()), ("body", "Thanks, works")];
    let sent = post_form(
        &world,
        &format!("/customer/requests/{id}/messages"),
        &ann.cookie,
        &reply,
    )
    .await;
    assert_eq!(sent.status(), 303);
    let closed = post_form(
        &world,
        &format!("/customer/requests/{id}/close"),
        &ann.cookie,
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(closed.status(), 303);
    let list = get(&world, "/customer/requests", &ann.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("Closed") && !list.contains("internal-note-7f3a9c"));
}
