//! The organization's customers: search, view, edit (`customers.view` /
//! `customers.create`), the lock-out actions, and GDPR erase (`customers.delete`).

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::identity::v1 as pb;
use axum::routing::{delete, get, patch, post};
use http::StatusCode;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::api::people::{Customer, ProfilePatch};
use crate::api::{Page, Paging};
use crate::call;
use crate::extract::{Json, PathId, Query, StaffCall};
use crate::routes::{Answer, Route};

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
    let lock_outs: [(&'static str, &'static str, LockOut); 3] = [
        ("/api/admin/customers/{id}/deactivate", "Deactivate a customer: every session ends on its next request", LockOut::Deactivate),
        ("/api/admin/customers/{id}/reactivate", "Reactivate a deactivated customer", LockOut::Reactivate),
        ("/api/admin/customers/{id}/force-relogin", "End every session of a customer and email a reset link", LockOut::ForceRelogin),
    ];
    for (path, summary, action) in lock_outs {
        let handler = post(move |staff: StaffCall, id: PathId| lock_out(staff, id, action));
        routes.push(Route::post(path, summary, handler).staff(create).answers::<Customer>(200).errors(&["CONFLICT"]));
    }
    routes
}

/// The filters of the customer search.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub(crate) struct CustomerFilter {
    /// A case-insensitive substring of the email, name or company.
    pub q: Option<String>,
    #[schemars(extend("enum" = ["no_account", "invited", "active", "deactivated"]))]
    pub status: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}

pub(crate) async fn list(
    staff: StaffCall,
    Query(filter): Query<CustomerFilter>,
) -> Answer<Page<Customer>> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let request = pb::ListCustomersRequest {
        q: filter.q.unwrap_or_default(),
        status: filter.status.unwrap_or_default(),
        page_size,
        page_token,
    };
    let response = call!(staff, customers.list_customers(request));
    let items = response.items.into_iter().map(Customer::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

fn customer_request(PathId(id): PathId) -> pb::CustomerRequest {
    pb::CustomerRequest {
        customer_id: id.to_string(),
    }
}

pub(crate) async fn erase(staff: StaffCall, id: PathId) -> Result<StatusCode, ApiError> {
    call!(staff, customers.erase_customer(customer_request(id)));
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn read(staff: StaffCall, id: PathId) -> Answer<Customer> {
    let response = call!(staff, customers.get_customer(customer_request(id)));
    Ok(Json(response.customer.unwrap_or_default().into()))
}

/// The lock-out actions: one permission, one shape, three RPCs.
#[derive(Clone, Copy)]
pub(crate) enum LockOut {
    Deactivate,
    Reactivate,
    ForceRelogin,
}

pub(crate) async fn lock_out(staff: StaffCall, id: PathId, action: LockOut) -> Answer<Customer> {
    let request = customer_request(id);
    let response = match action {
        LockOut::Deactivate => call!(staff, customers.deactivate_customer(request)),
        LockOut::Reactivate => call!(staff, customers.reactivate_customer(request)),
        LockOut::ForceRelogin => call!(staff, customers.force_relogin(request)),
    };
    Ok(Json(response.customer.unwrap_or_default().into()))
}

pub(crate) async fn update(
    staff: StaffCall,
    id: PathId,
    Json(body): Json<ProfilePatch>,
) -> Answer<Customer> {
    if !body.status.is_absent() {
        return Err(ApiError::invalid_field(
            "status",
            "changes through deactivate and reactivate",
        ));
    }
    let response = call!(
        staff,
        customers.update_customer(body.into_request(id.to_string()))
    );
    Ok(Json(response.customer.unwrap_or_default().into()))
}
