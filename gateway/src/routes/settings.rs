//! Organization settings for staff with `settings.manage`: the email templates (list, read,
//! override, restore the default) and the email outbox (list, retry a failed message).
//! The outbox listing never carries bodies, variables or links.

use atrium_common::roles::Permission;
use std::collections::HashMap;

use atrium_common::error::ApiError;
use atrium_common::grpc::rfc3339;
use atrium_proto::notifier::v1 as pb;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Route, Security, list_of, object, string, timestamp, uuid};
use crate::GatewayState;
use crate::extract::{ActsFor, Json, PageQuery, QueryMap, StaffSession, path_id};

const TEMPLATE_PATH: &str = "/api/admin/settings/email-templates/{key}/{locale}";

pub fn routes() -> Vec<Route> {
    let staff_errors: &'static [&'static str] = &["UNAUTHENTICATED", "PERMISSION_DENIED"];
    vec![
        Route {
            method: Method::GET,
            path: "/api/admin/settings/email-templates",
            summary: "Every email template in every locale, as the organization has it now",
            security: Security::Staff,
            request: None,
            response: (200, list_of(template_schema())),
            errors: staff_errors,
            handler: get(list_templates),
        },
        Route {
            method: Method::GET,
            path: TEMPLATE_PATH,
            summary: "One email template (the organization's override, else the default)",
            security: Security::Staff,
            request: None,
            response: (200, template_schema()),
            errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND"],
            handler: get(get_template),
        },
        Route {
            method: Method::PUT,
            path: TEMPLATE_PATH,
            summary: "Override an email template; one that does not render is refused",
            security: Security::Staff,
            request: Some(object(
                &[
                    ("subject", string()),
                    ("text", string()),
                    ("html", string()),
                ],
                &["subject", "text", "html"],
            )),
            response: (200, template_schema()),
            errors: &[
                "UNAUTHENTICATED",
                "PERMISSION_DENIED",
                "NOT_FOUND",
                "MALFORMED_JSON",
                "UNSUPPORTED_MEDIA_TYPE",
                "PAYLOAD_TOO_LARGE",
                "VALIDATION_FAILED",
            ],
            handler: axum::routing::put(put_template),
        },
        Route {
            method: Method::DELETE,
            path: TEMPLATE_PATH,
            summary: "Restore the default email template",
            security: Security::Staff,
            request: None,
            response: (204, Value::Null),
            errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND"],
            handler: axum::routing::delete(delete_template),
        },
        Route {
            method: Method::GET,
            path: "/api/admin/outbox",
            summary: "The organization's emails with status and attempts (never bodies or links)",
            security: Security::Staff,
            request: None,
            response: (200, list_of(outbox_schema())),
            errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "VALIDATION_FAILED"],
            handler: get(list_outbox),
        },
        Route {
            method: Method::POST,
            path: "/api/admin/outbox/{id}/retry",
            summary: "Queue a failed email again",
            security: Security::Staff,
            request: None,
            response: (200, outbox_schema()),
            errors: &[
                "UNAUTHENTICATED",
                "PERMISSION_DENIED",
                "NOT_FOUND",
                "CONFLICT",
            ],
            handler: post(retry_email),
        },
    ]
}

fn template_schema() -> Value {
    object(
        &[
            ("key", string()),
            ("locale", string()),
            ("subject", string()),
            ("text", string()),
            ("html", string()),
            ("overridden", json!({"type": "boolean"})),
            (
                "variables",
                json!({"type": "array", "items": {"type": "string"}}),
            ),
            (
                "updated_at",
                json!({"type": ["string", "null"], "format": "date-time"}),
            ),
        ],
        &[
            "key",
            "locale",
            "subject",
            "text",
            "html",
            "overridden",
            "variables",
            "updated_at",
        ],
    )
}

fn outbox_schema() -> Value {
    let nullable_time = json!({"type": ["string", "null"], "format": "date-time"});
    object(
        &[
            ("id", uuid()),
            ("template", string()),
            ("locale", string()),
            ("recipient", string()),
            (
                "status",
                json!({"type": "string", "enum": ["queued", "held", "sent", "failed"]}),
            ),
            ("attempts", json!({"type": "integer"})),
            ("last_error", json!({"type": ["string", "null"]})),
            ("created_at", timestamp()),
            ("updated_at", timestamp()),
            ("sent_at", nullable_time.clone()),
            ("next_attempt_at", nullable_time),
        ],
        &[
            "id",
            "template",
            "recipient",
            "status",
            "attempts",
            "created_at",
        ],
    )
}

