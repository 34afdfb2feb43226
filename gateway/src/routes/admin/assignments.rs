//! Who sees which project (`customers.create`), reconciled from either side in one
//! transaction: one id of another organization refuses the whole list.

use atrium_common::roles::Permission;
use atrium_proto::portal::v1 as pb;
use axum::routing::{get, put};

use crate::api::Id;
use crate::api::projects::{CustomerIds, ProjectIds, Reconciled};
use crate::call;
use crate::extract::PathId;
use crate::extract::{Json, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::put("/api/admin/projects/{id}/customers", "The project's customers become exactly these (one transaction; another \
             organization's id refuses the whole list)", put(set_project_customers))
            .staff(Permission::CustomersCreate).body::<CustomerIds>().answers::<Reconciled>(200),
        Route::put("/api/admin/customers/{id}/projects", "The customer's projects become exactly these (one transaction; another \
             organization's id refuses the whole list)", put(set_customer_projects))
            .staff(Permission::CustomersCreate).body::<ProjectIds>().answers::<Reconciled>(200),
        Route::get("/api/admin/projects/{id}/customers", "Who sees the project now, sorted", get(project_customers))
            .staff(Permission::CustomersView).answers::<CustomerIds>(200),
        Route::get("/api/admin/customers/{id}/projects", "What the customer sees now, sorted", get(customer_projects))
            .staff(Permission::CustomersView).answers::<ProjectIds>(200),
    ]
}

pub(crate) async fn set_project_customers(
    staff: StaffCall,
    id: PathId,
    Json(body): Json<CustomerIds>,
) -> Answer<Reconciled> {
    let request = pb::SetProjectCustomersRequest {
        project_id: id.to_string(),
        customer_ids: body.customer_ids.into_iter().map(|id| id.0).collect(),
    };
    let response = call!(staff, assignments.set_project_customers(request));
    Ok(Json(response.into()))
}

pub(crate) async fn set_customer_projects(
    staff: StaffCall,
    id: PathId,
    Json(body): Json<ProjectIds>,
) -> Answer<Reconciled> {
    let request = pb::SetCustomerProjectsRequest {
        customer_id: id.to_string(),
        project_ids: body.project_ids.into_iter().map(|id| id.0).collect(),
    };
    let response = call!(staff, assignments.set_customer_projects(request));
    Ok(Json(response.into()))
}

pub(crate) async fn project_customers(staff: StaffCall, id: PathId) -> Answer<CustomerIds> {
    let request = pb::ProjectRequest {
        project_id: id.to_string(),
    };
    let response = call!(staff, assignments.list_project_customers(request));
    let customer_ids = response.ids.into_iter().map(Id).collect();
    Ok(Json(CustomerIds { customer_ids }))
}

pub(crate) async fn customer_projects(staff: StaffCall, id: PathId) -> Answer<ProjectIds> {
    let request = pb::CustomerProjectsRequest {
        customer_id: id.to_string(),
    };
    let response = call!(staff, assignments.list_customer_projects(request));
    let project_ids = response.ids.into_iter().map(Id).collect();
    Ok(Json(ProjectIds { project_ids }))
}
