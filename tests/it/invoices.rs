//! Invoices through the gateway: a draft priced by the contract's worked example, edited,
//! issued once with the organization's next number and booked in the customer's ledger;
//! aging on a moved clock; bad bodies, another organization's ids and lesser roles
//! refused with nothing changed.

use std::time::Duration;

use chrono::NaiveDate;
use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_invitation::customer_call;
use crate::customer_lockout::World;
use crate::support::app::{OWNER_PASSWORD, error_code, set_staff_role};

pub(crate) fn worked_example(customer_id: &str) -> Value {
    json!({
        "customer_id": customer_id,
        "currency": "EUR",
        "lines": [
            {"description": "Design", "quantity": "3", "unit_price_minor": 333, "tax_rate": "19"},
            {"description": "Build", "quantity": "1", "unit_price_minor": 1000, "tax_rate": "19", "discount_percent": "10"},
            {"description": "Books", "quantity": "2.5", "unit_price_minor": 199, "tax_rate": "7"}
        ],
        "notes": "Thank you"
    })
}

pub(crate) async fn send(
    world: &World,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let response = world.staff(method, path, body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub(crate) fn eur(amount: i64) -> Value {
    json!({"amount_minor": amount, "currency": "EUR"})
}

#[tokio::test]
async fn an_invoice_is_drafted_issued_once_and_booked_in_the_ledger() {
    let world = World::start().await;
    let (ada, ada_id) = world
        .customer("ada@example.test", "Ada Jürgens", "Jürgens GmbH", 1)
        .await;
    let ada_id = ada_id.as_str();

    let (status, draft) = send(
        &world,
        Method::POST,
        "/api/admin/invoices",
        Some(&worked_example(ada_id)),
    )
    .await;
    assert_eq!(status, 201, "{draft}");
    let id = draft["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (&draft["status"], &draft["number"]),
        (&json!("draft"), &Value::Null)
    );
    let nets: Vec<&Value> = draft["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["net"]["amount_minor"])
        .collect();
    assert_eq!(nets, [&json!(999), &json!(900), &json!(498)]);
    assert_eq!(
        draft["tax_breakdown"],
        json!([
            {"tax_rate": "7", "taxable": eur(498), "tax": eur(35)},
            {"tax_rate": "19", "taxable": eur(1899), "tax": eur(361)}
        ])
    );
    assert_eq!(
        (&draft["subtotal"], &draft["tax_total"], &draft["total"]),
        (&eur(2397), &eur(396), &eur(2793))
    );
    assert_eq!(draft["amount_due"], eur(2793));
    assert_eq!(draft["customer"]["name"], "Ada Jürgens");
    assert_eq!(draft["payment_terms_days"], 30);

    // A draft is edited freely; a PATCH without lines keeps them.
    let path = format!("/api/admin/invoices/{id}");
    let (status, edited) = send(
        &world,
        Method::PATCH,
        &path,
        Some(&json!({"notes": "Net 14", "payment_terms_days": 14})),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(
        (
            &edited["notes"],
            &edited["payment_terms_days"],
            &edited["total"]
        ),
        (&json!("Net 14"), &json!(14), &eur(2793))
    );

    // Issued on a back-dated day: the number, the due date and the ledger entry.
    let issue = format!("{path}/issue");
    let (status, issued) = send(
        &world,
        Method::POST,
        &issue,
        Some(&json!({"issue_date": "2026-01-05"})),
    )
    .await;
    assert_eq!(status, 200, "{issued}");
    assert_eq!(issued["number"], "INV-2026-0001");
    assert_eq!(
        (
            &issued["status"],
            &issued["issue_date"],
            &issued["due_date"]
        ),
        (&json!("issued"), &json!("2026-01-05"), &json!("2026-01-19"))
    );
    let today = world.app.clock.now().date_naive();
    let due = NaiveDate::from_ymd_opt(2026, 1, 19).unwrap();
    let late = (today - due).num_days().max(0);
    assert_eq!(issued["days_overdue"], late);

    // Ada hears of it by mail, in her portal's words, and in the app.
    let mail = world.mail(2).await;
    assert_eq!(mail.rcpt_to, ["ada@example.test"]);
    assert!(
        mail.decoded_header("subject").contains("INV-2026-0001"),
        "{}",
        mail.decoded_header("subject")
    );
    let (text, html) = mail.parts();
    for body in [&text, &html] {
        assert!(
            body.contains("27.93 EUR") && body.contains("2026-01-19"),
            "{body}"
        );
    }
    assert!(
        text.contains(&format!("https://portal.acme.test/customer/invoices/{id}")),
        "{text}"
    );
    let notices = customer_call(
        &world.app,
        Method::GET,
        "/api/customer/notifications",
        &ada,
        None,
    )
    .await;
    let notices: Value = notices.json().await.unwrap();
    let kinds: Vec<&Value> = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["kind"])
        .collect();
    assert!(kinds.contains(&&json!("invoice_issued")), "{notices}");

    // Issuing twice, editing or deleting an issued invoice: 409, nothing changes.
    let (status, again) = send(&world, Method::POST, &issue, None).await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (409, Some("INVALID_TRANSITION"))
    );
    let (status, edit) = send(&world, Method::PATCH, &path, Some(&json!({"notes": "x"}))).await;
    assert_eq!(
        (status, edit["error"]["code"].as_str()),
        (409, Some("INVOICE_NOT_DRAFT"))
    );
    let (status, _) = send(&world, Method::DELETE, &path, None).await;
    assert_eq!(status, 409);
    let (_, read) = send(&world, Method::GET, &path, None).await;
    assert_eq!(
        (&read["notes"], &read["number"]),
        (&json!("Net 14"), &json!("INV-2026-0001"))
    );

    // The ledger: one credit of the total, the balance beside it.
    let (status, ledger) = send(
        &world,
        Method::GET,
        &format!("/api/admin/customers/{ada_id}/ledger"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{ledger}");
    assert_eq!(
        ledger["balances"],
        json!([{"currency": "EUR", "credits": eur(2793), "debits": eur(0), "balance_due": eur(2793)}])
    );
    let entry = &ledger["items"][0];
    assert_eq!(
        (
            &entry["entry_type"],
            &entry["credit"],
            &entry["balance_after"]
        ),
        (&json!("invoice"), &eur(2793), &eur(2793))
    );
    assert_eq!(
        entry["reference"],
        json!({"kind": "invoice", "id": id, "number": "INV-2026-0001"})
    );

    // A second invoice takes the next number; a draft is deleted.
    world.app.clock.advance(Duration::from_secs(1));
    let (_, second) = send(
        &world,
        Method::POST,
        "/api/admin/invoices",
        Some(&worked_example(ada_id)),
    )
    .await;
    let second_id = second["id"].as_str().unwrap();
    let (_, second) = send(
        &world,
        Method::POST,
        &format!("/api/admin/invoices/{second_id}/issue"),
        Some(&json!({"issue_date": "2026-02-01"})),
    )
    .await;
    assert_eq!(second["number"], "INV-2026-0002");
    let (_, third) = send(
        &world,
        Method::POST,
        "/api/admin/invoices",
        Some(&worked_example(ada_id)),
    )
    .await;
    let third_path = format!("/api/admin/invoices/{}", third["id"].as_str().unwrap());
    assert_eq!(send(&world, Method::DELETE, &third_path, None).await.0, 204);
    assert_eq!(send(&world, Method::GET, &third_path, None).await.0, 404);

    // Lists by number, customer, status and overdue.
    let listed = |query: &'static str| {
        let world = &world;
        async move {
            let (status, page) = send(
                world,
                Method::GET,
                &format!("/api/admin/invoices{query}"),
                None,
            )
            .await;
            assert_eq!(status, 200, "{query}: {page}");
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["number"].clone())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        listed("").await,
        [json!("INV-2026-0002"), json!("INV-2026-0001")]
    );
    assert_eq!(listed("?q=inv-2026-0001").await, [json!("INV-2026-0001")]);
    assert_eq!(
        listed("?q=J%C3%9CRGENS&status=issued&page_size=1").await,
        [json!("INV-2026-0002")]
    );
    assert!(listed("?status=draft").await.is_empty());
    assert_eq!(listed("?overdue=true").await.len(), 2);

    // Aging follows the clock: a year on, both are 90+ days late.
    world.app.clock.advance(Duration::from_secs(365 * 86_400));
    let token = world
        .app
        .staff_login("acme", "owner@acme.test", OWNER_PASSWORD)
        .await;
    let aged: Value = world
        .app
        .staff_call(Method::GET, &path, &token, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(aged["aging_bucket"], "90+");
    assert_eq!(aged["days_overdue"], late + 365);
}

#[tokio::test]
async fn bad_invoices_other_orgs_ids_and_lesser_roles_are_refused_and_change_nothing() {
    let world = World::start().await;
    let (_, ada) = world.customer("ada@example.test", "Ada", "", 1).await;
    let (_, _, other_owner) = world.app.org_with_owner("elsewhere").await;

    let malformed = world
        .app
        .http
        .post(world.app.url("/api/admin/invoices"))
        .bearer_auth(&world.staff)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);

    let with = |change: &dyn Fn(&mut Value)| {
        let mut body = worked_example(&ada);
        change(&mut body);
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (with(&|b| b["currency"] = json!("EURO")), "currency"),
        (with(&|b| b["currency"] = json!("XAU")), "currency"),
        (
            with(&|b| b["customer_id"] = json!("not-a-uuid")),
            "customer_id",
        ),
        (
            with(&|b| b["customer_id"] = json!(uuid::Uuid::new_v4().to_string())),
            "customer_id",
        ),
        (
            with(&|b| b["lines"][1]["quantity"] = json!("0")),
            "lines[1].quantity",
        ),
        (
            with(&|b| b["lines"][0]["tax_rate"] = json!("101")),
            "lines[0].tax_rate",
        ),
        (
            with(&|b| b["lines"][2]["discount_percent"] = json!("7.125")),
            "lines[2].discount_percent",
        ),
        (
            with(&|b| b["lines"][0]["description"] = json!(" ")),
            "lines[0].description",
        ),
        (
            with(&|b| b["lines"][0]["unit_price_minor"] = json!("12")),
            "lines[0].unit_price_minor",
        ),
        (
            with(&|b| b["payment_terms_days"] = json!(-1)),
            "payment_terms_days",
        ),
        (with(&|b| b["notes"] = json!("x".repeat(5001))), "notes"),
        (with(&|b| b["project_id"] = json!("nope")), "project_id"),
    ];
    for (body, field) in cases {
        let (status, answer) = send(&world, Method::POST, "/api/admin/invoices", Some(&body)).await;
        assert_eq!(status, 422, "{field}: {answer}");
        assert!(
            answer["error"]["fields"][field].is_string(),
            "{field}: {answer}"
        );
    }
    let (_, page) = send(&world, Method::GET, "/api/admin/invoices", None).await;
    assert_eq!(page["items"], json!([]), "nothing was made");

    // Issuing needs a line and a real date.
    let empty = json!({"customer_id": ada, "currency": "EUR"});
    let (status, draft) = send(&world, Method::POST, "/api/admin/invoices", Some(&empty)).await;
    assert_eq!(status, 201);
    let path = format!("/api/admin/invoices/{}", draft["id"].as_str().unwrap());
    let (status, answer) = send(&world, Method::POST, &format!("{path}/issue"), None).await;
    assert_eq!(
        (status, answer["error"]["fields"]["lines"].is_string()),
        (422, true),
        "{answer}"
    );
    let (_, filled) = send(
        &world,
        Method::PATCH,
        &path,
        Some(&json!({"lines": worked_example(&ada)["lines"]})),
    )
    .await;
    assert_eq!(filled["total"], eur(2793));
    for bad in ["2026-02-30", "01.02.2026", ""] {
        let (status, answer) = send(
            &world,
            Method::POST,
            &format!("{path}/issue"),
            Some(&json!({"issue_date": bad})),
        )
        .await;
        if bad.is_empty() {
            assert_eq!(status, 200, "empty is today: {answer}");
        } else {
            assert_eq!(
                (status, answer["error"]["fields"]["issue_date"].is_string()),
                (422, true),
                "{bad}: {answer}"
            );
        }
    }
    let (status, answer) = send(&world, Method::PATCH, &path, Some(&json!({"lines": null}))).await;
    assert_eq!(status, 422, "lines cannot be cleared: {answer}");
    let (status, answer) = send(&world, Method::PATCH, &path, Some(&json!({"notes": "y"}))).await;
    assert_eq!(status, 409, "an issued invoice is no draft: {answer}");

    // Another organization reaches nothing of this one.
    for (method, suffix) in [
        (Method::GET, ""),
        (Method::PATCH, ""),
        (Method::DELETE, ""),
        (Method::POST, "/issue"),
    ] {
        let url = world.app.url(&format!("{path}{suffix}"));
        let answer = world
            .app
            .http
            .request(method.clone(), url)
            .bearer_auth(&other_owner)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 404, "{method} {suffix}");
    }
    let theirs = world
        .app
        .staff_call(
            Method::GET,
            &format!("/api/admin/customers/{ada}/ledger"),
            &other_owner,
            None,
        )
        .await;
    assert_eq!(theirs.status(), 404);
    let made = world
        .app
        .staff_call(
            Method::POST,
            "/api/admin/invoices",
            &other_owner,
            Some(&worked_example(&ada)),
        )
        .await;
    assert_eq!(
        error_code(made).await.0,
        422,
        "another org's customer is not theirs to bill"
    );
    assert_eq!(
        send(&world, Method::GET, "/api/admin/invoices/not-a-uuid", None)
            .await
            .0,
        404
    );

    // A viewer reads no invoice and makes none.
    set_staff_role(&world.app, &world.staff_id, "viewer").await;
    let (status, denied) = send(&world, Method::GET, "/api/admin/invoices", None).await;
    assert_eq!(
        (status, denied["error"]["permission"].as_str()),
        (403, Some("billing.view"))
    );
    let (status, denied) = send(
        &world,
        Method::POST,
        "/api/admin/invoices",
        Some(&worked_example(&ada)),
    )
    .await;
    assert_eq!(
        (status, denied["error"]["permission"].as_str()),
        (403, Some("billing.manage"))
    );
    set_staff_role(&world.app, &world.staff_id, "accountant").await;
    let (status, page) = send(&world, Method::GET, "/api/admin/invoices", None).await;
    assert_eq!(
        (status, page["items"].as_array().map(Vec::len)),
        (200, Some(1))
    );
}

#[tokio::test]
async fn customers_see_only_their_own_issued_invoices_while_billing_is_theirs() {
    let world = World::start().await;
    let (ada, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let (bo, bo_id) = world.customer("bo@example.test", "Bo", "", 2).await;
    let make = |customer: String, issue: bool| {
        let world = &world;
        async move {
            let (_, draft) = send(
                world,
                Method::POST,
                "/api/admin/invoices",
                Some(&worked_example(&customer)),
            )
            .await;
            let id = draft["id"].as_str().unwrap().to_owned();
            if issue {
                let (status, _) = send(
                    world,
                    Method::POST,
                    &format!("/api/admin/invoices/{id}/issue"),
                    None,
                )
                .await;
                assert_eq!(status, 200);
            }
            id
        }
    };
    let issued = make(ada_id.clone(), true).await;
    let draft = make(ada_id.clone(), false).await;
    let bos = make(bo_id.clone(), true).await;
    let get = |customer: &'static str, path: String| {
        let world = &world;
        let who = if customer == "ada" { &ada } else { &bo };
        async move {
            let response = customer_call(&world.app, Method::GET, &path, who, None).await;
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };

    let (status, mine) = get("ada", "/api/customer/invoices".into()).await;
    assert_eq!(status, 200, "{mine}");
    let ids: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [issued.as_str()], "no draft, nobody else's");
    assert_eq!(
        get("ada", format!("/api/customer/invoices/{issued}"))
            .await
            .1["total"],
        eur(2793)
    );
    for other in [&draft, &bos] {
        assert_eq!(
            get("ada", format!("/api/customer/invoices/{other}"))
                .await
                .0,
            404,
            "{other}"
        );
    }
    assert_eq!(
        get("ada", "/api/customer/invoices?status=draft".into())
            .await
            .0,
        422
    );
    let (_, ledger) = get("ada", "/api/customer/ledger".into()).await;
    assert_eq!(ledger["balances"][0]["balance_due"], eur(2793));
    assert_eq!(ledger["items"].as_array().map(Vec::len), Some(1));
    let (_, theirs) = get("bo", "/api/customer/ledger?currency=EUR".into()).await;
    assert_eq!(theirs["items"][0]["reference"]["id"], json!(bos));

    // can_view_invoices taken away: 403 naming it on the very next request, for Ada only.
    let permissions = format!("/api/admin/customers/{ada_id}/permissions");
    let (status, _) = send(
        &world,
        Method::PUT,
        &permissions,
        Some(&json!({"can_view_invoices": false})),
    )
    .await;
    assert_eq!(status, 200);
    for path in [
        "/api/customer/invoices".to_owned(),
        format!("/api/customer/invoices/{issued}"),
        "/api/customer/ledger".to_owned(),
    ] {
        let (status, denied) = get("ada", path.clone()).await;
        assert_eq!(
            (status, denied["error"]["permission"].as_str()),
            (403, Some("can_view_invoices")),
            "{path}"
        );
    }
    assert_eq!(get("bo", "/api/customer/invoices".into()).await.0, 200);

    // The billing feature off: every customer billing route is 404.
    let (status, _) = send(
        &world,
        Method::PATCH,
        "/api/admin/settings",
        Some(&json!({"features": {"billing": false}})),
    )
    .await;
    assert_eq!(status, 200);
    for path in [
        "/api/customer/invoices".to_owned(),
        format!("/api/customer/invoices/{bos}"),
        "/api/customer/ledger".to_owned(),
    ] {
        assert_eq!(get("bo", path.clone()).await.0, 404, "{path}");
    }
    // Staff read on, whatever the feature.
    assert_eq!(
        send(&world, Method::GET, "/api/admin/invoices", None)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn the_sellers_details_are_kept_checked_and_give_new_invoices_their_terms() {
    let world = World::start().await;
    let (_, ada) = world.customer("ada@example.test", "Ada", "", 1).await;
    let path = "/api/admin/billing/settings";
    let (status, defaults) = send(&world, Method::GET, path, None).await;
    assert_eq!(status, 200, "{defaults}");
    assert_eq!(
        (&defaults["legal_name"], &defaults["payment_terms_days"]),
        (&json!(""), &json!(30))
    );

    let change =
        json!({"legal_name": " Acme GmbH ", "vat_id": "DE123456789", "payment_terms_days": 14});
    let (status, saved) = send(&world, Method::PATCH, path, Some(&change)).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(
        (
            &saved["legal_name"],
            &saved["vat_id"],
            &saved["payment_terms_days"]
        ),
        (&json!("Acme GmbH"), &json!("DE123456789"), &json!(14))
    );
    let (_, cleared) = send(&world, Method::PATCH, path, Some(&json!({"vat_id": null}))).await;
    assert_eq!(
        (&cleared["vat_id"], &cleared["legal_name"]),
        (&json!(""), &json!("Acme GmbH"))
    );

    for (body, field) in [
        (json!({"payment_terms_days": -1}), "payment_terms_days"),
        (json!({"payment_terms_days": null}), "payment_terms_days"),
        (json!({"payment_terms_days": "14"}), "payment_terms_days"),
        (json!({"legal_name": "x".repeat(201)}), "legal_name"),
    ] {
        let (status, answer) = send(&world, Method::PATCH, path, Some(&body)).await;
        assert_eq!(
            (status, answer["error"]["fields"][field].is_string()),
            (422, true),
            "{body}: {answer}"
        );
    }
    assert_eq!(
        send(&world, Method::GET, path, None).await.1,
        cleared,
        "nothing changed"
    );

    // A new invoice without terms takes the organization's.
    let (_, draft) = send(
        &world,
        Method::POST,
        "/api/admin/invoices",
        Some(&worked_example(&ada)),
    )
    .await;
    assert_eq!(draft["payment_terms_days"], 14);

    set_staff_role(&world.app, &world.staff_id, "viewer").await;
    let (status, denied) = send(&world, Method::GET, path, None).await;
    assert_eq!(
        (status, denied["error"]["permission"].as_str()),
        (403, Some("billing.manage"))
    );
}

#[tokio::test]
async fn the_aging_report_sorts_what_is_open_by_days_past_due() {
    let world = World::start().await;
    let (_, ada) = world.customer("ada@example.test", "Ada", "", 1).await;
    let (_, bo) = world.customer("bo@example.test", "Bo", "", 2).await;
    let issue_on = |body: Value, day: &'static str| {
        let world = &world;
        async move {
            let mut body = body;
            body["payment_terms_days"] = json!(0);
            let (_, draft) = send(world, Method::POST, "/api/admin/invoices", Some(&body)).await;
            let path = format!(
                "/api/admin/invoices/{}/issue",
                draft["id"].as_str().unwrap()
            );
            let (status, issued) = send(
                world,
                Method::POST,
                &path,
                Some(&json!({"issue_date": day})),
            )
            .await;
            assert_eq!(status, 200, "{issued}");
        }
    };
    issue_on(worked_example(&ada), "2026-06-30").await;
    issue_on(worked_example(&ada), "2026-06-01").await;
    issue_on(worked_example(&bo), "2026-03-01").await;
    let yen = json!({"customer_id": bo, "currency": "JPY",
        "lines": [{"description": "Print", "quantity": "1", "unit_price_minor": 1000, "tax_rate": "10"}]});
    issue_on(yen, "2026-05-01").await;
    send(
        &world,
        Method::POST,
        "/api/admin/invoices",
        Some(&worked_example(&ada)),
    )
    .await;

    let (status, report) = send(
        &world,
        Method::GET,
        "/api/admin/reports/aging?as_of=2026-06-30",
        None,
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["as_of"], "2026-06-30");
    let money = |amount: i64, currency: &str| json!({"amount_minor": amount, "currency": currency});
    let row = |r: &Value| {
        (
            r["customer"]["name"].clone(),
            r["currency"].clone(),
            [
                &r["current"],
                &r["d1_30"],
                &r["d31_60"],
                &r["d61_90"],
                &r["d90_plus"],
                &r["total"],
            ]
            .map(|m| m["amount_minor"].as_i64().unwrap()),
        )
    };
    let rows: Vec<_> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(row)
        .collect();
    assert_eq!(
        rows,
        [
            (json!("Ada"), json!("EUR"), [2793, 2793, 0, 0, 0, 5586]),
            (json!("Bo"), json!("EUR"), [0, 0, 0, 0, 2793, 2793]),
            (json!("Bo"), json!("JPY"), [0, 0, 1100, 0, 0, 1100]),
        ],
        "the draft is not owed"
    );
    let totals: Vec<_> = report["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(row)
        .collect();
    assert_eq!(
        totals,
        [
            (Value::Null, json!("EUR"), [2793, 2793, 0, 0, 2793, 8379]),
            (Value::Null, json!("JPY"), [0, 0, 1100, 0, 0, 1100]),
        ]
    );
    assert_eq!(report["totals"][1]["total"], money(1100, "JPY"));

    // A day later everything moves on a day: Ada's first is now 1-30.
    let (_, later) = send(
        &world,
        Method::GET,
        "/api/admin/reports/aging?as_of=2026-07-01",
        None,
    )
    .await;
    assert_eq!(row(&later["items"][0]).2, [0, 5586, 0, 0, 0, 5586]);

    for bad in ["2026-13-01", "tomorrow"] {
        let (status, answer) = send(
            &world,
            Method::GET,
            &format!("/api/admin/reports/aging?as_of={bad}"),
            None,
        )
        .await;
        assert_eq!(
            (status, answer["error"]["fields"]["as_of"].is_string()),
            (422, true),
            "{bad}"
        );
    }
    let (_, _, other) = world.app.org_with_owner("elsewhere").await;
    let theirs: Value = world
        .app
        .staff_call(Method::GET, "/api/admin/reports/aging", &other, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&theirs["items"], &theirs["totals"]),
        (&json!([]), &json!([]))
    );
    set_staff_role(&world.app, &world.staff_id, "editor").await;
    let (status, denied) = send(&world, Method::GET, "/api/admin/reports/aging", None).await;
    assert_eq!(
        (status, denied["error"]["permission"].as_str()),
        (403, Some("billing.view"))
    );
}

/// Books an adjustment with `key` (none: no header).
async fn adjust(world: &World, customer: &str, key: Option<&str>, body: &Value) -> (u16, Value) {
    let url = world.app.url(&format!(
        "/api/admin/customers/{customer}/ledger/adjustments"
    ));
    let mut request = world
        .app
        .http
        .post(url)
        .bearer_auth(&world.staff)
        .json(body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_adjustment_is_booked_once_per_idempotency_key_even_when_sent_at_once() {
    let world = World::start().await;
    let (_, ada) = world.customer("ada@example.test", "Ada", "", 1).await;
    let fee = json!({"amount": {"amount_minor": 500, "currency": "EUR"}, "direction": "credit", "reason": "Late fee"});

    let (status, missing) = adjust(&world, &ada, None, &fee).await;
    assert_eq!(
        (
            status,
            missing["error"]["fields"]["idempotency_key"].is_string()
        ),
        (422, true),
        "{missing}"
    );
    let (status, first) = adjust(&world, &ada, Some("fee-1"), &fee).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(
        (
            &first["entry_type"],
            &first["credit"],
            &first["balance_after"]
        ),
        (&json!("adjustment"), &eur(500), &eur(500))
    );
    let (status, again) = adjust(&world, &ada, Some("fee-1"), &fee).await;
    assert_eq!((status, &again), (201, &first), "the first answer again");
    let mut other = fee.clone();
    other["amount"]["amount_minor"] = json!(501);
    let (status, reused) = adjust(&world, &ada, Some("fee-1"), &other).await;
    assert_eq!(
        (status, reused["error"]["code"].as_str()),
        (422, Some("IDEMPOTENCY_KEY_REUSED"))
    );

    // Eight at once with one new key: one booking, eight equal answers.
    let refund = json!({"amount": {"amount_minor": 200, "currency": "EUR"}, "direction": "debit", "reason": "Goodwill"});
    let answers = futures_util::future::join_all(
        (0..8).map(|_| adjust(&world, &ada, Some("goodwill"), &refund)),
    )
    .await;
    assert!(
        answers
            .iter()
            .all(|(status, body)| *status == 201 && body["id"] == answers[0].1["id"]),
        "{answers:?}"
    );
    let (_, ledger) = send(
        &world,
        Method::GET,
        &format!("/api/admin/customers/{ada}/ledger"),
        None,
    )
    .await;
    assert_eq!(ledger["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(ledger["balances"][0]["balance_due"], eur(300));

    for (change, field) in [
        (json!({"direction": "sideways"}), "direction"),
        (
            json!({"amount": {"amount_minor": 0, "currency": "EUR"}}),
            "amount.amount_minor",
        ),
        (
            json!({"amount": {"amount_minor": 5, "currency": "EURO"}}),
            "amount.currency",
        ),
        (json!({"reason": " "}), "reason"),
    ] {
        let mut body = fee.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, answer) = adjust(&world, &ada, Some(&format!("bad-{field}")), &body).await;
        assert_eq!(
            (status, answer["error"]["fields"][field].is_string()),
            (422, true),
            "{field}: {answer}"
        );
    }
    let (status, _) = adjust(
        &world,
        &uuid::Uuid::new_v4().to_string(),
        Some("nobody"),
        &fee,
    )
    .await;
    assert_eq!(status, 404);
    let (_, ledger) = send(
        &world,
        Method::GET,
        &format!("/api/admin/customers/{ada}/ledger"),
        None,
    )
    .await;
    assert_eq!(
        ledger["items"].as_array().map(Vec::len),
        Some(2),
        "nothing else was booked"
    );
    set_staff_role(&world.app, &world.staff_id, "viewer").await;
    let (status, denied) = adjust(&world, &ada, Some("viewer"), &fee).await;
    assert_eq!(
        (status, denied["error"]["permission"].as_str()),
        (403, Some("billing.manage"))
    );
}
