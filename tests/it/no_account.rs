//! Customers without an account (DESIGN's core routes, design/links.md): staff create
//! one with no mail, bill them and send them links; they cannot sign in; inviting them
//! later — staff, or "Get portal access" on a link — mails the 7-day invitation, and
//! accepting it signs them in.

use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_lockout::{World, link_token};
use crate::invoices::send;
use crate::links::{issued_invoice, mailed_token};
use crate::support::app::set_staff_role;

async fn create(world: &World, body: &Value) -> (u16, Value) {
    send(world, Method::POST, "/api/admin/customers", Some(body)).await
}

#[tokio::test]
async fn a_customer_without_an_account_is_billed_by_link_then_gets_portal_access() {
    let world = World::start().await;
    let (status, made) = create(
        &world,
        &json!({"email": "ada@example.test", "name": "Ada", "locale": "de"}),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["status"], "no_account");
    let ada_id = made["id"].as_str().unwrap().to_owned();

    // Bad input and a taken email change nothing.
    for (body, want) in [
        (json!({"email": "ADA@example.TEST"}), 409),
        (json!({"name": "No email"}), 422),
        (json!({"email": "not an email"}), 422),
        (json!({"email": 7}), 422),
        (json!({"email": "x@example.test", "locale": "xx"}), 422),
        (
            json!({"email": "y@example.test", "name": "n".repeat(201)}),
            422,
        ),
    ] {
        let (status, answer) = create(&world, &body).await;
        assert_eq!(status, want, "{body}: {answer}");
    }
    let malformed = world
        .app
        .http
        .post(world.app.url("/api/admin/customers"))
        .bearer_auth(&world.staff)
        .header("content-type", "application/json")
        .body("{\"email\":")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    world.app.settled().await;
    assert!(
        world.smtp.messages().is_empty(),
        "no mail to a customer without an account"
    );
    let (_, listed) = send(
        &world,
        Method::GET,
        "/api/admin/customers?status=no_account",
        None,
    )
    .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");

    // Nothing signs them in, and "forgot password" mails nothing.
    assert_eq!(
        world
            .login_status("ada@example.test", "anything at all")
            .await,
        401
    );
    assert_eq!(world.forgot("ada@example.test").await.status(), 202);
    world.app.settled().await;
    assert!(world.smtp.messages().is_empty());

    // Billed: issuing mails nothing (there is no portal to point to); staff send the
    // invoice by link, and "Get portal access" there mails the invitation.
    let invoice = issued_invoice(&world, &ada_id).await;
    world.app.settled().await;
    assert!(world.smtp.messages().is_empty(), "no invoice_issued mail");
    let path = format!("/api/admin/invoices/{invoice}/send");
    assert_eq!(send(&world, Method::POST, &path, None).await.0, 202);
    let token = mailed_token(&world, 1, "ada@example.test").await;
    let asked = world
        .app
        .post_json(&format!("/api/links/{token}/portal-access"), &json!({}))
        .await;
    assert_eq!(asked.status(), 202);
    let mail = world
        .mail_to("ada@example.test", "/customer/accept-invitation")
        .await;
    assert!(
        mail.header("subject")
            .unwrap_or_default()
            .contains("Kundenportal"),
        "in the customer's language"
    );
    let (_, now) = send(
        &world,
        Method::GET,
        &format!("/api/admin/customers/{ada_id}"),
        None,
    )
    .await;
    assert_eq!(now["status"], "invited");
    let accepted = world
        .app
        .post_token(
            "/api/customer/invitations/accept",
            &link_token(&mail, "/customer/accept-invitation"),
            "a long enough password",
        )
        .await;
    assert_eq!(accepted.status(), 200);
    assert_eq!(
        world
            .login_status("ada@example.test", "a long enough password")
            .await,
        200
    );
}

#[tokio::test]
async fn staff_invite_a_customer_without_an_account_once() {
    let world = World::start().await;
    let (_, bob) = create(&world, &json!({"email": "bob@example.test", "name": "Bob"})).await;
    let bob_id = bob["id"].as_str().unwrap().to_owned();
    let invite = format!("/api/admin/customers/{bob_id}/invite");

    // Assignable before any mail.
    let project =
        crate::portal_access::create_project(&world, json!({"name": "Shed", "kind": "project"}))
            .await;
    let assign = format!("/api/admin/customers/{bob_id}/projects");
    let body = json!({"project_ids": [project["id"]]});
    assert_eq!(
        world
            .staff(Method::PUT, &assign, Some(&body))
            .await
            .status(),
        200
    );

    // A viewer may not invite; another id is 404.
    set_staff_role(&world.app, &world.staff_id, "viewer").await;
    assert_eq!(send(&world, Method::POST, &invite, None).await.0, 403);
    let (status, _) = create(&world, &json!({"email": "dee@example.test"})).await;
    assert_eq!(status, 403);
    set_staff_role(&world.app, &world.staff_id, "owner").await;
    let stranger = format!("/api/admin/customers/{}/invite", uuid::Uuid::new_v4());
    assert_eq!(send(&world, Method::POST, &stranger, None).await.0, 404);

    let (status, invited) = send(&world, Method::POST, &invite, None).await;
    assert_eq!(status, 201, "{invited}");
    assert_eq!(
        (
            &invited["customer"]["status"],
            &invited["invitation"]["status"]
        ),
        (&json!("invited"), &json!("pending"))
    );
    world
        .mail_to("bob@example.test", "/customer/accept-invitation")
        .await;
    let (status, again) = send(&world, Method::POST, &invite, None).await;
    assert_eq!(
        (status, &again["error"]["code"]),
        (409, &json!("INVITATION_PENDING"))
    );

    // The invitation route takes up a customer without an account too.
    let (_, cy) = create(&world, &json!({"email": "cy@example.test"})).await;
    let invited = world
        .staff(
            Method::POST,
            "/api/admin/customers/invitations",
            Some(&json!({"email": "cy@example.test"})),
        )
        .await;
    assert_eq!(invited.status(), 201);
    let invited: Value = invited.json().await.unwrap();
    assert_eq!(invited["customer"]["id"], cy["id"]);
    assert_eq!(invited["customer"]["status"], "invited");
    // An account is not invited again.
    let (ann, ann_id) = world.customer("ann@example.test", "Ann", "", 3).await;
    drop(ann);
    let path = format!("/api/admin/customers/{ann_id}/invite");
    let (status, taken) = send(&world, Method::POST, &path, None).await;
    assert_eq!(
        (status, &taken["error"]["code"]),
        (409, &json!("ALREADY_EXISTS"))
    );
}
