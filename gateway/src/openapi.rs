//! `/api/openapi.json`, generated from the route table.

use serde_json::{Map, Value, json};

use crate::routes::{Security, routes};

/// Returns the OpenAPI 3.1 document of every route the gateway serves.
pub fn document() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for route in routes() {
        let mut responses = Map::new();
        let (status, schema) = &route.response;
        let success = if schema.is_null() {
            json!({ "description": "done" })
        } else {
            json!({ "description": "success", "content": { "application/json": { "schema": schema } } })
        };
        responses.insert(status.to_string(), success);
        for code in route.errors {
            let status = error_status(code);
            let entry = responses
                .entry(status.to_string())
                .or_insert_with(|| json!({ "description": "", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }));
            let description = entry["description"].as_str().unwrap_or_default();
            let description = if description.is_empty() {
                (*code).to_owned()
            } else {
                format!("{description}, {code}")
            };
            entry["description"] = Value::from(description);
        }
        let mut operation = json!({ "summary": route.summary, "responses": responses });
        match route.security {
            Security::Public => {}
            Security::Staff => operation["security"] = json!([{ "staffBearer": [] }]),
            Security::Platform => operation["security"] = json!([{ "platformBearer": [] }]),
            Security::Customer => {
                operation["security"] = json!([{ "customerSession": [], "csrfToken": [] }])
            }
        }
        if let Some(request) = &route.request {
            operation["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": request } } });
        }
        let path = paths
            .entry(route.path.to_owned())
            .or_insert_with(|| json!({}));
        path[route.method.as_str().to_lowercase()] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Atrium", "version": env!("CARGO_PKG_VERSION") },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "staffBearer": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" },
                "platformBearer": { "type": "http", "scheme": "bearer" },
                "customerSession": { "type": "apiKey", "in": "cookie", "name": "atrium_session" },
                "csrfToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-CSRF-Token",
                    "description": "required on every method but GET and HEAD",
                },
            },
            "schemas": { "Error": error_schema() },
        },
    })
}

fn error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": { "error": {
            "type": "object",
            "required": ["code", "message", "request_id"],
            "properties": {
                "code": { "type": "string" },
                "message": { "type": "string" },
                "fields": { "type": "object", "additionalProperties": { "type": "string" } },
                "permission": { "type": "string" },
                "request_id": { "type": "string" },
            },
        }},
    })
}

/// DESIGN.md's status for each error code.
pub fn error_status(code: &str) -> u16 {
    match code {
        "MALFORMED_JSON" => 400,
        "UNAUTHENTICATED" | "INVALID_CREDENTIALS" => 401,
        "CSRF_FAILED" | "PERMISSION_DENIED" | "CUSTOMER_ASSIGNMENT_REVOKED" => 403,
        "NOT_FOUND" => 404,
        "PAYLOAD_TOO_LARGE" => 413,
        "UNSUPPORTED_MEDIA_TYPE" => 415,
        "VALIDATION_FAILED" | "TOKEN_INVALID" => 422,
        "RATE_LIMITED" => 429,
        "UNAVAILABLE" => 503,
        "INTERNAL" => 500,
        _ => 409,
    }
}
