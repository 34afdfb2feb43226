//! The audit trail through the gateway: sign-ins, failed sign-ins (an unknown account by
//! the typed email's hash, never the address) and changes, filtered by actor, action and
//! time, visible only to staff with `audit.view` of the same organization.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::app::{TestApp, error_code, set_staff_role};

fn actions(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().expect("action").to_owned())
        .collect()
}

#[tokio::test]
async fn sign_ins_failures_and_changes_are_recorded_and_filtered() {
    let app = TestApp::start().await;
    let (_, owner_id, owner) = app.org_with_owner("acme").await;
    for (email, password) in [
        ("owner@acme.test", "not the password"),
        ("Nobody@Acme.test", "whatever it is"),
    ] {
        let body = json!({ "org": "acme", "email": email, "password": password });
        let refused = app.post_json("/api/admin/login", &body).await;
        assert_eq!(error_code(refused).await.1, "INVALID_CREDENTIALS");
    }
    let body = json!({ "email": "ann@customer.test" });
    let invited = app
        .staff_call(
            Method::POST,
            "/api/admin/customers/invitations",
            &owner,
            Some(&body),
        )
        .await;
    assert_eq!(invited.status(), 201);
    let ann_id = invited.json::<Value>().await.unwrap()["customer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let all = app.staff_get_ok("/api/admin/audit", &owner).await;
    assert_eq!(
        actions(&all),
        [
            "customer.invited",
            "staff.login_failed",
            "staff.login_failed",
            "staff.login"
        ],
        "newest first"
    );
    let invited = &all["items"][0];
    assert_eq!(invited["actor"], json!({ "kind": "staff", "id": owner_id }));
    assert_eq!(
        invited["subject"],
        json!({ "kind": "customer", "id": ann_id })
    );
    assert_eq!(invited["ip"], "127.0.0.1");
    let unknown = &all["items"][1];
    assert_eq!(unknown["actor"]["kind"], "email");
    assert_eq!(unknown["actor"]["id"].as_str().unwrap().len(), 64);
    assert!(
        !all.to_string().to_lowercase().contains("nobody@acme.test"),
        "an unknown address is never stored"
    );

    let failed = app
        .staff_get_ok("/api/admin/audit?action=staff.login_failed", &owner)
        .await;
    assert_eq!(actions(&failed).len(), 2);
    let by_owner = app
        .staff_get_ok(&format!("/api/admin/audit?actor_id={owner_id}"), &owner)
        .await;
    assert_eq!(
        actions(&by_owner),
        ["customer.invited", "staff.login_failed", "staff.login"]
    );
    let before = app
        .staff_get_ok("/api/admin/audit?to=2000-01-01T00:00:00Z", &owner)
        .await;
    assert!(actions(&before).is_empty());
    let since = app
        .staff_get_ok("/api/admin/audit?from=2000-01-01T00:00:00%2B02:00", &owner)
        .await;
    assert_eq!(actions(&since).len(), 4);

    // Pages: one entry at a time, no entry twice.
    let first = app
        .staff_get_ok("/api/admin/audit?page_size=3", &owner)
        .await;
    let token = first["next_page_token"].as_str().expect("a next page");
    let second = app
        .staff_get_ok(
            &format!("/api/admin/audit?page_size=3&page_token={token}"),
            &owner,
        )
        .await;
    assert_eq!(actions(&second), ["staff.login"]);
    assert!(second["next_page_token"].is_null());

    for bad in [
        "from=yesterday",
        "to=2020-13-01",
        "page_size=0",
        "page_token=zzz",
    ] {
        let answer = app
            .staff_call(
                Method::GET,
                &format!("/api/admin/audit?{bad}"),
                &owner,
                None,
            )
            .await;
        assert_eq!(answer.status(), 422, "{bad}");
    }

    // Another organization sees only its own trail.
    let (_, _, other) = app.org_with_owner("other").await;
    let theirs = app.staff_get_ok("/api/admin/audit", &other).await;
    assert_eq!(actions(&theirs), ["staff.login"]);
    assert!(!theirs.to_string().contains(&owner_id));

    // Without audit.view: 403 naming it.
    set_staff_role(&app, &owner_id, "editor").await;
    let denied = app
        .staff_call(Method::GET, "/api/admin/audit", &owner, None)
        .await;
    let (status, code, body) = error_code(denied).await;
    assert_eq!((status, code.as_str()), (403, "PERMISSION_DENIED"));
    assert_eq!(body["error"]["permission"], "audit.view");
    app.stop().await;
}