fn template_json(template: pb::EmailTemplate) -> Value {
    json!({
        "key": template.key,
        "locale": template.locale,
        "subject": template.subject,
        "text": template.text,
        "html": template.html,
        "overridden": template.overridden,
        "variables": template.variables,
        "updated_at": template.updated_at.as_ref().map(rfc3339),
    })
}

fn outbox_json(entry: pb::OutboxEntry) -> Value {
    let waiting = matches!(entry.status.as_str(), "queued");
    json!({
        "id": entry.id,
        "template": entry.template_key,
        "locale": entry.locale,
        "recipient": entry.recipient_email,
        "status": entry.status,
        "attempts": entry.attempts,
        "last_error": Some(entry.last_error).filter(|e| !e.is_empty()),
        "created_at": entry.created_at.as_ref().map(rfc3339),
        "updated_at": entry.updated_at.as_ref().map(rfc3339),
        "sent_at": entry.sent_at.as_ref().map(rfc3339),
        "next_attempt_at": entry.next_attempt_at.as_ref().filter(|_| waiting).map(rfc3339),
    })
}

async fn list_templates(
    State(state): State<GatewayState>,
    session: StaffSession,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::SettingsManage)?;
    let response = state
        .clients
        .templates
        .clone()
        .list_templates(session.request(pb::ListTemplatesRequest {}))
        .await?
        .into_inner();
    let items: Vec<Value> = response.items.into_iter().map(template_json).collect();
    Ok(axum::Json(
        json!({ "items": items, "next_page_token": null }),
    ))
}

async fn get_template(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path((key, locale)): Path<(String, String)>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::SettingsManage)?;
    let response = state
        .clients
        .templates
        .clone()
        .get_template(session.request(pb::GetTemplateRequest { key, locale }))
        .await?
        .into_inner();
    Ok(axum::Json(template_json(
        response.template.unwrap_or_default(),
    )))
}

#[derive(Deserialize)]
struct TemplateBody {
    subject: String,
    text: String,
    html: String,
}

async fn put_template(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path((key, locale)): Path<(String, String)>,
    Json(body): Json<TemplateBody>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::SettingsManage)?;
    let request = pb::PutTemplateRequest {
        key,
        locale,
        subject: body.subject,
        text: body.text,
        html: body.html,
    };
    let response = state
        .clients
        .templates
        .clone()
        .put_template(session.request(request))
        .await?
        .into_inner();
    Ok(axum::Json(template_json(
        response.template.unwrap_or_default(),
    )))
}

async fn delete_template(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path((key, locale)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    session.require(Permission::SettingsManage)?;
    state
        .clients
        .templates
        .clone()
        .delete_template(session.request(pb::DeleteTemplateRequest { key, locale }))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_outbox(
    State(state): State<GatewayState>,
    session: StaffSession,
    QueryMap(query): QueryMap,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::SettingsManage)?;
    let page = PageQuery::parse(&query)?;
    let request = pb::ListOutboxRequest {
        page_size: page.page_size,
        page_token: page.page_token,
        status: status_filter(&query),
    };
    let response = state
        .clients
        .email
        .clone()
        .list_outbox(session.request(request))
        .await?
        .into_inner();
    let items: Vec<Value> = response.items.into_iter().map(outbox_json).collect();
    Ok(super::list_json(items, response.next_page_token))
}

fn status_filter(query: &HashMap<String, String>) -> String {
    query.get("status").cloned().unwrap_or_default()
}

async fn retry_email(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::SettingsManage)?;
    let email_id = path_id(&id)?;
    let request = pb::RetryEmailRequest {
        email_id: email_id.to_string(),
    };
    let response = state
        .clients
        .email
        .clone()
        .retry_email(session.request(request))
        .await?
        .into_inner();
    Ok(axum::Json(outbox_json(response.entry.unwrap_or_default())))
}
