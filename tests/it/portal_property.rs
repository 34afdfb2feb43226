//! Property-style: random reconciles from both sides across two organizations, some
//! carrying another organization's id; after each, every customer's dashboard is exactly
//! the model's set of their own organization's projects.

use std::collections::{BTreeMap, BTreeSet};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_invitation::Customer;
use crate::customer_lockout::{World, link_token};
use crate::portal_access::customer_get;

const PASSWORD: &str = "a long customer passphrase";

struct Org {
    token: String,
    customers: Vec<(String, Customer)>,
    projects: Vec<String>,
}

/// Invites and signs in a customer of the org `token` acts for; `n` is the invitation's
/// place among all mails so far.
async fn customer(world: &World, token: &str, email: &str, n: usize) -> (String, Customer) {
    let invited = world
        .app
        .staff_call(
            Method::POST,
            "/api/admin/customers/invitations",
            token,
            Some(&json!({ "email": email, "name": email })),
        )
        .await;
    assert_eq!(invited.status(), 201);
    let link = link_token(&world.mail(n).await, "/customer/accept-invitation");
    let accepted = world
        .app
        .post_token("/api/customer/invitations/accept", &link, PASSWORD)
        .await;
    assert_eq!(accepted.status(), 200);
    let cookie = crate::support::app::cookie_of(&accepted);
    let body: Value = accepted.json().await.unwrap();
    let id = body["customer"]["id"].as_str().unwrap().to_owned();
    let csrf = body["csrf_token"].as_str().unwrap().to_owned();
    (id, Customer { cookie, csrf, body })
}

async fn project(world: &World, token: &str, name: &str, kind: &str) -> String {
    let created = world
        .app
        .staff_call(
            Method::POST,
            "/api/admin/projects",
            token,
            Some(&json!({ "name": name, "kind": kind })),
        )
        .await;
    assert_eq!(created.status(), 201);
    let body: Value = created.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

fn subset<'a>(rng: &mut StdRng, all: &'a [String]) -> Vec<&'a String> {
    all.iter().filter(|_| rng.random_bool(0.5)).collect()
}

#[tokio::test]
async fn every_dashboard_is_exactly_the_assigned_same_org_projects() {
    let seed: u64 = std::env::var("ATRIUM_PROPERTY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    println!("property seed {seed} (rerun with ATRIUM_PROPERTY_SEED={seed})");
    let mut rng = StdRng::seed_from_u64(seed);
    let world = World::start().await;
    let (_, _, globex) = world.app.org_with_owner("globex").await;
    let mut orgs = [
        Org {
            token: world.staff.clone(),
            customers: Vec::new(),
            projects: Vec::new(),
        },
        Org {
            token: globex,
            customers: Vec::new(),
            projects: Vec::new(),
        },
    ];
    let mut mails = 0;
    for (o, count) in [(0, 3), (1, 2)] {
        for c in 0..count {
            mails += 1;
            let token = orgs[o].token.clone();
            let made = customer(&world, &token, &format!("c{c}@org{o}.test"), mails).await;
            orgs[o].customers.push(made);
        }
        for p in 0..5 {
            let kind = if p % 2 == 0 { "project" } else { "gallery" };
            let token = orgs[o].token.clone();
            let id = project(&world, &token, &format!("P{p} of {o}"), kind).await;
            orgs[o].projects.push(id);
        }
    }
    let mut model: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();

    for round in 0..25 {
        let o = rng.random_range(0..2);
        let other = &orgs[1 - o];
        let org = &orgs[o];
        let stray = rng.random_bool(0.25);
        if rng.random_bool(0.5) {
            // From a project's side.
            let project_id = &org.projects[rng.random_range(0..org.projects.len())];
            let ids: Vec<String> = org.customers.iter().map(|(id, _)| id.clone()).collect();
            let mut chosen: Vec<&String> = subset(&mut rng, &ids);
            if stray {
                chosen.push(&other.customers[0].0);
            }
            let response = world
                .app
                .staff_call(
                    Method::PUT,
                    &format!("/api/admin/projects/{project_id}/customers"),
                    &org.token,
                    Some(&json!({ "customer_ids": chosen })),
                )
                .await;
            if stray {
                assert_eq!(response.status(), 404, "round {round}, seed {seed}");
            } else {
                assert_eq!(response.status(), 200, "round {round}, seed {seed}");
                for (customer_id, _) in &org.customers {
                    let set = model.entry(customer_id.clone()).or_default();
                    if chosen.contains(&customer_id) {
                        set.insert(project_id.clone());
                    } else {
                        set.remove(project_id);
                    }
                }
            }
        } else {
            // From a customer's side.
            let (customer_id, _) = &org.customers[rng.random_range(0..org.customers.len())];
            let mut chosen = subset(&mut rng, &org.projects);
            if stray {
                chosen.push(&other.projects[0]);
            }
            let response = world
                .app
                .staff_call(
                    Method::PUT,
                    &format!("/api/admin/customers/{customer_id}/projects"),
                    &org.token,
                    Some(&json!({ "project_ids": chosen })),
                )
                .await;
            if stray {
                assert_eq!(response.status(), 404, "round {round}, seed {seed}");
            } else {
                assert_eq!(response.status(), 200, "round {round}, seed {seed}");
                model.insert(customer_id.clone(), chosen.into_iter().cloned().collect());
            }
        }

        for (o, org) in orgs.iter().enumerate() {
            for (customer_id, customer) in &org.customers {
                let board: Value = customer_get(&world, customer, "/api/customer/dashboard")
                    .await
                    .json()
                    .await
                    .unwrap();
                let shown: BTreeSet<String> = board["projects"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["id"].as_str().unwrap().to_owned())
                    .collect();
                let expected = model.get(customer_id).cloned().unwrap_or_default();
                assert_eq!(shown, expected, "round {round}, seed {seed}");
                // Another organization's project is never theirs to read.
                let foreign = &orgs[1 - o].projects[0];
                let read = customer_get(
                    &world,
                    customer,
                    &format!("/api/customer/projects/{foreign}"),
                )
                .await;
                assert_eq!(read.status(), 404, "round {round}, seed {seed}");
            }
        }
    }
}
