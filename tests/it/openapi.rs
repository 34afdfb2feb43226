use serde_json::Value;

use crate::support::app::TestApp;

/// Fills `{param}` segments with a UUID.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "00000000-0000-4000-8000-000000000000"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn the_router_serves_exactly_what_the_document_describes() {
    let app = TestApp::start().await;
    let document: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let paths = document["paths"].as_object().unwrap();
    let table = atrium_gateway::routes();

    // Every documented operation is routed (a handler answers, not the router's fallback).
    let mut documented = 0;
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().unwrap() {
            documented += 1;
            assert!(
                operation["responses"]
                    .as_object()
                    .is_some_and(|r| !r.is_empty()),
                "{method} {path}"
            );
            let method = http::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = app
                .http
                .request(method.clone(), app.url(&concrete(path)))
                .send()
                .await
                .unwrap();
            assert!(
                response.headers().get("x-atrium-unmatched").is_none(),
                "{method} {path} is documented but not routed"
            );
        }
    }
    // A file route is documented for HEAD too.
    let files = table.iter().filter(|route| route.file).count();
    assert_eq!(
        documented,
        table.len() + files,
        "every route is documented once"
    );

    // Paths and methods outside the document reach the fallback.
    let unknown = app.get("/api/admin/nothing-here").await;
    assert_eq!(unknown.status(), 404);
    assert!(unknown.headers().get("x-atrium-unmatched").is_some());
    let wrong_method = app
        .http
        .delete(app.url("/api/admin/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), 405);
    assert!(wrong_method.headers().get("x-atrium-unmatched").is_some());
}

/// Every `{param}` of a path is declared on each of its operations, every operation
/// lists its statuses, and a JSON body or answer has a schema that resolves.
#[test]
fn every_path_parameter_and_status_is_declared() {
    let document = atrium_gateway::openapi::document();
    for (path, operations) in document["paths"].as_object().unwrap() {
        let wanted: Vec<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        for (method, operation) in operations.as_object().unwrap() {
            let declared: Vec<&str> = operation["parameters"]
                .as_array()
                .map(|p| {
                    p.iter()
                        .filter(|p| p["in"] == "path")
                        .filter_map(|p| p["name"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(declared, wanted, "{method} {path}");
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path}"
            );
            if !wanted.is_empty() {
                assert!(
                    responses.contains_key("404"),
                    "{method} {path}: a bad id is 404"
                );
            }
        }
    }
}

/// The contract the harness holds answers to refuses what does not fit: an answer whose
/// body breaks its schema, and a status the route does not list.
#[test]
fn the_contract_refuses_an_answer_that_breaks_the_document() {
    let contract = crate::support::contract::contract();
    let staff = serde_json::json!({
        "id": "00000000-0000-4000-8000-000000000000", "org_id": "00000000-0000-4000-8000-000000000000",
        "email": "a@b.test", "name": "A", "title": "", "phone": "", "role": "owner",
        "status": "active", "created_at": "2030-01-15T09:00:00.000Z", "permissions": [],
    });
    let body = |value: &Value| serde_json::to_vec(value).unwrap();
    assert_eq!(
        contract.check("GET", "/api/admin/me", 200, true, &body(&staff)),
        Ok(())
    );
    let mut wrong = staff.clone();
    wrong["role"] = "root".into();
    assert!(
        contract
            .check("GET", "/api/admin/me", 200, true, &body(&wrong))
            .is_err()
    );
    wrong = staff.clone();
    wrong["id"] = 5.into();
    assert!(
        contract
            .check("GET", "/api/admin/me", 200, true, &body(&wrong))
            .is_err()
    );
    assert!(
        contract
            .check("GET", "/api/admin/me", 409, true, &body(&staff))
            .is_err()
    );
    assert!(
        contract
            .check("GET", "/api/admin/nowhere", 200, true, b"{}")
            .is_err()
    );
    assert!(
        contract
            .check(
                "GET",
                "/api/admin/customers/invitations",
                200,
                true,
                b"{\"items\": 1}"
            )
            .is_err(),
        "the literal route wins over /customers/{{id}}"
    );
}
