//! A customer's permissions: in force and overridden (`customers.view`), and replacing
//! the overrides (`customers.create`; null or absent: the organization's default).

use atrium_common::roles::Permission;
use atrium_proto::portal::v1 as pb;
use axum::routing::{get, put};

use crate::api::settings::{CustomerPermissions, Overrides};
use crate::call;
use crate::extract::PathId;
use crate::extract::{Json, StaffCall};
use crate::routes::{Answer, Route};

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

pub(crate) async fn read(staff: StaffCall, id: PathId) -> Answer<CustomerPermissions> {
    let request = pb::CustomerPermissionsRequest {
        customer_id: id.to_string(),
    };
    let response = call!(staff, permissions.get_customer_permissions(request));
    Ok(Json(response.into()))
}

pub(crate) async fn replace(
    staff: StaffCall,
    id: PathId,
    Json(body): Json<Overrides>,
) -> Answer<CustomerPermissions> {
    let request = pb::SetCustomerPermissionsRequest {
        customer_id: id.to_string(),
        overrides: Some(body.into()),
    };
    let response = call!(staff, permissions.set_customer_permissions(request));
    Ok(Json(response.into()))
}
