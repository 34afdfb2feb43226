//! Payments, allocations, refunds, credit notes and voids through the gateway: each
//! booking once per Idempotency-Key, an invoice's status following what was paid and
//! credited on it, concurrent payments never over-allocating one invoice, and every bad
//! booking refused with nothing booked.

use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_invitation::customer_call;
use crate::customer_lockout::World;
use crate::invoices::{eur, send, worked_example};
use crate::support::app::{OWNER_PASSWORD, set_staff_role};

/// Posts `body` to `path` with `key` as its Idempotency-Key (none: no header).
async fn book(world: &World, path: &str, key: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = world
        .app
        .http
        .post(world.app.url(path))
        .bearer_auth(&world.staff)
        .json(body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A worked-example invoice (2793 EUR) for `customer`, issued unless `draft`.
async fn invoice(world: &World, customer: &str, draft: bool) -> String {
    let (status, made) = send(
        world,
        Method::POST,
        "/api/admin/invoices",
        Some(&worked_example(customer)),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_str().unwrap().to_owned();
    if !draft {
        let path = format!("/api/admin/invoices/{id}/issue");
        assert_eq!(send(world, Method::POST, &path, None).await.0, 200);
    }
    id
}

async fn get(world: &World, path: &str) -> Value {
    let (status, body) = send(world, Method::GET, path, None).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

fn payment(customer: &str, amount: i64, allocations: Value) -> Value {
    json!({
        "customer_id": customer, "amount": eur(amount), "received_on": "2026-03-01",
        "method": "bank_transfer", "reference": "TX-1", "allocations": allocations
    })
}

async fn entries(world: &World, customer: &str) -> usize {
    let ledger = get(world, &format!("/api/admin/customers/{customer}/ledger")).await;
    ledger["items"].as_array().map_or(0, Vec::len)
}

async fn balance(world: &World, customer: &str) -> Value {
    let ledger = get(world, &format!("/api/admin/customers/{customer}/ledger")).await;
    ledger["balances"][0]["balance_due"].clone()
}

#[tokio::test]
async fn payments_are_allocated_once_per_key_and_invoices_follow_them() {
    let world = World::start().await;
    let (ada, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let (_, bo_id) = world.customer("bo@example.test", "Bo", "", 2).await;
    let (first, second) = (
        invoice(&world, &ada_id, false).await,
        invoice(&world, &ada_id, false).await,
    );
    let draft = invoice(&world, &ada_id, true).await;
    let bos = invoice(&world, &bo_id, false).await;

    let body = payment(
        &ada_id,
        3000,
        json!([{"invoice_id": first, "amount_minor": 2793}, {"invoice_id": second, "amount_minor": 100}]),
    );
    let (status, paid) = book(&world, "/api/admin/payments", Some("pay-1"), &body).await;
    assert_eq!(status, 201, "{paid}");
    assert_eq!(
        (&paid["amount"], &paid["unallocated"], &paid["method"]),
        (&eur(3000), &eur(107), &json!("bank_transfer"))
    );
    assert_eq!(paid["allocations"].as_array().map(Vec::len), Some(2));
    let (status, again) = book(&world, "/api/admin/payments", Some("pay-1"), &body).await;
    assert_eq!(
        (status, &again["id"]),
        (201, &paid["id"]),
        "the first answer again"
    );
    let mut other = body.clone();
    other["reference"] = json!("TX-2");
    let (status, reused) = book(&world, "/api/admin/payments", Some("pay-1"), &other).await;
    assert_eq!(
        (status, reused["error"]["code"].as_str()),
        (422, Some("IDEMPOTENCY_KEY_REUSED"))
    );
    let one = get(&world, &format!("/api/admin/invoices/{first}")).await;
    assert_eq!(
        (&one["status"], &one["amount_paid"], &one["amount_due"]),
        (&json!("paid"), &eur(2793), &eur(0))
    );
    assert_eq!(one["payments"][0]["payment_id"], paid["id"]);
    let two = get(&world, &format!("/api/admin/invoices/{second}")).await;
    assert_eq!(
        (&two["status"], &two["amount_due"]),
        (&json!("partially_paid"), &eur(2693))
    );
    // 2 × 2793 owed, 3000 paid.
    assert_eq!(balance(&world, &ada_id).await, eur(2586));

    // What was left is allocated later; more than is left is refused.
    let id = paid["id"].as_str().unwrap();
    let later = format!("/api/admin/payments/{id}/allocations");
    let rest = json!({"allocations": [{"invoice_id": second, "amount_minor": 107}]});
    let (status, allocated) = book(&world, &later, Some("later-1"), &rest).await;
    assert_eq!(status, 200, "{allocated}");
    assert_eq!(allocated["unallocated"], eur(0));
    let more = json!({"allocations": [{"invoice_id": second, "amount_minor": 1}]});
    let (status, over) = book(&world, &later, Some("later-2"), &more).await;
    assert_eq!(
        (status, over["error"]["fields"]["allocations"].is_string()),
        (422, true),
        "{over}"
    );
    let two = get(&world, &format!("/api/admin/invoices/{second}")).await;
    assert_eq!(two["amount_paid"], eur(207));

    // Bad payments: each a 422 naming what is wrong, nothing booked.
    let booked = entries(&world, &ada_id).await;
    let alloc =
        |invoice: &str, amount: i64| json!([{"invoice_id": invoice, "amount_minor": amount}]);
    let cases = [
        (
            payment(&ada_id, 100, alloc(&bos, 50)),
            "allocations[0].invoice_id",
        ),
        (
            payment(&ada_id, 100, alloc(&draft, 50)),
            "allocations[0].invoice_id",
        ),
        (
            payment(&ada_id, 100, alloc(&first, 50)),
            "allocations[0].invoice_id",
        ),
        (
            payment(&ada_id, 9000, alloc(&second, 2587)),
            "allocations[0].amount_minor",
        ),
        (payment(&ada_id, 100, alloc(&second, 101)), "allocations"),
        (
            payment(&ada_id, 100, alloc("nope", 1)),
            "allocations[0].invoice_id",
        ),
        (
            payment(&ada_id, 100, alloc(&second, 0)),
            "allocations[0].amount_minor",
        ),
        (payment(&ada_id, 0, json!([])), "amount.amount_minor"),
        (
            payment(&uuid::Uuid::new_v4().to_string(), 100, json!([])),
            "customer_id",
        ),
    ];
    for (n, (body, field)) in cases.iter().enumerate() {
        let (status, answer) = book(
            &world,
            "/api/admin/payments",
            Some(&format!("bad-{n}")),
            body,
        )
        .await;
        assert_eq!(
            (status, answer["error"]["fields"][field].is_string()),
            (422, true),
            "{n}: {answer}"
        );
    }
    let mut usd = payment(&ada_id, 100, alloc(&second, 50));
    usd["amount"]["currency"] = json!("USD");
    let (status, answer) = book(&world, "/api/admin/payments", Some("usd"), &usd).await;
    assert_eq!(
        (
            status,
            answer["error"]["fields"]["allocations[0].invoice_id"].is_string()
        ),
        (422, true)
    );
    for (change, field) in [
        (json!({"method": "barter"}), "method"),
        (json!({"received_on": "1 March"}), "received_on"),
    ] {
        let mut body = payment(&ada_id, 100, json!([]));
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, answer) = book(&world, "/api/admin/payments", Some(field), &body).await;
        assert_eq!(
            (status, answer["error"]["fields"][field].is_string()),
            (422, true)
        );
    }
    let (status, missing) = book(
        &world,
        "/api/admin/payments",
        None,
        &payment(&ada_id, 5, json!([])),
    )
    .await;
    assert_eq!(
        (
            status,
            missing["error"]["fields"]["idempotency_key"].is_string()
        ),
        (422, true)
    );
    assert_eq!(entries(&world, &ada_id).await, booked, "nothing was booked");

    // An unallocated payment is credit; a refund gives some back, never more than is left.
    let (status, credit) = book(
        &world,
        "/api/admin/payments",
        Some("credit"),
        &payment(&ada_id, 3000, json!([])),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(balance(&world, &ada_id).await, eur(-414));
    let credit_id = credit["id"].as_str().unwrap();
    let refund = |amount: i64, payment: Option<&str>| json!({"customer_id": ada_id, "amount": eur(amount), "payment_id": payment, "reason": "Overpaid"});
    let (status, refunded) = book(
        &world,
        "/api/admin/refunds",
        Some("r-1"),
        &refund(400, Some(credit_id)),
    )
    .await;
    assert_eq!(status, 201, "{refunded}");
    assert_eq!(
        (&refunded["amount"], &refunded["payment_id"]),
        (&eur(400), &json!(credit_id))
    );
    assert_eq!(balance(&world, &ada_id).await, eur(-14));
    let (status, too_much) =
        book(&world, "/api/admin/refunds", Some("r-2"), &refund(15, None)).await;
    assert_eq!(
        (
            status,
            too_much["error"]["fields"]["amount.amount_minor"].is_string()
        ),
        (422, true),
        "{too_much}"
    );
    let (status, not_left) = book(
        &world,
        "/api/admin/refunds",
        Some("r-3"),
        &refund(2601, Some(credit_id)),
    )
    .await;
    assert_eq!(
        (
            status,
            not_left["error"]["fields"]["payment_id"].is_string()
        ),
        (422, true)
    );
    let kept = get(&world, &format!("/api/admin/payments/{credit_id}")).await;
    assert_eq!(
        (&kept["refunded"], &kept["unallocated"]),
        (&eur(400), &eur(2600))
    );
    let two = get(&world, &format!("/api/admin/invoices/{second}")).await;
    assert_eq!(two["amount_paid"], eur(207), "a refund changes no invoice");

    // Lists: staff by customer; the customer their own, with the refunds.
    let listed = get(&world, &format!("/api/admin/payments?customer_id={ada_id}")).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        get(&world, &format!("/api/admin/payments?customer_id={bo_id}")).await["items"],
        json!([])
    );
    let refunds = get(&world, "/api/admin/refunds").await;
    assert_eq!(refunds["items"][0]["id"], refunded["id"]);
    let mine = customer_call(
        &world.app,
        Method::GET,
        "/api/customer/payments",
        &ada,
        None,
    )
    .await;
    assert_eq!(mine.status(), 200);
    let mine: Value = mine.json().await.unwrap();
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(mine["refunds"][0]["id"], refunded["id"]);
    let path = format!("/api/customer/invoices/{first}");
    let detail: Value = customer_call(&world.app, Method::GET, &path, &ada, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&detail["payments"][0]["amount"], &detail["amount_due"]),
        (&eur(2793), &eur(0))
    );

    set_staff_role(&world.app, &world.staff_id, "viewer").await;
    let (status, denied) = book(
        &world,
        "/api/admin/payments",
        Some("viewer"),
        &payment(&ada_id, 5, json!([])),
    )
    .await;
    assert_eq!(
        (status, denied["error"]["permission"].as_str()),
        (403, Some("billing.manage"))
    );
}

#[tokio::test]
async fn sixteen_payments_at_once_never_over_allocate_one_invoice() {
    let world = World::start().await;
    let (_, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let target = invoice(&world, &ada_id, false).await;
    let body = payment(
        &ada_id,
        500,
        json!([{"invoice_id": target, "amount_minor": 500}]),
    );
    let answers = futures_util::future::join_all((0..16).map(|n| {
        let (world, body) = (&world, &body);
        async move {
            book(
                world,
                "/api/admin/payments",
                Some(&format!("race-{n}")),
                body,
            )
            .await
        }
    }))
    .await;
    let won = answers.iter().filter(|(status, _)| *status == 201).count();
    let refused = answers
        .iter()
        .filter(|(status, body)| {
            *status == 422 && body["error"]["fields"]["allocations[0].amount_minor"].is_string()
        })
        .count();
    assert_eq!(
        (won, refused),
        (5, 11),
        "2793 due takes five of 500: {answers:?}"
    );
    let paid = get(&world, &format!("/api/admin/invoices/{target}")).await;
    assert_eq!(
        (&paid["amount_paid"], &paid["amount_due"], &paid["status"]),
        (&eur(2500), &eur(293), &json!("partially_paid"))
    );
    assert_eq!(paid["payments"].as_array().map(Vec::len), Some(5));
    assert_eq!(
        entries(&world, &ada_id).await,
        6,
        "the invoice and five payments"
    );
    assert_eq!(balance(&world, &ada_id).await, eur(293));
}

#[tokio::test]
async fn credit_notes_lower_what_is_due_and_a_void_books_one() {
    let world = World::start().await;
    let (ada, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let (bo, bo_id) = world.customer("bo@example.test", "Bo", "", 2).await;
    let credited = invoice(&world, &ada_id, false).await;
    let path = format!("/api/admin/invoices/{credited}/credit-notes");

    let by_amount = json!({"reason": "Discount agreed", "amount": eur(793)});
    let (status, note) = book(&world, &path, Some("cn-1"), &by_amount).await;
    assert_eq!(status, 201, "{note}");
    assert!(
        note["number"].as_str().unwrap().starts_with("CN-"),
        "{note}"
    );
    assert_eq!(
        (&note["total"], &note["invoice_id"]),
        (&eur(793), &json!(credited))
    );
    let (status, again) = book(&world, &path, Some("cn-1"), &by_amount).await;
    assert_eq!((status, &again["id"]), (201, &note["id"]));
    let (status, reused) = book(
        &world,
        &path,
        Some("cn-1"),
        &json!({"reason": "Other", "amount": eur(793)}),
    )
    .await;
    assert_eq!(
        (status, reused["error"]["code"].as_str()),
        (422, Some("IDEMPOTENCY_KEY_REUSED"))
    );
    let by_lines = json!({"reason": "Build not delivered", "lines": [
        {"description": "Build", "quantity": "1", "unit_price_minor": 1000, "tax_rate": "19"}
    ]});
    let (status, lined) = book(&world, &path, Some("cn-2"), &by_lines).await;
    assert_eq!(status, 201, "{lined}");
    assert_eq!(
        (&lined["total"], &lined["tax_total"]),
        (&eur(1190), &eur(190))
    );
    let now = get(&world, &format!("/api/admin/invoices/{credited}")).await;
    assert_eq!(
        (&now["status"], &now["amount_credited"], &now["amount_due"]),
        (&json!("issued"), &eur(1983), &eur(810))
    );
    assert_eq!(now["credit_notes"].as_array().map(Vec::len), Some(2));

    let booked = entries(&world, &ada_id).await;
    for (n, (body, field)) in [
        (
            json!({"reason": "Too much", "amount": eur(811)}),
            "amount.amount_minor",
        ),
        (
            json!({"reason": "Both", "amount": eur(1), "lines": by_lines["lines"]}),
            "lines",
        ),
        (json!({"reason": "Neither"}), "lines"),
        (json!({"reason": " ", "amount": eur(1)}), "reason"),
        (
            json!({"reason": "Dollars", "amount": {"amount_minor": 1, "currency": "USD"}}),
            "amount.currency",
        ),
    ]
    .iter()
    .enumerate()
    {
        let (status, answer) = book(&world, &path, Some(&format!("bad-{n}")), body).await;
        assert_eq!(
            (status, answer["error"]["fields"][field].is_string()),
            (422, true),
            "{n}: {answer}"
        );
    }
    let draft = invoice(&world, &ada_id, true).await;
    let (status, answer) = book(
        &world,
        &format!("/api/admin/invoices/{draft}/credit-notes"),
        Some("draft"),
        &by_amount,
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("INVALID_TRANSITION"))
    );
    assert_eq!(entries(&world, &ada_id).await, booked, "nothing was booked");

    // Credit notes alone covering what is due make the invoice void.
    let (status, _) = book(
        &world,
        &path,
        Some("cn-3"),
        &json!({"reason": "Rest", "amount": eur(810)}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        get(&world, &format!("/api/admin/invoices/{credited}")).await["status"],
        json!("void")
    );
    let (status, _) = book(
        &world,
        &path,
        Some("cn-4"),
        &json!({"reason": "More", "amount": eur(1)}),
    )
    .await;
    assert_eq!(status, 409, "a void invoice takes no credit");

    // Paid and then credited: paid.
    let paid = invoice(&world, &ada_id, false).await;
    let pay = payment(
        &ada_id,
        2000,
        json!([{"invoice_id": paid, "amount_minor": 2000}]),
    );
    assert_eq!(
        book(&world, "/api/admin/payments", Some("p"), &pay).await.0,
        201
    );
    let (status, answer) = book(
        &world,
        &format!("/api/admin/invoices/{paid}/void"),
        None,
        &json!({"reason": "Mistake"}),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("INVOICE_HAS_PAYMENTS"))
    );
    let credit_rest = json!({"reason": "Rest", "amount": eur(793)});
    assert_eq!(
        book(
            &world,
            &format!("/api/admin/invoices/{paid}/credit-notes"),
            Some("cn-5"),
            &credit_rest
        )
        .await
        .0,
        201
    );
    assert_eq!(
        get(&world, &format!("/api/admin/invoices/{paid}")).await["status"],
        json!("paid")
    );

    // A void: one credit note for all that is due, once.
    let voided = invoice(&world, &ada_id, false).await;
    let void = format!("/api/admin/invoices/{voided}/void");
    let (status, missing) = book(&world, &void, None, &json!({"reason": ""})).await;
    assert_eq!(
        (status, missing["error"]["fields"]["reason"].is_string()),
        (422, true)
    );
    let (status, done) = book(&world, &void, None, &json!({"reason": "Sent twice"})).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(
        (
            &done["status"],
            &done["amount_credited"],
            &done["amount_due"]
        ),
        (&json!("void"), &eur(2793), &eur(0))
    );
    let (status, twice) = book(&world, &void, None, &json!({"reason": "Again"})).await;
    assert_eq!(
        (status, twice["error"]["code"].as_str()),
        (409, Some("INVALID_TRANSITION"))
    );
    let notes = get(
        &world,
        &format!("/api/admin/credit-notes?invoice_id={voided}"),
    )
    .await;
    assert_eq!(
        (
            notes["items"].as_array().map(Vec::len),
            &notes["items"][0]["total"]
        ),
        (Some(1), &eur(2793))
    );
    assert_eq!(
        (
            &notes["items"][0]["reason"],
            &notes["items"][0]["customer"]["name"]
        ),
        (&json!("Sent twice"), &json!("Ada"))
    );
    // Issued 3 × 2793, credited 793 + 1190 + 810 + 793 + 2793, paid 2000.
    assert_eq!(balance(&world, &ada_id).await, eur(3 * 2793 - 6379 - 2000));

    // Customers read their own credit notes only.
    let bos = invoice(&world, &bo_id, false).await;
    let (_, theirs) = book(
        &world,
        &format!("/api/admin/invoices/{bos}/credit-notes"),
        Some("bo"),
        &by_amount,
    )
    .await;
    let mine: Value = customer_call(
        &world.app,
        Method::GET,
        "/api/customer/credit-notes",
        &ada,
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(5));
    let path = format!(
        "/api/customer/credit-notes/{}",
        theirs["id"].as_str().unwrap()
    );
    assert_eq!(
        customer_call(&world.app, Method::GET, &path, &ada, None)
            .await
            .status(),
        404
    );
    let own: Value = customer_call(&world.app, Method::GET, &path, &bo, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["total"], eur(793));
    let cn = format!("/api/admin/credit-notes/{}", lined["id"].as_str().unwrap());
    assert_eq!(get(&world, &cn).await["lines"][0]["net"], eur(1000));
}

#[tokio::test]
async fn a_statement_opens_with_the_balance_before_it_and_closes_with_its_last_entry() {
    let mut world = World::start().await;
    let (ada, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let day0 = world.app.clock.now().date_naive();
    let day = |n: i64| (day0 + chrono::Duration::days(n)).to_string();
    invoice(&world, &ada_id, false).await;
    let path = format!(
        "/api/customer/statement?from={}&to={}&currency=EUR",
        day(0),
        day(0)
    );
    let mine = customer_call(&world.app, Method::GET, &path, &ada, None).await;
    assert_eq!(mine.status(), 200);
    let mine: Value = mine.json().await.unwrap();
    assert_eq!(
        (
            &mine["opening_balance"],
            &mine["closing_balance"],
            mine["entries"].as_array().map(Vec::len)
        ),
        (&eur(0), &eur(2793), Some(1))
    );
    world
        .app
        .clock
        .advance(std::time::Duration::from_secs(10 * 86_400));
    world.staff = world
        .app
        .staff_login("acme", "owner@acme.test", OWNER_PASSWORD)
        .await;
    let pay = payment(&ada_id, 1000, json!([]));
    assert_eq!(
        book(&world, "/api/admin/payments", Some("s-1"), &pay)
            .await
            .0,
        201
    );
    world
        .app
        .clock
        .advance(std::time::Duration::from_secs(10 * 86_400));
    world.staff = world
        .app
        .staff_login("acme", "owner@acme.test", OWNER_PASSWORD)
        .await;
    let fee = json!({"amount": eur(500), "direction": "credit", "reason": "Late fee"});
    let adjust = format!("/api/admin/customers/{ada_id}/ledger/adjustments");
    assert_eq!(book(&world, &adjust, Some("s-2"), &fee).await.0, 201);

    let statement = |from: String, to: String| {
        let world = &world;
        let path =
            format!("/api/admin/customers/{ada_id}/statement?from={from}&to={to}&currency=EUR");
        async move { send(world, Method::GET, &path, None).await }
    };
    let (status, middle) = statement(day(5), day(15)).await;
    assert_eq!(status, 200, "{middle}");
    assert_eq!(
        (
            &middle["opening_balance"],
            &middle["closing_balance"],
            &middle["entries"][0]["entry_type"]
        ),
        (&eur(2793), &eur(1793), &json!("payment"))
    );
    assert_eq!(middle["entries"].as_array().map(Vec::len), Some(1));
    let (_, whole) = statement(day(0), day(20)).await;
    let types: Vec<&Value> = whole["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["entry_type"])
        .collect();
    assert_eq!(
        types,
        [&json!("invoice"), &json!("payment"), &json!("adjustment")],
        "oldest first"
    );
    assert_eq!(
        (&whole["opening_balance"], &whole["closing_balance"]),
        (&eur(0), &eur(2293))
    );

    for (query, field) in [
        (format!("from={}&to={}", day(0), day(1)), "currency"),
        (format!("from={}&to={}&currency=EUR", day(2), day(1)), "to"),
        (
            format!("from={}&to={}&currency=EUR", day(0), day(400)),
            "to",
        ),
        (format!("to={}&currency=EUR", day(1)), "from"),
    ] {
        let path = format!("/api/admin/customers/{ada_id}/statement?{query}");
        let (status, answer) = send(&world, Method::GET, &path, None).await;
        assert_eq!(
            (status, answer["error"]["fields"][field].is_string()),
            (422, true),
            "{query}: {answer}"
        );
    }
    let nobody = format!(
        "/api/admin/customers/{}/statement?from={}&to={}&currency=EUR",
        uuid::Uuid::new_v4(),
        day(0),
        day(1)
    );
    assert_eq!(send(&world, Method::GET, &nobody, None).await.0, 404);
}
