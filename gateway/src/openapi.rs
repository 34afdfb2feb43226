//! `/api/openapi.json`, generated from the route table: every route's path parameters,
//! query parameters, body, answer and error statuses, with the schemas of the handlers'
//! own types (JSON Schema 2020-12, as OpenAPI 3.1 takes it).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::api::ErrorBody;
use crate::routes::{Route, Security, routes};

/// The OpenAPI 3.1 document of every route the gateway serves, made once.
pub fn document() -> Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(build).clone()
}

fn build() -> Value {
    let settings = SchemaSettings::draft2020_12().with(|s| {
        s.definitions_path = "/components/schemas".into();
    });
    let mut generator = SchemaGenerator::new(settings);
    let error = generator.subschema_for::<ErrorBody>().to_value();
    let mut paths: Map<String, Value> = Map::new();
    for route in routes() {
        let operation = operation(&route, &mut generator, &error);
        let path = paths
            .entry(route.path.to_owned())
            .or_insert_with(|| json!({}));
        if route.file {
            path["head"] = head_of(&operation);
        }
        path[route.method.as_str().to_lowercase()] = operation;
    }
    let schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
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
            "schemas": schemas,
        },
    })
}

fn operation(route: &Route, generator: &mut SchemaGenerator, error: &Value) -> Value {
    let mut responses = Map::new();
    let success = match route.answer {
        _ if route.file => {
            for (status, description) in [
                (304, "the file is the one the ETag names"),
                (416, "the range lies outside the file (see Content-Range)"),
            ] {
                responses.insert(status.to_string(), json!({ "description": description }));
            }
            let file = file_answer("a range of the file");
            responses.insert("206".to_owned(), file);
            file_answer("the file")
        }
        Some(schema_of) => {
            let schema = schema_of(generator).to_value();
            json!({ "description": "success", "content": { "application/json": { "schema": schema } } })
        }
        None => json!({ "description": "done" }),
    };
    responses.insert(route.status.to_string(), success);
    let mut by_status: BTreeMap<u16, Vec<&str>> = BTreeMap::new();
    for code in &route.errors {
        by_status.entry(error_status(code)).or_default().push(code);
    }
    for (status, codes) in by_status {
        let mut answer = json!({
            "description": codes.join(", "),
            "content": { "application/json": { "schema": error } },
        });
        if status == 429 {
            answer["headers"] = json!({
                "Retry-After": { "description": "seconds", "schema": { "type": "integer" } },
            });
        }
        responses.insert(status.to_string(), answer);
    }
    for (status, schema_of) in &route.other_answers {
        let schema = schema_of(generator).to_value();
        let answer = json!({ "description": "see the body", "content": { "application/json": { "schema": schema } } });
        responses.insert(status.to_string(), answer);
    }
    let mut operation = json!({ "summary": route.summary, "responses": responses });
    let security = match route.security {
        Security::Public => None,
        Security::Staff(_) => Some(json!([{ "staffBearer": [] }])),
        Security::Platform => Some(json!([{ "platformBearer": [] }])),
        Security::Customer => Some(json!([{ "customerSession": [], "csrfToken": [] }])),
    };
    if let Some(security) = security {
        operation["security"] = security;
    }
    let parameters = parameters(route, generator);
    if !parameters.is_empty() {
        operation["parameters"] = Value::Array(parameters);
    }
    if let Some(schema_of) = route.upload {
        let mut schema = schema_of(generator).to_value();
        schema["type"] = json!("object");
        schema["properties"]["file"] = json!({
            "type": "string",
            "contentMediaType": "application/octet-stream",
            "description": "the file, as the last part",
        });
        let mut required = schema["required"].as_array().cloned().unwrap_or_default();
        required.push(json!("file"));
        schema["required"] = Value::Array(required);
        operation["requestBody"] = json!({
            "required": true,
            "content": { "multipart/form-data": { "schema": schema } },
        });
    }
    if let Some(schema_of) = route.body {
        let schema = schema_of(generator).to_value();
        operation["requestBody"] = json!({
            "required": true,
            "content": { "application/json": { "schema": schema } },
        });
    }
    operation
}

/// A file answer: any bytes, with the headers of `routes::files`.
fn file_answer(description: &str) -> Value {
    let header =
        |description: &str| json!({ "description": description, "schema": { "type": "string" } });
    json!({
        "description": description,
        "headers": {
            "ETag": header("the SHA-256 of the file, quoted"),
            "Content-Disposition": header("attachment (or inline) with filename and filename*"),
            "Content-Range": header("on 206: the range sent"),
            "Accept-Ranges": header("bytes"),
        },
        "content": { "*/*": { "schema": { "type": "string", "contentMediaType": "application/octet-stream" } } },
    })
}

/// The `HEAD` twin of a file route: its headers, never a body.
fn head_of(get: &Value) -> Value {
    let mut head = get.clone();
    head["summary"] = json!(format!(
        "{} (headers only)",
        get["summary"].as_str().unwrap_or("")
    ));
    if let Some(responses) = head["responses"].as_object_mut() {
        for answer in responses.values_mut() {
            if let Some(answer) = answer.as_object_mut() {
                answer.remove("content");
            }
        }
    }
    head
}

/// The route's path parameters (`{id}`s are UUIDs) and its query's fields.
fn parameters(route: &Route, generator: &mut SchemaGenerator) -> Vec<Value> {
    let mut parameters: Vec<Value> = route
        .path
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            let schema = if name == "id" || name.ends_with("_id") {
                json!({ "type": "string", "format": "uuid" })
            } else {
                json!({ "type": "string" })
            };
            json!({ "name": name, "in": "path", "required": true, "schema": schema })
        })
        .collect();
    if route.idempotent {
        parameters.push(json!({
            "name": "Idempotency-Key",
            "in": "header",
            "required": true,
            "description": "The same key with the same body answers the first answer again and books nothing",
            "schema": { "type": "string", "minLength": 1, "maxLength": 255 },
        }));
    }
    if let Some(schema_of) = route.query {
        let schema = schema_of(generator).to_value();
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(properties) = schema["properties"].as_object() {
            for (name, property) in properties {
                let mut property = property.clone();
                // A query parameter is absent or a value, never null.
                without_null(&mut property);
                let description = property
                    .as_object_mut()
                    .and_then(|p| p.remove("description"));
                let mut parameter = json!({
                    "name": name,
                    "in": "query",
                    "required": required.contains(&name.as_str()),
                    "schema": property,
                });
                if let Some(description) = description {
                    parameter["description"] = description;
                }
                parameters.push(parameter);
            }
        }
    }
    parameters
}

/// Removes `null` from a schema's types and enum.
fn without_null(schema: &mut Value) {
    if let Some(types) = schema.get_mut("type").and_then(Value::as_array_mut) {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types[0].clone();
            schema["type"] = only;
        }
    }
    if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) {
        values.retain(|v| !v.is_null());
    }
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
        "VALIDATION_FAILED" | "TOKEN_INVALID" | "IDEMPOTENCY_KEY_REUSED" => 422,
        "RATE_LIMITED" => 429,
        "INTERNAL" => 500,
        "UNAVAILABLE" => 503,
        "DEADLINE_EXCEEDED" => 504,
        _ => 409,
    }
}
