//! Staff managing their organization's customers: invitations (issue 4 adds search,
//! edits and lock-out actions here).

use atrium_common::error::ApiError;
use atrium_common::grpc::rfc3339;
use atrium_proto::identity::v1 as pb;
use axum::extract::State;
use axum::routing::post;
use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::customer::{customer_json, customer_schema};
use super::{Route, Security, object, string, timestamp, uuid};
use crate::GatewayState;
use crate::extract::{ActsFor, Json, StaffSession};

const CUSTOMERS_CREATE: &str = "customers.create";

pub fn routes() -> Vec<Route> {
    vec![Route {
        method: Method::POST,
        path: "/api/admin/customers/invitations",
        summary: "Invite a customer: creates the account (invited) and emails a 7-day link",
        security: Security::Staff,
        request: Some(object(
            &[
                ("email", string()),
                ("name", string()),
                ("company", string()),
                ("phone", string()),
                ("address", string()),
                ("locale", json!({"type": "string", "enum": ["en", "de"]})),
            ],
            &["email"],
        )),
        response: (
            201,
            object(
                &[
                    ("invitation", invitation_schema()),
                    ("customer", customer_schema()),
                ],
                &["invitation", "customer"],
            ),
        ),
        errors: &[
            "UNAUTHENTICATED",
            "PERMISSION_DENIED",
            "MALFORMED_JSON",
            "UNSUPPORTED_MEDIA_TYPE",
            "PAYLOAD_TOO_LARGE",
            "VALIDATION_FAILED",
            "INVITATION_PENDING",
            "ALREADY_EXISTS",
        ],
        handler: post(invite),
    }]
}

fn invitation_schema() -> Value {
    object(
        &[
            ("id", uuid()),
            ("email", string()),
            (
                "status",
                json!({"type": "string", "enum": ["pending", "accepted", "cancelled"]}),
            ),
            ("expires_at", timestamp()),
        ],
        &["id", "email", "status", "expires_at"],
    )
}

fn invitation_json(invitation: &pb::CustomerInvitation) -> Value {
    json!({
        "id": invitation.id,
        "customer_id": invitation.customer_id,
        "email": invitation.email,
        "status": invitation.status,
        "expires_at": invitation.expires_at.as_ref().map(rfc3339),
        "created_at": invitation.created_at.as_ref().map(rfc3339),
    })
}

#[derive(Deserialize)]
struct Invite {
    email: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    company: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    address: Option<String>,
    #[serde(default)]
    locale: Option<String>,
}

async fn invite(
    State(state): State<GatewayState>,
    session: StaffSession,
    Json(body): Json<Invite>,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    session.require(CUSTOMERS_CREATE)?;
    let request = pb::InviteCustomerRequest {
        email: body.email,
        name: body.name.unwrap_or_default(),
        company: body.company.unwrap_or_default(),
        phone: body.phone.unwrap_or_default(),
        address: body.address.unwrap_or_default(),
        locale: body.locale.unwrap_or_default(),
    };
    let response = state
        .clients
        .customers
        .clone()
        .invite_customer(session.request(request))
        .await?
        .into_inner();
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({
            "invitation": invitation_json(&response.invitation.unwrap_or_default()),
            "customer": customer_json(&response.customer.unwrap_or_default()),
        })),
    ))
}
