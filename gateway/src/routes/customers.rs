//! Staff managing their organization's customers: invitations (issue 4 adds search,
//! edits and lock-out actions here).

use atrium_common::error::ApiError;
use atrium_common::grpc::rfc3339;
use atrium_common::roles::Permission;
use atrium_proto::identity::v1 as pb;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::customer::{customer_json, customer_schema};
use super::{Route, Security, object, string, timestamp, uuid};
use crate::GatewayState;
use crate::extract::{
    ActsFor, Json, PageQuery, QueryMap, StaffSession, patch_field, patched, path_id,
};

pub fn routes() -> Vec<Route> {
    let mut routes = vec![Route {
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
    }];
    routes.push(Route {
        method: Method::GET,
        path: "/api/admin/customers/invitations",
        summary: "The organization's pending invitations, newest first",
        security: Security::Staff,
        request: None,
        response: (200, super::list_of(invitation_schema())),
        errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "VALIDATION_FAILED"],
        handler: get(list_invitations),
    });
    routes.push(Route {
        method: Method::POST,
        path: "/api/admin/customers/invitations/{id}/resend",
        summary: "Mail a pending invitation again: the old link dies, 7 days start again",
        security: Security::Staff,
        request: None,
        response: (200, invitation_schema()),
        errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND"],
        handler: post(resend_invitation),
    });
    routes.push(Route {
        method: Method::DELETE,
        path: "/api/admin/customers/invitations/{id}",
        summary: "Cancel a pending invitation: its link dies",
        security: Security::Staff,
        request: None,
        response: (204, Value::Null),
        errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND"],
        handler: axum::routing::delete(cancel_invitation),
    });
    routes.push(Route {
        method: Method::GET,
        path: "/api/admin/customers",
        summary: "Search the organization's customers (q over email, name, company; status)",
        security: Security::Staff,
        request: None,
        response: (200, super::list_of(customer_schema())),
        errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "VALIDATION_FAILED"],
        handler: get(list_customers),
    });
    routes.push(Route {
        method: Method::GET,
        path: "/api/admin/customers/{id}",
        summary: "One customer of the organization",
        security: Security::Staff,
        request: None,
        response: (200, customer_schema()),
        errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND"],
        handler: get(get_customer),
    });
    routes.push(Route {
        method: Method::DELETE,
        path: "/api/admin/customers/{id}",
        summary: "GDPR erase: anonymise the profile, free the email, end every session and \
                  tell every service to drop its copies; the audit keeps entries without personal data",
        security: Security::Staff,
        request: None,
        response: (204, Value::Null),
        errors: &["UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND"],
        handler: axum::routing::delete(erase_customer),
    });
    routes.push(Route {
        method: Method::PATCH,
        path: "/api/admin/customers/{id}",
        summary: "Edit a customer (absent: unchanged, null: cleared); a taken email is 409",
        security: Security::Staff,
        request: Some(profile_schema(true)),
        response: (200, customer_schema()),
        errors: &[
            "UNAUTHENTICATED",
            "PERMISSION_DENIED",
            "NOT_FOUND",
            "MALFORMED_JSON",
            "UNSUPPORTED_MEDIA_TYPE",
            "PAYLOAD_TOO_LARGE",
            "VALIDATION_FAILED",
            "ALREADY_EXISTS",
        ],
        handler: axum::routing::patch(update_customer),
    });
    for (path, summary, handler) in [
        (
            "/api/admin/customers/{id}/deactivate",
            "Deactivate a customer: every session ends on its next request",
            post(deactivate) as axum::routing::MethodRouter<GatewayState>,
        ),
        (
            "/api/admin/customers/{id}/reactivate",
            "Reactivate a deactivated customer",
            post(reactivate),
        ),
        (
            "/api/admin/customers/{id}/force-relogin",
            "End every session of a customer and email a reset link",
            post(force_relogin),
        ),
    ] {
        routes.push(Route {
            method: Method::POST,
            path,
            summary,
            security: Security::Staff,
            request: None,
            response: (200, customer_schema()),
            errors: &[
                "UNAUTHENTICATED",
                "PERMISSION_DENIED",
                "NOT_FOUND",
                "CONFLICT",
            ],
            handler,
        });
    }
    routes
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
    session.require(Permission::CustomersCreate)?;
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

async fn list_customers(
    State(state): State<GatewayState>,
    session: StaffSession,
    QueryMap(query): QueryMap,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::CustomersView)?;
    let page = PageQuery::parse(&query)?;
    let request = pb::ListCustomersRequest {
        q: query.get("q").cloned().unwrap_or_default(),
        status: query.get("status").cloned().unwrap_or_default(),
        page_size: page.page_size,
        page_token: page.page_token,
    };
    let response = state
        .clients
        .customers
        .clone()
        .list_customers(session.request(request))
        .await?
        .into_inner();
    let items: Vec<Value> = response.items.iter().map(customer_json).collect();
    Ok(super::list_json(items, response.next_page_token))
}

