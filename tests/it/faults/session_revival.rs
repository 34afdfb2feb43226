//! Redis can vouch for nothing it could lose: sessions cached in Redis, a snapshot saved,
//! then four revocations (sign-out, forced re-login, deactivation, password reset), and
//! Redis restarted from the snapshot that still holds all four as live. Every customer
//! route answers 401 for each of them, a live session keeps working, and staff tokens
//! and guest cookies ended meanwhile stay ended too.

use atrium_common::testkit::faults::RedisServer;
use reqwest::Method;
use serde_json::{Value, json};

use super::{published_generation, redis_keys, wait_for_redis};
use crate::customer_invitation::{Customer, customer_call};
use crate::customer_lockout::{PASSWORD, World, link_token};
use crate::portal_access::create_project;

/// Every customer route the gateway serves, with a body where it takes one, called as
/// `customer` (with their CSRF token): the statuses that are not 401, with their route.
async fn not_refused(world: &World, customer: &Customer, ids: &Ids) -> Vec<String> {
    let mut answered = Vec::new();
    for route in atrium_gateway::routes() {
        if route.security != atrium_gateway::Security::Customer {
            continue;
        }
        let path = if route.path.contains("/projects/") {
            route.path.replace("{id}", &ids.project)
        } else if route.path.contains("/sessions/") {
            route.path.replace("{id}", &ids.session)
        } else {
            route
                .path
                .replace("{id}", &uuid::Uuid::new_v4().to_string())
        };
        let body = match (route.method.as_str(), route.path) {
            ("PATCH", "/api/customer/me") => Some(json!({ "name": "Revived" })),
            ("POST", "/api/customer/password/change") => Some(json!({
                "current_password": PASSWORD, "new_password": "a revived long passphrase",
            })),
            _ => None,
        };
        let mut request = world
            .app
            .http
            .request(route.method.clone(), world.app.url(&path))
            .header("cookie", &customer.cookie)
            .header("x-csrf-token", &customer.csrf);
        if let Some(body) = &body {
            request = request.json(body);
        }
        let status = request.send().await.unwrap().status().as_u16();
        if status != 401 {
            answered.push(format!("{} {path}: {status}", route.method));
        }
    }
    answered
}

struct Ids {
    project: String,
    session: String,
}

