//! Console customers: the list with search and the invite form, and one customer's page
//! (profile, permissions, projects, account actions, erase).

use askama::Template;
use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use axum::Router;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::{Search, chrome, first};
use crate::GatewayState;
use crate::api::Id;
use crate::api::Paging;
use crate::api::people::{Customer, NewCustomer};
use crate::api::projects::{ProjectIds, StaffProject};
use crate::api::settings::Overrides;
use crate::extract::{Json, PathId};
use crate::pages::said::{Refusal, Said, answer};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{OnPage, PageError, again, body_of, render};
use crate::routes::admin::customers::{self, CustomerFilter, LockOut};
use crate::routes::admin::projects::{self, ProjectFilter};
use crate::routes::admin::{assignments, invitations, permissions};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin/customers", get(list).post(invite))
        .route("/admin/customers/{id}", get(customer_page))
        .route("/admin/customers/{id}/account", post(account_action))
        .route("/admin/customers/{id}/profile", post(save_profile))
        .route("/admin/customers/{id}/permissions", post(save_permissions))
        .route("/admin/customers/{id}/projects", post(save_projects))
        .route("/admin/customers/{id}/erase", post(erase))
}

#[derive(Template)]
#[template(path = "admin/customers.html")]
struct CustomersPage {
    c: crate::pages::Chrome,
    q: String,
    customers: Vec<Customer>,
    email: String,
    name: String,
    company: String,
}

async fn list(page: StaffPage, Query(search): Query<Search>) -> Result<Response, PageError> {
    let w = page.lang.words();
    let notice = match search.done.as_str() {
        "invited" => Some(w.invited),
        "added" => Some(w.link.customer_added),
        "erased" => Some(w.erased),
        _ => None,
    };
    customers_view(page, search.q, Said::notice(notice), None).await
}

/// The list, with what the invite form held when it was refused.
async fn customers_view(
    page: StaffPage,
    q: String,
    said: Said,
    typed: Option<&PageForm>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let filter = CustomerFilter {
        q: Some(q.clone()).filter(|q| !q.is_empty()),
        status: None,
        paging: Paging::default(),
    };
    let list = customers::list(again(&page.call), crate::extract::Query(filter))
        .await
        .on_page(lang)?
        .0;
    let mut c = chrome(&page, lang.words().customers, "/admin/customers");
    c.said = said;
    let typed = |name: &str| typed.map(|form| form.text(name)).unwrap_or_default();
    let view = CustomersPage {
        q,
        customers: list.items,
        email: typed("email"),
        name: typed("name"),
        company: typed("company"),
        c,
    };
    Ok(render(view.c.said.status(), &view))
}

async fn invite(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let lang = page.lang;
    let body = NewCustomer {
        email: form.text("email"),
        name: form.optional("name"),
        company: form.optional("company"),
        phone: form.optional("phone"),
        address: None,
        locale: form.optional("locale"),
    };
    if form.text("mode") == "no_account" {
        let done = invitations::create_customer(again(&page.call), Json(body)).await;
        return answer(lang, done, "/admin/customers?done=added", |said| {
            customers_view(page, String::new(), said, Some(&form))
        })
        .await;
    }
    let done = invitations::invite(again(&page.call), Json(body)).await;
    answer(lang, done, "/admin/customers?done=invited", |said| {
        customers_view(page, String::new(), said, Some(&form))
    })
    .await
}

/// One customer's `can_*` permission as the form shows it: in force, and its override.
struct PermissionRow {
    name: &'static str,
    label: &'static str,
    effective: bool,
    choice: &'static str,
}

#[derive(Template)]
#[template(path = "admin/customer.html")]
struct CustomerPage {
    c: crate::pages::Chrome,
    customer: Customer,
    projects: Vec<StaffProject>,
    assigned: Vec<Id>,
    permissions: Vec<PermissionRow>,
    can_manage: bool,
}

async fn customer_page(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let said = Said::notice(search.notice(lang.words().done));
    customer_view(page, id, said).await
}