fn customer_request(id: &str) -> Result<pb::CustomerRequest, ApiError> {
    Ok(pb::CustomerRequest {
        customer_id: path_id(id)?.to_string(),
    })
}

async fn erase_customer(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    session.require(Permission::CustomersDelete)?;
    let request = session.request(customer_request(&id)?);
    state
        .clients
        .customers
        .clone()
        .erase_customer(request)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn get_customer(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::CustomersView)?;
    let request = session.request(customer_request(&id)?);
    let response = state
        .clients
        .customers
        .clone()
        .get_customer(request)
        .await?;
    Ok(axum::Json(customer_json(
        &response.into_inner().customer.unwrap_or_default(),
    )))
}

/// The lock-out actions: one permission, one shape, three RPCs.
#[derive(Clone, Copy)]
enum LockOut {
    Deactivate,
    Reactivate,
    ForceRelogin,
}

async fn lock_out(
    state: GatewayState,
    session: StaffSession,
    id: String,
    action: LockOut,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::CustomersCreate)?;
    let request = session.request(customer_request(&id)?);
    let mut client = state.clients.customers.clone();
    let response = match action {
        LockOut::Deactivate => client.deactivate_customer(request).await?,
        LockOut::Reactivate => client.reactivate_customer(request).await?,
        LockOut::ForceRelogin => client.force_relogin(request).await?,
    };
    Ok(axum::Json(customer_json(
        &response.into_inner().customer.unwrap_or_default(),
    )))
}

async fn deactivate(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    lock_out(state, session, id, LockOut::Deactivate).await
}

async fn reactivate(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    lock_out(state, session, id, LockOut::Reactivate).await
}

async fn force_relogin(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    lock_out(state, session, id, LockOut::ForceRelogin).await
}

async fn list_invitations(
    State(state): State<GatewayState>,
    session: StaffSession,
    QueryMap(query): QueryMap,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::CustomersView)?;
    let page = PageQuery::parse(&query)?;
    let request = pb::ListInvitationsRequest {
        page_size: page.page_size,
        page_token: page.page_token,
    };
    let response = state
        .clients
        .customers
        .clone()
        .list_invitations(session.request(request))
        .await?
        .into_inner();
    let items: Vec<Value> = response.items.iter().map(invitation_json).collect();
    Ok(super::list_json(items, response.next_page_token))
}

fn invitation_request(id: &str) -> Result<pb::InvitationRequest, ApiError> {
    Ok(pb::InvitationRequest {
        invitation_id: path_id(id)?.to_string(),
    })
}

async fn resend_invitation(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::CustomersCreate)?;
    let request = session.request(invitation_request(&id)?);
    let response = state
        .clients
        .customers
        .clone()
        .resend_invitation(request)
        .await?
        .into_inner();
    Ok(axum::Json(invitation_json(
        &response.invitation.unwrap_or_default(),
    )))
}

async fn cancel_invitation(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    session.require(Permission::CustomersCreate)?;
    let request = session.request(invitation_request(&id)?);
    state
        .clients
        .customers
        .clone()
        .cancel_invitation(request)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The JSON schema of a profile PATCH; staff may also change the email.
pub fn profile_schema(with_email: bool) -> Value {
    let nullable = json!({"type": ["string", "null"]});
    let mut fields = vec![
        ("name", nullable.clone()),
        ("company", nullable.clone()),
        ("phone", nullable.clone()),
        ("address", nullable.clone()),
        (
            "locale",
            json!({"type": ["string", "null"], "enum": ["en", "de", null]}),
        ),
    ];
    if with_email {
        fields.insert(0, ("email", string()));
    }
    object(&fields, &[])
}

/// A profile PATCH body.
#[derive(Deserialize)]
pub struct ProfileBody {
    #[serde(default, deserialize_with = "patch_field")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    pub company: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    pub locale: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    pub status: Option<Option<Value>>,
    #[serde(default, deserialize_with = "patch_field")]
    pub account_manager_id: Option<Option<String>>,
}

impl ProfileBody {
    pub fn into_request(self, customer_id: String) -> pb::UpdateCustomerRequest {
        pb::UpdateCustomerRequest {
            customer_id,
            email: patched(self.email),
            name: patched(self.name),
            company: patched(self.company),
            phone: patched(self.phone),
            address: patched(self.address),
            locale: patched(self.locale),
            account_manager_id: patched(self.account_manager_id),
        }
    }
}

async fn update_customer(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
    Json(body): Json<ProfileBody>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::CustomersCreate)?;
    let id = path_id(&id)?;
    if body.status.is_some() {
        return Err(ApiError::invalid_field(
            "status",
            "changes through deactivate and reactivate",
        ));
    }
    let request = session.request(body.into_request(id.to_string()));
    let response = state
        .clients
        .customers
        .clone()
        .update_customer(request)
        .await?;
    Ok(axum::Json(customer_json(
        &response.into_inner().customer.unwrap_or_default(),
    )))
}
