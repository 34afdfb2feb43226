//! The console's billing forms, posted as a browser posts them: the invoice editor reads
//! amounts in the page's language and refuses what it cannot read (422 naming the line,
//! nothing created); a wrong CSRF token changes nothing; a payment form sent twice with
//! its key books once; a role without billing sees neither page nor form work.

use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_lockout::World;
use crate::pages::{csrf_of, get, post_form};
use crate::support::app::set_staff_role;

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn invoices(world: &World) -> Vec<Value> {
    let response = world.staff(Method::GET, "/api/admin/invoices", None).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

/// The editor's fields for one line at `price`, as the page's form sends them.
fn editor<'a>(csrf: &'a str, customer: &'a str, price: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("customer_id", customer),
        ("currency", "EUR"),
        ("payment_terms_days", ""),
        ("line_description", "Design work"),
        ("line_quantity", "3"),
        ("line_unit_price", price),
        ("line_tax_rate", "19"),
        ("line_discount", ""),
        // An empty row, as the page offers: left out.
        ("line_description", ""),
        ("line_quantity", ""),
        ("line_unit_price", ""),
        ("line_tax_rate", ""),
        ("line_discount", ""),
        ("notes", ""),
    ]
}

#[tokio::test]
async fn the_invoice_editor_books_what_it_reads_and_refuses_the_rest_unchanged() {
    let world = World::start().await;
    let (_, carla) = world.customer("carla@example.test", "Carla", "", 1).await;
    let cookie = format!("atrium_staff={}", world.staff);
    let page = get(&world, "/admin/invoices/new", &cookie).await;
    assert_eq!(page.status(), 200);
    let csrf = csrf_of(page).await;

    let wrong = post_form(
        &world,
        "/admin/invoices",
        &cookie,
        &editor("wrong", &carla, "3.33"),
    )
    .await;
    assert_eq!(wrong.status(), 403);
    let unreadable = post_form(
        &world,
        "/admin/invoices",
        &cookie,
        &editor(&csrf, &carla, "3.333"),
    )
    .await;
    assert_eq!(unreadable.status(), 422);
    let html = unreadable.text().await.unwrap();
    assert!(html.contains("role=\"alert\""), "{html}");
    assert!(
        html.contains("value=\"3.333\""),
        "what was typed stays: {html}"
    );
    let elsewhere = post_form(
        &world,
        "/admin/invoices",
        &cookie,
        &editor(&csrf, "00000000-0000-0000-0000-000000000000", "3.33"),
    )
    .await;
    assert_eq!(elsewhere.status(), 422, "an unknown customer is the form's");
    assert!(invoices(&world).await.is_empty(), "nothing was created");

    let created = post_form(
        &world,
        "/admin/invoices",
        &cookie,
        &editor(&csrf, &carla, "1,003.33"),
    )
    .await;
    assert_eq!(created.status(), 303);
    let to = location(&created);
    let id = to
        .trim_start_matches("/admin/invoices/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let listed = invoices(&world).await;
    assert_eq!(listed.len(), 1, "the empty row was left out");
    assert_eq!(listed[0]["lines"][0]["unit_price_minor"], json!(100_333));
    assert_eq!(listed[0]["total"]["amount_minor"], json!(358_189));

    let issue = format!("/admin/invoices/{id}/issue");
    let issued = post_form(&world, &issue, &cookie, &[("csrf_token", &csrf)]).await;
    assert_eq!(issued.status(), 303);
    let payment = format!("/admin/invoices/{id}/payment");
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("idempotency_key", "form-key-1"),
        ("amount", "1,000.00"),
        ("received_on", "2026-12-01"),
        ("method", "bank_transfer"),
        ("reference", ""),
    ];
    for _ in 0..2 {
        let paid = post_form(&world, &payment, &cookie, &fields).await;
        assert_eq!(paid.status(), 303, "sent twice: the same answer");
    }
    let too_much = [
        ("csrf_token", csrf.as_str()),
        ("idempotency_key", "form-key-2"),
        ("amount", "9,999.00"),
        ("received_on", "2026-12-01"),
        ("method", "bank_transfer"),
    ];
    let refused = post_form(&world, &payment, &cookie, &too_much).await;
    assert_eq!(refused.status(), 422, "more than is due");
    let read = world
        .staff(Method::GET, &format!("/api/admin/invoices/{id}"), None)
        .await;
    let invoice: Value = read.json().await.unwrap();
    assert_eq!(invoice["status"], json!("partially_paid"));
    assert_eq!(invoice["amount_paid"]["amount_minor"], json!(100_000));
    assert_eq!(
        invoice["payments"].as_array().unwrap().len(),
        1,
        "booked once"
    );

    // The invoice's console page shows it; the ledger and aging pages list it.
    for (path, shows) in [
        (format!("/admin/invoices/{id}"), "INV-"),
        (format!("/admin/customers/{carla}/ledger"), "INV-"),
        ("/admin/reports/aging".to_owned(), "2,581.89 EUR"),
        (format!("/admin/payments?customer_id={carla}"), "INV-"),
    ] {
        let page = get(&world, &path, &cookie).await;
        assert_eq!(page.status(), 200, "{path}");
        let html = page.text().await.unwrap();
        assert!(html.contains(shows), "{path}: {html}");
    }
}