async fn customer_view(page: StaffPage, id: uuid::Uuid, said: Said) -> Result<Response, PageError> {
    let lang = page.lang;
    let w = lang.words();
    let filter = ProjectFilter {
        q: None,
        status: None,
        kind: None,
        paging: first("200"),
    };
    let (customer, assigned, projects, permissions) = tokio::join!(
        customers::read(again(&page.call), PathId(id)),
        assignments::customer_projects(again(&page.call), PathId(id)),
        projects::list(again(&page.call), crate::extract::Query(filter)),
        permissions::read(again(&page.call), PathId(id)),
    );
    let customer = customer.on_page(lang)?.0;
    let assigned = assigned.on_page(lang)?.0.project_ids;
    let projects = projects.map(|p| p.0.items).unwrap_or_default();
    let permissions = permissions.on_page(lang)?.0;
    let (e, o) = (&permissions.effective, &permissions.overrides);
    let row = |name, label, effective, choice: Option<bool>| PermissionRow {
        name,
        label,
        effective,
        choice: match choice {
            None => "",
            Some(true) => "yes",
            Some(false) => "no",
        },
    };
    let permissions = vec![
        row(
            "can_view_invoices",
            w.can_view_invoices,
            e.can_view_invoices,
            o.can_view_invoices,
        ),
        row(
            "can_approve_work",
            w.can_approve_work,
            e.can_approve_work,
            o.can_approve_work,
        ),
        row(
            "can_add_comments",
            w.can_add_comments,
            e.can_add_comments,
            o.can_add_comments,
        ),
        row(
            "can_submit_requests",
            w.can_submit_requests,
            e.can_submit_requests,
            o.can_submit_requests,
        ),
    ];
    let mut c = chrome(
        &page,
        &customer.email.clone(),
        &format!("/admin/customers/{id}"),
    );
    c.said = said;
    let view = CustomerPage {
        c,
        customer,
        projects,
        assigned,
        permissions,
        can_manage: page.call.role.allows(Permission::CustomersCreate),
    };
    Ok(render(view.c.said.status(), &view))
}

/// A form's answer to a staff action on a customer: back to the customer with a notice,
/// or the customer again saying why not.
async fn after<T>(
    page: StaffPage,
    id: uuid::Uuid,
    done: Result<T, ApiError>,
) -> Result<Response, PageError> {
    let to = format!("/admin/customers/{id}?done=saved");
    answer(page.lang, done, &to, |said| customer_view(page, id, said)).await
}

async fn save_profile(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let body = form.fields(&["email", "name"], &["company", "phone", "address"]);
    let done = match body_of(body) {
        Ok(body) => customers::update(again(&page.call), PathId(id), Json(body)).await,
        Err(err) => Err(err),
    };
    after(page, id, done).await
}

async fn save_permissions(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let choice = |name: &str| match form.text(name).as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let body = Overrides {
        can_view_invoices: choice("can_view_invoices"),
        can_approve_work: choice("can_approve_work"),
        can_add_comments: choice("can_add_comments"),
        can_submit_requests: choice("can_submit_requests"),
    };
    let done = permissions::replace(again(&page.call), PathId(id), Json(body)).await;
    after(page, id, done).await
}

/// "Manage galleries": the ticked projects become the customer's, in one save.
async fn save_projects(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let body = ProjectIds {
        project_ids: form.all("project_ids").into_iter().map(Id).collect(),
    };
    let done = assignments::set_customer_projects(again(&page.call), PathId(id), Json(body)).await;
    after(page, id, done).await
}

/// GDPR erase, only with the customer's email typed to confirm.
async fn erase(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let customer = customers::read(again(&page.call), PathId(id))
        .await
        .on_page(lang)?
        .0;
    if !form
        .text("confirm_email")
        .eq_ignore_ascii_case(&customer.email)
    {
        let refusal = Refusal::about("confirm_email", lang.words().erase_mismatch);
        return customer_view(page, id, Said::refused(refusal)).await;
    }
    customers::erase(again(&page.call), PathId(id))
        .await
        .on_page(lang)?;
    Ok(Redirect::to("/admin/customers?done=erased").into_response())
}

async fn account_action(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    if form.text("action") == "invite" {
        let invited = invitations::invite_existing(again(&page.call), PathId(id)).await;
        invited.on_page(lang)?;
        return Ok(Redirect::to(&format!("/admin/customers/{id}?done=invited")).into_response());
    }
    let action = match form.text("action").as_str() {
        "deactivate" => LockOut::Deactivate,
        "reactivate" => LockOut::Reactivate,
        "force_relogin" => LockOut::ForceRelogin,
        _ => {
            let err = ApiError::invalid_field("action", "is not an account action");
            return Err(PageError::api(err, lang));
        }
    };
    if matches!(action, LockOut::Deactivate) && form.text("confirm") != "yes" {
        let refusal = Refusal::about("confirm", lang.words().error("VALIDATION_FAILED"));
        return customer_view(page, id, Said::refused(refusal)).await;
    }
    customers::lock_out(again(&page.call), PathId(id), action)
        .await
        .on_page(lang)?;
    Ok(Redirect::to(&format!("/admin/customers/{id}?done=account")).into_response())
}