async fn own_session_id(world: &World, customer: &Customer) -> String {
    let sessions: Value = customer_call(
        &world.app,
        Method::GET,
        "/api/customer/sessions",
        customer,
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    sessions["items"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn sessions_revoked_after_a_snapshot_stay_dead_when_redis_is_restored_from_it() {
    let Some(mut redis) = RedisServer::start().await.unwrap() else {
        return;
    };
    let world = World::start_on(Some(&redis.url())).await;
    let project = create_project(&world, json!({ "name": "Extension", "kind": "project" })).await;
    let project_id = project["id"].as_str().unwrap().to_owned();
    let gallery = create_project(
        &world,
        json!({ "name": "Wedding", "kind": "gallery", "guest_password": "a guest gallery password" }),
    )
    .await;
    let gallery_id = gallery["id"].as_str().unwrap().to_owned();

    let mut customers = Vec::new();
    for (n, name) in ["ann", "bob", "cid", "dee", "eve"].iter().enumerate() {
        let (customer, id) = world
            .customer(&format!("{name}@customer.test"), name, "", n + 1)
            .await;
        customers.push((customer, id));
    }
    for (_, id) in &customers {
        let path = format!("/api/admin/customers/{id}/projects");
        let body = json!({ "project_ids": [project_id] });
        assert_eq!(
            world.staff(Method::PUT, &path, Some(&body)).await.status(),
            200
        );
    }
    // A second staff session, and a guest in the gallery.
    let staff_token = world
        .app
        .staff_login(
            "acme",
            "owner@acme.test",
            crate::support::app::OWNER_PASSWORD,
        )
        .await;
    let guest = world
        .app
        .post_json(
            "/api/gallery/acme/wedding/access",
            &json!({ "password": "a guest gallery password" }),
        )
        .await;
    assert_eq!(guest.status(), 204);
    let guest_cookie = crate::support::app::cookie_of(&guest);
    let guest_status = |cookie: String| {
        let request = world
            .app
            .http
            .get(world.app.url("/api/gallery/acme/wedding"))
            .header("cookie", cookie);
        async move { request.send().await.unwrap().status().as_u16() }
    };

    // Fill the cache: every route once, twice, for each customer (all 200 or 404 now).
    let mut ids = Vec::new();
    for (customer, _) in &customers {
        let session = own_session_id(&world, customer).await;
        for path in [
            "/api/customer/me",
            "/api/customer/dashboard",
            "/api/customer/projects",
        ] {
            for _ in 0..2 {
                let answer = customer_call(&world.app, Method::GET, path, customer, None).await;
                assert_eq!(answer.status(), 200, "{path}");
            }
        }
        ids.push(Ids {
            project: project_id.clone(),
            session,
        });
    }
    assert_eq!(guest_status(guest_cookie.clone()).await, 200);
    let before = published_generation(&redis).await;
    redis.save().await.unwrap();

    // Four revocations, each visible at once.
    let [ann, bob, cid, dee, eve] = customers.as_slice() else {
        unreachable!()
    };
    let logout = customer_call(
        &world.app,
        Method::POST,
        "/api/customer/logout",
        &ann.0,
        Some(&ann.0.csrf),
    )
    .await;
    assert_eq!(logout.status(), 204);
    for (action, customer) in [("force-relogin", bob), ("deactivate", cid)] {
        let path = format!("/api/admin/customers/{}/{action}", customer.1);
        assert_eq!(world.staff(Method::POST, &path, None).await.status(), 200);
    }
    let forgot = world
        .app
        .post_json(
            "/api/customer/password/forgot",
            &json!({ "org": "acme", "email": "dee@customer.test" }),
        )
        .await;
    assert_eq!(forgot.status(), 202);
    let dee_mail = world
        .mail_to("dee@customer.test", "/customer/reset-password")
        .await;
    let reset = world
        .app
        .post_json(
            "/api/customer/password/reset",
            &json!({ "token": link_token(&dee_mail, "/customer/reset-password"), "password": "dee's new long passphrase" }),
        )
        .await;
    assert_eq!(reset.status(), 204);
    let staff_logout = world
        .app
        .staff_call(Method::POST, "/api/admin/logout", &staff_token, None)
        .await;
    assert_eq!(staff_logout.status(), 204);
    let new_guest_password = json!({ "guest_password": "another guest gallery password" });
    let path = format!("/api/admin/projects/{gallery_id}");
    assert_eq!(
        world
            .staff(Method::PATCH, &path, Some(&new_guest_password))
            .await
            .status(),
        200
    );
    let revoked = [ann, bob, cid, dee];
    for (n, (customer, _)) in revoked.iter().enumerate() {
        let answered = not_refused(&world, customer, &ids[n]).await;
        assert!(answered.is_empty(), "before the restore: {answered:?}");
    }

    // Redis comes back from the snapshot in which all four were live.
    redis.restart(true).await.unwrap();
    let mut checks = Vec::new();
    // At once (the old connection is gone, nothing is trusted), and once Redis is
    // trusted again under a new generation.
    for moment in ["right after the restore", "once redis is trusted again"] {
        if moment != "right after the restore" {
            wait_for_redis(&world.app, "up").await;
            tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        }
        for (n, (customer, _)) in revoked.iter().enumerate() {
            for answered in not_refused(&world, customer, &ids[n]).await {
                checks.push(format!("{moment}, customer {n}: {answered}"));
            }
        }
        let staff_me = world
            .app
            .staff_call(Method::GET, "/api/admin/me", &staff_token, None)
            .await;
        if staff_me.status() != 401 {
            checks.push(format!(
                "{moment}: the ended staff token got {}",
                staff_me.status()
            ));
        }
        let guest = guest_status(guest_cookie.clone()).await;
        if guest != 401 {
            checks.push(format!("{moment}: the old guest cookie got {guest}"));
        }
        let live = customer_call(&world.app, Method::GET, "/api/customer/me", &eve.0, None).await;
        assert_eq!(live.status(), 200, "{moment}: a live session keeps working");
    }

    assert!(
        checks.is_empty(),
        "revoked sessions came back:\n{}",
        checks.join("\n")
    );
    let after = published_generation(&redis).await;
    assert!(
        after > before,
        "the generation moved past the snapshot's: {before} -> {after}"
    );
    // Identity trusts the store again, under the new generation: the live session's
    // last check was filled in there.
    let filled = redis_keys(&redis, &format!("*:identity:g{after}:seen:*")).await;
    assert!(
        !filled.is_empty(),
        "nothing cached under generation {after}"
    );
    let cid_now = world
        .staff(
            Method::GET,
            &format!("/api/admin/customers/{}", cid.1),
            None,
        )
        .await;
    assert_eq!(
        cid_now.json::<Value>().await.unwrap()["name"],
        "cid",
        "no PATCH was applied"
    );
    let _ = &dee.1;
}
