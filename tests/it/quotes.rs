//! Quotes and orders through the gateway: a draft quote issued once with the
//! `quote_issued` mail, accepted or declined once by its customer (the racing decision
//! losing with QUOTE_NOT_OPEN, an expired one refused with QUOTE_EXPIRED) with the
//! evidence kept, converted once into an invoice or an order; orders fulfilled,
//! cancelled and invoiced once.

use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_invitation::{Customer, customer_call};
use crate::customer_lockout::World;
use crate::invoices::{eur, send, worked_example};

fn new_quote(world: &World, customer: &str, days: i64) -> Value {
    let mut body = worked_example(customer);
    let until = world.app.clock.now().date_naive() + chrono::Duration::days(days);
    body["valid_until"] = json!(until.to_string());
    body["terms"] = json!("50% on signing");
    body
}

async fn issued_quote(world: &World, customer: &str, days: i64) -> String {
    let (status, draft) = send(
        world,
        Method::POST,
        "/api/admin/quotes",
        Some(&new_quote(world, customer, days)),
    )
    .await;
    assert_eq!(status, 201, "{draft}");
    let id = draft["id"].as_str().unwrap().to_owned();
    let (status, sent) = send(
        world,
        Method::POST,
        &format!("/api/admin/quotes/{id}/issue"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    id
}

/// The customer's decision on `id`: `accept` with `body`, or decline.
pub(crate) async fn decide(
    world: &World,
    who: &Customer,
    id: &str,
    accept: bool,
    body: &Value,
) -> (u16, Value) {
    let verb = if accept { "accept" } else { "decline" };
    let response = world
        .app
        .http
        .post(world.app.url(&format!("/api/customer/quotes/{id}/{verb}")))
        .header("cookie", &who.cookie)
        .header("x-csrf-token", &who.csrf)
        .header("user-agent", "AtriumTest/1.0")
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn read(world: &World, who: &Customer, path: &str) -> (u16, Value) {
    let response = customer_call(&world.app, Method::GET, path, who, None).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_quote_is_issued_once_and_decided_once_with_its_evidence() {
    let world = World::start().await;
    let (ada, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let (bo, _) = world.customer("bo@example.test", "Bo", "", 2).await;

    for (change, field) in [
        (json!({"valid_until": "soon"}), "valid_until"),
        (json!({"currency": "EURO"}), "currency"),
        (
            json!({"customer_id": uuid::Uuid::new_v4().to_string()}),
            "customer_id",
        ),
        (json!({"terms": "x".repeat(5001)}), "terms"),
    ] {
        let mut body = new_quote(&world, &ada_id, 30);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, answer) = send(&world, Method::POST, "/api/admin/quotes", Some(&body)).await;
        assert_eq!(
            (status, answer["error"]["fields"][field].is_string()),
            (422, true),
            "{field}: {answer}"
        );
    }
    let (status, draft) = send(
        &world,
        Method::POST,
        "/api/admin/quotes",
        Some(&new_quote(&world, &ada_id, 30)),
    )
    .await;
    assert_eq!(status, 201, "{draft}");
    assert_eq!(
        (&draft["status"], &draft["number"], &draft["total"]),
        (&json!("draft"), &Value::Null, &eur(2793))
    );
    let id = draft["id"].as_str().unwrap().to_owned();
    let path = format!("/api/admin/quotes/{id}");
    let (status, edited) = send(
        &world,
        Method::PATCH,
        &path,
        Some(&json!({"notes": "Valid for a month"})),
    )
    .await;
    assert_eq!(
        (status, &edited["notes"]),
        (200, &json!("Valid for a month"))
    );
    let mine = format!("/api/customer/quotes/{id}");
    assert_eq!(
        read(&world, &ada, &mine).await.0,
        404,
        "a draft is nobody's to see"
    );

    let (status, sent) = send(&world, Method::POST, &format!("{path}/issue"), None).await;
    assert_eq!(status, 200, "{sent}");
    let number = sent["number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("Q-"), "{number}");
    assert_eq!(sent["status"], json!("sent"));
    let mail = world.mail(3).await;
    assert_eq!(mail.rcpt_to, ["ada@example.test"]);
    assert!(mail.decoded_header("subject").contains(&number));
    let (text, _) = mail.parts();
    assert!(
        text.contains("27.93 EUR") && text.contains(&format!("/customer/quotes/{id}")),
        "{text}"
    );
    let (_, notices) = read(&world, &ada, "/api/customer/notifications").await;
    assert!(
        notices["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "quote_issued"),
        "{notices}"
    );
    for (method, body) in [
        (Method::POST, None),
        (Method::PATCH, Some(json!({"notes": "x"}))),
        (Method::DELETE, None),
    ] {
        let target = if method == Method::POST {
            format!("{path}/issue")
        } else {
            path.clone()
        };
        let (status, answer) = send(&world, method.clone(), &target, body.as_ref()).await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (409, Some("INVALID_TRANSITION")),
            "{method}"
        );
    }

    // The customer reads it; Bo cannot; accepting needs a typed name.
    let (status, seen) = read(&world, &ada, &mine).await;
    assert_eq!((status, &seen["number"]), (200, &json!(number)));
    assert_eq!(read(&world, &bo, &mine).await.0, 404);
    assert_eq!(
        decide(&world, &bo, &id, true, &json!({"name": "Bo"}))
            .await
            .0,
        404
    );
    let (status, unnamed) = decide(&world, &ada, &id, true, &json!({"name": "  "})).await;
    assert_eq!(
        (status, unnamed["error"]["fields"]["name"].is_string()),
        (422, true)
    );
    let (status, _) = decide(&world, &ada, &id, true, &json!({"name": 5})).await;
    assert_eq!(status, 422);

    // Eight decisions at once: one wins, the rest find it no longer open.
    let answers = futures_util::future::join_all((0..8).map(|n| {
        let (world, ada, id) = (&world, &ada, &id);
        async move {
            let body =
                json!({"name": "Ada Lovelace", "comment": format!("try {n}"), "reason": "No"});
            decide(world, ada, id, n % 2 == 0, &body).await
        }
    }))
    .await;
    let won: Vec<&(u16, Value)> = answers.iter().filter(|(s, _)| *s == 200).collect();
    assert_eq!(won.len(), 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .filter(|(s, _)| *s != 200)
            .all(|(s, b)| *s == 409 && b["error"]["code"] == "QUOTE_NOT_OPEN"),
        "{answers:?}"
    );
    let decided = send(&world, Method::GET, &path, None).await.1;
    let decision = &decided["decision"];
    assert_eq!(decided["status"], decision["decision"]);
    assert_eq!(
        (
            &decision["ip"],
            &decision["user_agent"],
            &decision["channel"]
        ),
        (
            &json!("127.0.0.1"),
            &json!("AtriumTest/1.0"),
            &json!("portal")
        )
    );
    assert_eq!(
        decision["content_sha256"], decided["content_sha256"],
        "the content as shown"
    );
    assert_eq!(decision["content_sha256"].as_str().map(str::len), Some(64));

    // A back-dated quote is expired once issued: answered so, and refusing a decision.
    let late = issued_quote(&world, &ada_id, -1).await;
    let (_, expired) = read(&world, &ada, &format!("/api/customer/quotes/{late}")).await;
    assert_eq!(expired["status"], json!("expired"));
    let (_, listed) = read(&world, &ada, "/api/customer/quotes?status=expired").await;
    let ids: Vec<&Value> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| &q["id"])
        .collect();
    assert_eq!(ids, [&json!(late)]);
    let (status, answer) = decide(&world, &ada, &late, true, &json!({"name": "Ada"})).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("QUOTE_EXPIRED"))
    );
    assert_eq!(
        read(&world, &ada, "/api/customer/quotes?status=draft")
            .await
            .0,
        422
    );
}

#[tokio::test]
async fn an_accepted_quote_converts_once_and_orders_move_once() {
    let world = World::start().await;
    let (ada, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let (bo, _) = world.customer("bo@example.test", "Bo", "", 2).await;
    let to_invoice = issued_quote(&world, &ada_id, 30).await;
    let to_order = issued_quote(&world, &ada_id, 30).await;
    let declined = issued_quote(&world, &ada_id, 30).await;
    let convert = |id: &str, to: &str| {
        let (world, path, body) = (
            &world,
            format!("/api/admin/quotes/{id}/convert"),
            json!({ "to": to }),
        );
        async move { send(world, Method::POST, &path, Some(&body)).await }
    };
    let (status, early) = convert(&to_invoice, "invoice").await;
    assert_eq!(
        (status, early["error"]["code"].as_str()),
        (409, Some("INVALID_TRANSITION")),
        "not accepted yet"
    );
    for id in [&to_invoice, &to_order] {
        assert_eq!(
            decide(&world, &ada, id, true, &json!({"name": "Ada"}))
                .await
                .0,
            200
        );
    }
    assert_eq!(
        decide(
            &world,
            &ada,
            &declined,
            false,
            &json!({"reason": "Too dear"})
        )
        .await
        .0,
        200
    );
    let (status, bad) = convert(&to_invoice, "receipt").await;
    assert_eq!(
        (status, bad["error"]["fields"]["to"].is_string()),
        (422, true)
    );
    assert_eq!(convert(&declined, "invoice").await.0, 409);

    let (status, converted) = convert(&to_invoice, "invoice").await;
    assert_eq!(status, 200, "{converted}");
    assert_eq!(converted["converted_to"]["kind"], json!("invoice"));
    let invoice_id = converted["converted_to"]["id"].as_str().unwrap();
    let (_, invoice) = send(
        &world,
        Method::GET,
        &format!("/api/admin/invoices/{invoice_id}"),
        None,
    )
    .await;
    assert_eq!(
        (
            &invoice["status"],
            &invoice["total"],
            &invoice["lines"].as_array().map(Vec::len)
        ),
        (&json!("draft"), &eur(2793), &Some(3))
    );
    let (status, twice) = convert(&to_invoice, "order").await;
    assert_eq!(
        (status, twice["error"]["code"].as_str()),
        (409, Some("INVALID_TRANSITION")),
        "converting twice"
    );

    let (status, converted) = convert(&to_order, "order").await;
    assert_eq!(status, 200);
    let order_id = converted["converted_to"]["id"].as_str().unwrap().to_owned();
    let order_path = format!("/api/admin/orders/{order_id}");
    let (_, order) = send(&world, Method::GET, &order_path, None).await;
    assert_eq!(
        (&order["status"], &order["quote_id"], &order["total"]),
        (&json!("open"), &json!(to_order), &eur(2793))
    );
    assert!(order["number"].as_str().unwrap().starts_with("SO-"));

    // Orders: made by staff (numbered), invoiced once, fulfilled or cancelled once.
    let mut body = worked_example(&ada_id);
    body.as_object_mut().unwrap().remove("lines");
    body["lines"] = json!([]);
    let (status, empty) = send(&world, Method::POST, "/api/admin/orders", Some(&body)).await;
    assert_eq!(
        (status, empty["error"]["fields"]["lines"].is_string()),
        (422, true)
    );
    let (status, made) = send(
        &world,
        Method::POST,
        "/api/admin/orders",
        Some(&worked_example(&ada_id)),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let made_path = format!("/api/admin/orders/{}", made["id"].as_str().unwrap());
    let (status, invoiced) =
        send(&world, Method::POST, &format!("{order_path}/invoice"), None).await;
    assert_eq!(
        (status, invoiced["invoice_id"].is_string()),
        (200, true),
        "{invoiced}"
    );
    assert_eq!(
        send(&world, Method::POST, &format!("{order_path}/invoice"), None)
            .await
            .0,
        409
    );
    let (status, fulfilled) =
        send(&world, Method::POST, &format!("{order_path}/fulfil"), None).await;
    assert_eq!((status, &fulfilled["status"]), (200, &json!("fulfilled")));
    let (status, answer) = send(&world, Method::POST, &format!("{order_path}/cancel"), None).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("INVALID_TRANSITION"))
    );
    let (status, cancelled) =
        send(&world, Method::POST, &format!("{made_path}/cancel"), None).await;
    assert_eq!((status, &cancelled["status"]), (200, &json!("cancelled")));
    assert_eq!(
        send(&world, Method::POST, &format!("{made_path}/invoice"), None)
            .await
            .0,
        409,
        "a cancelled order is not invoiced"
    );
    let (_, open) = send(&world, Method::GET, "/api/admin/orders?status=open", None).await;
    assert_eq!(open["items"], json!([]));
    assert_eq!(
        send(&world, Method::GET, "/api/admin/orders?status=lost", None)
            .await
            .0,
        422
    );

    // The customer reads their own orders only.
    let (status, theirs) = read(&world, &ada, "/api/customer/orders").await;
    assert_eq!(
        (status, theirs["items"].as_array().map(Vec::len)),
        (200, Some(2))
    );
    assert_eq!(
        read(&world, &bo, &format!("/api/customer/orders/{order_id}"))
            .await
            .0,
        404
    );
    assert_eq!(
        read(&world, &ada, &format!("/api/customer/orders/{order_id}"))
            .await
            .1["number"],
        order["number"]
    );
    let (_, quotes) = send(
        &world,
        Method::GET,
        "/api/admin/quotes?status=declined",
        None,
    )
    .await;
    assert_eq!(quotes["items"][0]["decision"]["comment"], json!("Too dear"));
}

/// The customer's dashboard once its billing section shows `expected`: billing's snapshot
/// reaches the portal through billing's outbox moments after the change (fails after 10 s).
async fn billing_shown(world: &World, who: &Customer, expected: &Value) {
    let mut last = Value::Null;
    for _ in 0..200 {
        let (status, home) = read(world, who, "/api/customer/dashboard").await;
        assert_eq!(status, 200, "{home}");
        if home["billing"] == *expected {
            return;
        }
        last = home;
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the dashboard's billing never became {expected}: {last}");
}

#[tokio::test]
async fn the_dashboard_counts_open_and_overdue_invoices_and_open_quotes() {
    let world = World::start().await;
    let (ada, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let (bo, _) = world.customer("bo@example.test", "Bo", "", 2).await;
    for issue_date in [None, Some("2020-01-01")] {
        let (_, draft) = send(
            &world,
            Method::POST,
            "/api/admin/invoices",
            Some(&worked_example(&ada_id)),
        )
        .await;
        let path = format!(
            "/api/admin/invoices/{}/issue",
            draft["id"].as_str().unwrap()
        );
        let body = issue_date.map(|d| json!({ "issue_date": d }));
        assert_eq!(
            send(&world, Method::POST, &path, body.as_ref()).await.0,
            200
        );
    }
    issued_quote(&world, &ada_id, 30).await;
    issued_quote(&world, &ada_id, -1).await;
    let expected = json!({"open_invoices": 2, "overdue_invoices": 1, "open_quotes": 1,
                          "balances": [{"currency": "EUR", "balance_due": eur(5586)}]});
    billing_shown(&world, &ada, &expected).await;
    let (_, theirs) = read(&world, &bo, "/api/customer/dashboard").await;
    assert_eq!(theirs["billing"]["open_invoices"], json!(0));

    // can_view_invoices taken away: no section from Ada's very next dashboard, Bo's stays.
    let permissions = format!("/api/admin/customers/{ada_id}/permissions");
    let denied = json!({"can_view_invoices": false});
    let (status, _) = send(&world, Method::PUT, &permissions, Some(&denied)).await;
    assert_eq!(status, 200);
    let (status, home) = read(&world, &ada, "/api/customer/dashboard").await;
    assert_eq!((status, home.get("billing")), (200, None), "{home}");
    let (_, theirs) = read(&world, &bo, "/api/customer/dashboard").await;
    assert_eq!(theirs["billing"]["open_invoices"], json!(0));

    let off = json!({"features": {"billing": false}});
    assert_eq!(
        send(&world, Method::PATCH, "/api/admin/settings", Some(&off))
            .await
            .0,
        200
    );
    let (status, home) = read(&world, &ada, "/api/customer/dashboard").await;
    assert_eq!(
        (status, home.get("billing")),
        (200, None),
        "no section while billing is off"
    );
}

#[tokio::test]
async fn an_erase_deletes_the_customers_drafts_and_keeps_what_was_issued() {
    let world = World::start().await;
    let (_, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let (_, bo_id) = world.customer("bo@example.test", "Bo", "", 2).await;
    let make = |customer: String| {
        let world = &world;
        async move {
            let (_, draft) = send(
                world,
                Method::POST,
                "/api/admin/invoices",
                Some(&worked_example(&customer)),
            )
            .await;
            draft["id"].as_str().unwrap().to_owned()
        }
    };
    let (draft, issued, bos) = (
        make(ada_id.clone()).await,
        make(ada_id.clone()).await,
        make(bo_id.clone()).await,
    );
    assert_eq!(
        send(
            &world,
            Method::POST,
            &format!("/api/admin/invoices/{issued}/issue"),
            None
        )
        .await
        .0,
        200
    );
    let sent_quote = issued_quote(&world, &ada_id, 30).await;
    let (_, draft_quote) = send(
        &world,
        Method::POST,
        "/api/admin/quotes",
        Some(&new_quote(&world, &ada_id, 30)),
    )
    .await;
    let draft_quote = draft_quote["id"].as_str().unwrap().to_owned();

    let erased = world
        .staff(
            Method::DELETE,
            &format!("/api/admin/customers/{ada_id}"),
            None,
        )
        .await;
    assert_eq!(erased.status(), 204);
    let mut gone = false;
    for _ in 0..100 {
        if send(
            &world,
            Method::GET,
            &format!("/api/admin/invoices/{draft}"),
            None,
        )
        .await
        .0 == 404
        {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(gone, "the erase reached billing");
    assert_eq!(
        send(
            &world,
            Method::GET,
            &format!("/api/admin/quotes/{draft_quote}"),
            None
        )
        .await
        .0,
        404
    );
    let (status, kept) = send(
        &world,
        Method::GET,
        &format!("/api/admin/invoices/{issued}"),
        None,
    )
    .await;
    assert_eq!(
        (status, &kept["customer"]["name"]),
        (200, &json!("Ada")),
        "issued keeps its snapshot"
    );
    assert_eq!(
        send(
            &world,
            Method::GET,
            &format!("/api/admin/quotes/{sent_quote}"),
            None
        )
        .await
        .0,
        200
    );
    assert_eq!(
        send(
            &world,
            Method::GET,
            &format!("/api/admin/invoices/{bos}"),
            None
        )
        .await
        .0,
        200,
        "Bo keeps his draft"
    );
    let (_, ledger) = send(
        &world,
        Method::GET,
        &format!("/api/admin/customers/{ada_id}/ledger"),
        None,
    )
    .await;
    assert_eq!(
        ledger["items"].as_array().map(Vec::len),
        Some(1),
        "the ledger stays: {ledger}"
    );
}

#[tokio::test]
async fn the_quote_page_decides_by_form_post_and_refuses_a_form_without_its_token() {
    use crate::pages::{csrf_of, get, post_form};
    let world = World::start().await;
    let (ada, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let id = issued_quote(&world, &ada_id, 30).await;
    let page = format!("/customer/quotes/{id}");
    let shown = get(&world, &page, &ada.cookie).await;
    assert_eq!(shown.status(), 200);
    let csrf = csrf_of(shown).await;
    let accept = format!("{page}/accept");
    let forged = post_form(
        &world,
        &accept,
        &ada.cookie,
        &[("csrf_token", "forged"), ("name", "Ada")],
    )
    .await;
    assert_eq!(forged.status(), 403);
    let unnamed = post_form(
        &world,
        &accept,
        &ada.cookie,
        &[("csrf_token", &csrf), ("name", " ")],
    )
    .await;
    assert_eq!(unnamed.status(), 422);
    assert!(
        unnamed.text().await.unwrap().contains("role=\"alert\""),
        "the page says why"
    );
    assert_eq!(
        read(&world, &ada, &format!("/api/customer/quotes/{id}"))
            .await
            .1["status"],
        json!("sent"),
        "nothing decided"
    );
    let done = post_form(
        &world,
        &accept,
        &ada.cookie,
        &[("csrf_token", &csrf), ("name", "Ada Lovelace")],
    )
    .await;
    assert_eq!(done.status(), 303);
    assert_eq!(
        done.headers()["location"],
        format!("/customer/quotes/{id}?done=accepted").as_str()
    );
    let again = post_form(
        &world,
        &format!("{page}/decline"),
        &ada.cookie,
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(again.status(), 409, "decided already");
    for path in [
        "/customer/invoices",
        "/customer/quotes",
        "/customer/ledger",
        "/customer",
    ] {
        assert_eq!(get(&world, path, &ada.cookie).await.status(), 200, "{path}");
    }
}

/// A staff member with `role`, invited by the owner and signed in: their bearer token.
async fn member(world: &World, email: &str, role: &str) -> String {
    let body = json!({ "email": email, "name": "Mia Books", "role": role });
    let (status, _) = send(world, Method::POST, "/api/admin/staff", Some(&body)).await;
    assert_eq!(status, 201);
    let mail = world.mail_to(email, "/admin/accept-invitation").await;
    let token = crate::customer_lockout::link_token(&mail, "/admin/accept-invitation");
    let accepted = world
        .app
        .post_token(
            "/api/admin/invitations/accept",
            &token,
            crate::customer_lockout::PASSWORD,
        )
        .await;
    assert_eq!(accepted.status(), 200);
    let body: Value = accepted.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// The staff notices of `kind` that `token`'s member holds, once the outbox has had
/// up to 5 s to deliver `expected` of them.
async fn staff_notices(world: &World, token: &str, kind: &str, expected: usize) -> Vec<Value> {
    let mut found = Vec::new();
    for _ in 0..50 {
        let list = world
            .app
            .staff_get_ok("/api/admin/notifications", token)
            .await;
        found = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == kind)
            .cloned()
            .collect();
        if found.len() >= expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    found
}

#[tokio::test]
async fn billing_managers_hear_of_decisions_and_of_payments_others_booked() {
    let world = World::start().await;
    let (ada, ada_id) = world
        .customer("ada@example.test", "Ada Lovelace", "", 1)
        .await;
    let books = member(&world, "mia@staff.test", "accountant").await;
    let editor = member(&world, "ed@staff.test", "editor").await;
    let id = issued_quote(&world, &ada_id, 30).await;
    let (status, _) = decide(&world, &ada, &id, true, &json!({"name": "Ada Lovelace"})).await;
    assert_eq!(status, 200);
    for token in [&world.staff, &books] {
        let told = staff_notices(&world, token, "quote_accepted", 1).await;
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!(told[0]["link"], json!(format!("/admin/quotes/{id}")));
        let title = told[0]["title"].as_str().unwrap();
        assert!(
            title.contains("Q-") && title.contains("Ada Lovelace"),
            "{title}"
        );
    }
    assert!(
        staff_notices(&world, &editor, "quote_accepted", 0)
            .await
            .is_empty()
    );

    // The owner books a payment twice with one key: the accountant hears of it once,
    // the owner (who booked it) and the editor (no billing) not at all.
    let body = json!({"customer_id": ada_id, "amount": {"amount_minor": 5000, "currency": "EUR"},
                      "received_on": "2026-12-01", "method": "cash"});
    for _ in 0..2 {
        let booked = world
            .app
            .http
            .post(world.app.url("/api/admin/payments"))
            .bearer_auth(&world.staff)
            .header("idempotency-key", "one-payment")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(booked.status(), 201);
    }
    let told = staff_notices(&world, &books, "payment_booked", 1).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0]["title"].as_str().unwrap().contains("50.00 EUR"),
        "{told:?}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        staff_notices(&world, &books, "payment_booked", 2)
            .await
            .len(),
        1
    );
    assert!(
        staff_notices(&world, &world.staff, "payment_booked", 0)
            .await
            .is_empty()
    );
    assert!(
        staff_notices(&world, &editor, "payment_booked", 0)
            .await
            .is_empty()
    );
}
