//! A customer's permissions: in force and overridden (`customers.view`), and replacing
//! the overrides (`customers.create`; null or absent: the organization's default).

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::portal::v1 as pb;
use axum::extract::{Path, State};
use axum::routing::{get, put};

use crate::GatewayState;
use crate::api::settings::{CustomerPermissions, Overrides};
use crate::extract::{ActsFor, Json, StaffSession, path_id};
use crate::routes::Route;

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/admin/customers/{id}/permissions", "A customer's permissions in force and their own overrides", get(read))
            .staff(Permission::CustomersView).answers::<CustomerPermissions>(200),
        Route::put("/api/admin/customers/{id}/permissions", "Replace a customer's overrides (null or absent: the organization's default)", put(replace))
            .staff(Permission::CustomersCreate).body::<Overrides>()
            .answers::<CustomerPermissions>(200),
    ]
}

async fn read(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<axum::Json<CustomerPermissions>, ApiError> {
    let request = pb::CustomerPermissionsRequest {
        customer_id: path_id(&id)?.to_string(),
    };
    let mut client = state.clients.permissions.clone();
    let response = client
        .get_customer_permissions(session.request(request))
        .await?;
    Ok(axum::Json(response.into_inner().into()))
}

async fn replace(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
    Json(body): Json<Overrides>,
) -> Result<axum::Json<CustomerPermissions>, ApiError> {
    let request = pb::SetCustomerPermissionsRequest {
        customer_id: path_id(&id)?.to_string(),
        overrides: Some(body.into()),
    };
    let mut client = state.clients.permissions.clone();
    let response = client
        .set_customer_permissions(session.request(request))
        .await?;
    Ok(axum::Json(response.into_inner().into()))
}
