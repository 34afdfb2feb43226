//! The organization's customers: search, view, edit (`customers.view` /
//! `customers.create`), the lock-out actions, and GDPR erase (`customers.delete`).

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::identity::v1 as pb;
use axum::extract::{Path, State};
use axum::routing::{MethodRouter, delete, get, patch, post};
use http::StatusCode;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::GatewayState;
use crate::api::people::{Customer, ProfilePatch};
use crate::api::{Page, Paging};
use crate::extract::{ActsFor, Json, Query, StaffSession, path_id};
use crate::routes::Route;

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let (view, create) = (Permission::CustomersView, Permission::CustomersCreate);
    let mut routes = vec![
        Route::get("/api/admin/customers", "Search the organization's customers (q over email, name, company; status)", get(list))
            .staff(view).query::<CustomerFilter>().answers::<Page<Customer>>(200),
        Route::get("/api/admin/customers/{id}", "One customer of the organization", get(read))
            .staff(view).answers::<Customer>(200),
        Route::delete("/api/admin/customers/{id}", "GDPR erase: anonymise the profile, free the email, end every session and \
             tell every service to drop its copies; the audit keeps entries without personal data", delete(erase))
            .staff(Permission::CustomersDelete).no_content(),
        Route::patch("/api/admin/customers/{id}", "Edit a customer (absent: unchanged, null: cleared); a taken email is 409", patch(update))
            .staff(create).body::<ProfilePatch>().answers::<Customer>(200)
            .errors(&["ALREADY_EXISTS"]),
    ];
    let lock_outs: [(&'static str, &'static str, MethodRouter<GatewayState>); 3] = [
        (
            "/api/admin/customers/{id}/deactivate",
            "Deactivate a customer: every session ends on its next request",
            post(deactivate),
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
    ];
    for (path, summary, handler) in lock_outs {
        let route = Route::post(path, summary, handler)
            .staff(create)
            .answers::<Customer>(200)
            .errors(&["CONFLICT"]);
        routes.push(route);
    }
    routes
}

/// The filters of the customer search.
#[derive(Debug, Default, Deserialize, JsonSchema)]
struct CustomerFilter {
    /// A case-insensitive substring of the email, name or company.
    q: Option<String>,
    #[schemars(extend("enum" = ["no_account", "invited", "active", "deactivated"]))]
    status: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

async fn list(
    State(state): State<GatewayState>,
    session: StaffSession,
    Query(filter): Query<CustomerFilter>,
) -> Result<axum::Json<Page<Customer>>, ApiError> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let request = pb::ListCustomersRequest {
        q: filter.q.unwrap_or_default(),
        status: filter.status.unwrap_or_default(),
        page_size,
        page_token,
    };
    let mut client = state.clients.customers.clone();
    let response = client
        .list_customers(session.request(request))
        .await?
        .into_inner();
    let items = response.items.into_iter().map(Customer::from);
    Ok(axum::Json(Page::of(items, response.next_page_token)))
}

fn customer_request(id: &str) -> Result<pb::CustomerRequest, ApiError> {
    Ok(pb::CustomerRequest {
        customer_id: path_id(id)?.to_string(),
    })
}

async fn erase(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let request = session.request(customer_request(&id)?);
    let mut client = state.clients.customers.clone();
    client.erase_customer(request).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn read(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Customer>, ApiError> {
    let request = session.request(customer_request(&id)?);
    let mut client = state.clients.customers.clone();
    let response = client.get_customer(request).await?.into_inner();
    Ok(axum::Json(response.customer.unwrap_or_default().into()))
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
) -> Result<axum::Json<Customer>, ApiError> {
    let request = session.request(customer_request(&id)?);
    let mut client = state.clients.customers.clone();
    let response = match action {
        LockOut::Deactivate => client.deactivate_customer(request).await?,
        LockOut::Reactivate => client.reactivate_customer(request).await?,
        LockOut::ForceRelogin => client.force_relogin(request).await?,
    };
    Ok(axum::Json(
        response.into_inner().customer.unwrap_or_default().into(),
    ))
}

async fn deactivate(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Customer>, ApiError> {
    lock_out(state, session, id, LockOut::Deactivate).await
}

async fn reactivate(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Customer>, ApiError> {
    lock_out(state, session, id, LockOut::Reactivate).await
}

async fn force_relogin(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<axum::Json<Customer>, ApiError> {
    lock_out(state, session, id, LockOut::ForceRelogin).await
}

async fn update(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
    Json(body): Json<ProfilePatch>,
) -> Result<axum::Json<Customer>, ApiError> {
    let id = path_id(&id)?;
    if !body.status.is_absent() {
        return Err(ApiError::invalid_field(
            "status",
            "changes through deactivate and reactivate",
        ));
    }
    let request = session.request(body.into_request(id.to_string()));
    let mut client = state.clients.customers.clone();
    let response = client.update_customer(request).await?.into_inner();
    Ok(axum::Json(response.customer.unwrap_or_default().into()))
}
