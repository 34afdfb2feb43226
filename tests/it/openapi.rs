use serde_json::Value;

use crate::helpers::TestApp;

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
    assert_eq!(documented, table.len(), "every route is documented once");

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