#[tokio::test]
async fn a_role_without_billing_gets_no_billing_page_and_books_nothing() {
    let world = World::start().await;
    let (_, carla) = world.customer("carla@example.test", "Carla", "", 1).await;
    let cookie = format!("atrium_staff={}", world.staff);
    let csrf = csrf_of(get(&world, "/admin/invoices/new", &cookie).await).await;
    let me = world.app.staff_get_ok("/api/admin/me", &world.staff).await;
    set_staff_role(&world.app, me["id"].as_str().unwrap(), "editor").await;
    for path in ["/admin/invoices", "/admin/quotes", "/admin/reports/aging"] {
        let page = get(&world, path, &cookie).await;
        assert_eq!(page.status(), 403, "{path}");
    }
    let refused = post_form(
        &world,
        "/admin/invoices",
        &cookie,
        &editor(&csrf, &carla, "3.33"),
    )
    .await;
    assert_eq!(refused.status(), 403);
    set_staff_role(&world.app, me["id"].as_str().unwrap(), "owner").await;
    assert!(invoices(&world).await.is_empty());
}

#[tokio::test]
async fn the_customers_navigation_offers_billing_only_while_it_is_theirs() {
    let world = World::start().await;
    let (ada, ada_id) = world.customer("ada@example.test", "Ada", "", 1).await;
    let links = |html: &str| {
        (
            html.contains("href=\"/customer/invoices\""),
            html.contains("href=\"/customer/quotes\""),
        )
    };
    let page = |path: &'static str| {
        let (world, cookie) = (&world, ada.cookie.clone());
        async move {
            let answer = get(world, path, &cookie).await;
            assert_eq!(answer.status(), 200, "{path}");
            answer.text().await.unwrap()
        }
    };
    for path in ["/customer", "/customer/settings"] {
        assert_eq!(links(&page(path).await), (true, true), "{path}");
    }
    let denied = json!({"can_view_invoices": false});
    let path = format!("/api/admin/customers/{ada_id}/permissions");
    let answer = world.staff(Method::PUT, &path, Some(&denied)).await;
    assert_eq!(answer.status(), 200);
    for path in ["/customer", "/customer/settings"] {
        assert_eq!(links(&page(path).await), (false, false), "{path}");
    }
    let allowed = json!({"can_view_invoices": true});
    assert_eq!(
        world
            .staff(Method::PUT, &path, Some(&allowed))
            .await
            .status(),
        200
    );
    let off = json!({"features": {"billing": false}});
    let answer = world
        .staff(Method::PATCH, "/api/admin/settings", Some(&off))
        .await;
    assert_eq!(answer.status(), 200);
    for path in ["/customer", "/customer/settings"] {
        assert_eq!(links(&page(path).await), (false, false), "{path}");
    }
}
