//! What the portal tells other services through its outbox: the assignment digest mail
//! and notification, audit entries for identity's trail, and a customer's erasure; and
//! the org's branding on every mail, identity's included.

use std::time::Duration;

use atrium_common::config::ServiceName;
use atrium_common::db::Db;
use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_invitation::Customer;
use crate::customer_lockout::World;
use crate::portal_access::{create_project, customer_get};
use crate::support::app::test_env;

const PUBLIC_URL: &str = "https://portal.acme.test";

async fn ok_json(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    body
}

async fn put(world: &World, path: &str, body: Value) -> Value {
    ok_json(world.staff(Method::PUT, path, Some(&body)).await).await
}

async fn notifications(world: &World, customer: &Customer) -> Vec<Value> {
    let list = ok_json(customer_get(world, customer, "/api/customer/notifications").await).await;
    list["items"].as_array().unwrap().clone()
}

/// Polls the audit trail until `action` has `n` entries (the relay is asynchronous).
async fn audit_entries(world: &World, action: &str, n: usize) -> Vec<Value> {
    for _ in 0..100 {
        let page = ok_json(
            world
                .staff(
                    Method::GET,
                    &format!("/api/admin/audit?action={action}"),
                    None,
                )
                .await,
        )
        .await;
        let items = page["items"].as_array().unwrap().clone();
        if items.len() >= n {
            assert_eq!(items.len(), n, "{action}: {items:?}");
            return items;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("fewer than {n} {action} entries arrived");
}

#[tokio::test]
async fn each_save_sends_one_digest_per_newly_served_active_customer() {
    let world = World::start().await;
    let (ann, ann_id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let (bob, bob_id) = world.customer("bob@customer.test", "Bob", "", 2).await;
    // Carol is invited (mail 3) and never accepts: assignable, but sent no digest.
    let invited = world
        .staff(
            Method::POST,
            "/api/admin/customers/invitations",
            Some(&json!({"email": "carol@customer.test", "name": "Carol"})),
        )
        .await;
    assert_eq!(invited.status(), 201);
    let carol_id = invited.json::<Value>().await.unwrap()["customer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    world.mail(3).await;
    let house = create_project(&world, json!({"name": "House", "kind": "project"})).await;
    let house_id = house["id"].as_str().unwrap().to_owned();
    let wedding = create_project(&world, json!({"name": "Wedding", "kind": "gallery"})).await;
    let wedding_id = wedding["id"].as_str().unwrap().to_owned();

    // One save from Ann's side: one digest listing both.
    put(
        &world,
        &format!("/api/admin/customers/{ann_id}/projects"),
        json!({"project_ids": [house_id, wedding_id]}),
    )
    .await;
    let digest = world.mail(4).await;
    assert_eq!(digest.rcpt_to, ["ann@customer.test"]);
    let subject = digest.decoded_header("Subject");
    assert!(subject.contains("2 new galleries"), "{subject}");
    let (text, _) = digest.parts();
    for id in [&house_id, &wedding_id] {
        assert!(
            text.contains(&format!("{PUBLIC_URL}/customer/projects/{id}")),
            "{text}"
        );
    }
    assert!(text.contains("House") && text.contains("Wedding"));

    // One save from the project's side: Bob is new to it, Ann already had it, Carol is
    // only invited. Then a save that changes nothing.
    put(
        &world,
        &format!("/api/admin/projects/{house_id}/customers"),
        json!({"customer_ids": [ann_id, bob_id, carol_id]}),
    )
    .await;
    put(
        &world,
        &format!("/api/admin/projects/{house_id}/customers"),
        json!({"customer_ids": [ann_id, bob_id, carol_id]}),
    )
    .await;
    let digest = world.mail(5).await;
    assert_eq!(digest.rcpt_to, ["bob@customer.test"]);
    assert!(digest.decoded_header("Subject").contains("House"));
    // Every relayed entry of those saves is in before anything else is counted.
    audit_entries(&world, "assignment.added", 4).await;
    world.app.settled().await;
    assert_eq!(
        world.smtp.messages().len(),
        5,
        "no digest to Carol, none twice"
    );

    // The in-app notification beside each mail.
    let ann_notes = notifications(&world, &ann).await;
    assert_eq!(ann_notes.len(), 1);
    let board = ok_json(customer_get(&world, &ann, "/api/customer/dashboard").await).await;
    assert_eq!(board["unread_notifications"], 1);
    assert_eq!(ann_notes[0]["link"], "/customer/dashboard");
    let bob_notes = notifications(&world, &bob).await;
    assert_eq!(bob_notes.len(), 1);
    assert_eq!(bob_notes[0]["title"], "Shared with you: House");
    assert_eq!(
        bob_notes[0]["link"],
        format!("/customer/projects/{house_id}")
    );

    // Removals are audited too; the entry names customer and project.
    put(
        &world,
        &format!("/api/admin/customers/{ann_id}/projects"),
        json!({"project_ids": [wedding_id]}),
    )
    .await;
    let removed = audit_entries(&world, "assignment.removed", 1).await;
    assert_eq!(removed[0]["subject"]["kind"], "assignment");
    assert_eq!(
        removed[0]["subject"]["id"],
        format!("{ann_id}/{house_id}").as_str()
    );
    assert_eq!(removed[0]["actor"]["kind"], "staff");
}

/// Opens the portal's database beside the running stack.
async fn portal_db(world: &World) -> Db {
    let settings = atrium_common::config::Settings::resolve(test_env(
        &world.app.database,
        world.app.data_dir.path(),
    ))
    .expect("settings");
    Db::open(
        &settings.database,
        ServiceName::Portal,
        &atrium_portal::MIGRATIONS,
    )
    .await
    .expect("portal database")
}

async fn rows_of(db: &Db, customer_id: &str) -> i64 {
    let id = uuid::Uuid::parse_str(customer_id).unwrap();
    let mut total = 0;
    for sql in [
        "select count(*) from assignment where customer_id = $1",
        "select count(*) from revoked_assignment where customer_id = $1",
        "select count(*) from customer_permission where customer_id = $1",
    ] {
        let n: i64 = atrium_common::on_db!(db, |pool| {
            sqlx::query_scalar(sql).bind(id).fetch_one(pool).await
        })
        .expect("count");
        total += n;
    }
    total
}

#[tokio::test]
async fn settings_and_permission_changes_are_audited_and_an_erase_clears_the_portal() {
    let world = World::start().await;
    let (_, ann_id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let (_, bob_id) = world.customer("bob@customer.test", "Bob", "", 2).await;
    let changed = world
        .staff(
            Method::PATCH,
            "/api/admin/settings",
            Some(&json!({"show_team_members": false})),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let entry = &audit_entries(&world, "settings.updated", 1).await[0];
    assert_eq!(entry["subject"]["kind"], "organization");
    let house = create_project(&world, json!({"name": "House", "kind": "project"})).await;
    let house_id = house["id"].as_str().unwrap().to_owned();
    let extra = create_project(&world, json!({"name": "Extra", "kind": "project"})).await;
    let extra_id = extra["id"].as_str().unwrap().to_owned();
    for customer_id in [&ann_id, &bob_id] {
        put(
            &world,
            &format!("/api/admin/customers/{customer_id}/projects"),
            json!({"project_ids": [house_id, extra_id]}),
        )
        .await;
        put(
            &world,
            &format!("/api/admin/customers/{customer_id}/permissions"),
            json!({"can_view_invoices": false}),
        )
        .await;
        // Leaves a revocation marker too.
        put(
            &world,
            &format!("/api/admin/customers/{customer_id}/projects"),
            json!({"project_ids": [house_id]}),
        )
        .await;
    }
    let entries = audit_entries(&world, "customer.permissions_changed", 2).await;
    assert!(
        entries
            .iter()
            .any(|e| e["subject"]["id"] == ann_id.as_str())
    );

    let db = portal_db(&world).await;
    assert_eq!(rows_of(&db, &ann_id).await, 3);
    let erased = world
        .staff(
            Method::DELETE,
            &format!("/api/admin/customers/{ann_id}"),
            None,
        )
        .await;
    assert_eq!(erased.status(), 204);
    let mut cleared = false;
    for _ in 0..100 {
        if rows_of(&db, &ann_id).await == 0 {
            cleared = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(cleared, "the erase reached the portal");
    assert_eq!(rows_of(&db, &bob_id).await, 3, "Bob keeps his");
    let listed = put(
        &world,
        &format!("/api/admin/projects/{house_id}/customers"),
        json!({"customer_ids": [bob_id]}),
    )
    .await;
    assert_eq!(listed["removed"], json!([]), "Ann was no longer assigned");
    db.close().await;
}

#[tokio::test]
async fn the_orgs_branding_reaches_identitys_own_mails_from_the_next_one_on() {
    let world = World::start().await;
    world.customer("ann@customer.test", "Ann", "", 1).await;
    let before = world.mail(1).await;
    assert_eq!(
        before.decoded_header("Subject"),
        "You're invited to the acme Ltd customer portal"
    );

    let patched = world
        .staff(
            Method::PATCH,
            "/api/admin/settings",
            Some(&json!({"branding": {
                "company_name": "Acme Studio",
                "sender_name": "The Acme Team",
                "logo_url": "https://cdn.acme.test/logo.png",
                "show_logo": true,
            }})),
        )
        .await;
    ok_json(patched).await;

    // An invitation and a password reset, both written by identity.
    let invited = world
        .staff(
            Method::POST,
            "/api/admin/customers/invitations",
            Some(&json!({"email": "bob@customer.test", "name": "Bob"})),
        )
        .await;
    assert_eq!(invited.status(), 201);
    let invitation = world.mail(2).await;
    assert_eq!(
        invitation.decoded_header("Subject"),
        "You're invited to the Acme Studio customer portal"
    );
    let (text, html) = invitation.parts();
    assert!(
        text.contains("The Acme Team from Acme Studio has invited you"),
        "{text}"
    );
    assert!(!text.contains("acme Ltd"), "{text}");
    // The HTML part escapes the URL's slashes.
    assert!(
        html.contains(r#"<img src="https:&#x2f;&#x2f;cdn.acme.test&#x2f;logo.png""#),
        "{html}"
    );

    let forgot = world
        .app
        .post_json(
            "/api/customer/password/forgot",
            &json!({"org": "acme", "email": "ann@customer.test"}),
        )
        .await;
    assert_eq!(forgot.status(), 202);
    let reset = world.mail(3).await;
    assert_eq!(reset.rcpt_to, ["ann@customer.test"]);
    let (text, _) = reset.parts();
    assert!(
        text.contains("Acme Studio") && !text.contains("acme Ltd"),
        "{text}"
    );

    // A hidden logo leaves the next mail without it.
    ok_json(
        world
            .staff(
                Method::PATCH,
                "/api/admin/settings",
                Some(&json!({"branding": {"show_logo": false}})),
            )
            .await,
    )
    .await;
    let resent = world
        .staff(
            Method::POST,
            "/api/admin/customers/invitations",
            Some(&json!({"email": "carol@customer.test"})),
        )
        .await;
    assert_eq!(resent.status(), 201);
    let (_, html) = world.mail(4).await.parts();
    assert!(!html.contains("cdn.acme.test"), "{html}");
}
