//! The staff console under `/admin`: sign-in with the console's own cookie, home,
//! customers (search, invite, detail with account actions and projects), projects (list
//! with filters, detail with the customer picker). Each handler calls the JSON route's
//! handler with the same staff session; the services check every permission again.

use askama::Template;
use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::{HeaderMap, StatusCode};
use serde::Deserialize;

use super::i18n::Lang;
use super::recovery::{self, SetPasswordPage};
use super::session::{PageForm, StaffPage, staff_cookie_value};
use super::{Chrome, Nav, OnPage, PageError, again, render};
use crate::GatewayState;
use crate::api::people::{Customer, NewCustomer};
use crate::api::projects::{CustomerIds, StaffProject};
use crate::api::{Id, Login, Paging};
use crate::extract::{ClientAddr, Json, PathId, PathIds};
use crate::routes::admin::customers::{self, CustomerFilter, LockOut};
use crate::routes::admin::projects::{self, ProjectFilter};
use crate::routes::admin::{
    account, assignments, audit, invitations, outbox, permissions, phases, settings, staff,
    templates,
};
use crate::routes::notifications;
use crate::routes::recovery::StaffRecovery;

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin", get(home))
        .route("/admin/login", get(login_form).post(login))
        .route("/admin/logout", post(logout))
        .route(
            "/admin/forgot-password",
            get(recovery::forgot_form::<StaffRecovery>).post(recovery::forgot::<StaffRecovery>),
        )
        .route(
            "/admin/reset-password",
            get(recovery::reset_form::<StaffRecovery>).post(recovery::reset::<StaffRecovery>),
        )
        .route(
            "/admin/accept-invitation",
            get(invitation_form).post(accept),
        )
        .route("/admin/session", get(session_check))
        .route("/admin/customers", get(customer_list).post(invite))
        .route("/admin/customers/invitations", get(invitation_list))
        .route(
            "/admin/customers/invitations/{id}/resend",
            post(resend_invitation),
        )
        .route(
            "/admin/customers/invitations/{id}/cancel",
            post(cancel_invitation),
        )
        .route("/admin/customers/{id}", get(customer_page))
        .route("/admin/customers/{id}/account", post(account_action))
        .route("/admin/customers/{id}/profile", post(save_profile))
        .route("/admin/customers/{id}/permissions", post(save_permissions))
        .route("/admin/customers/{id}/projects", post(save_projects))
        .route("/admin/customers/{id}/erase", post(erase))
        .route("/admin/profile", get(profile).post(save_own_profile))
        .route("/admin/profile/password", post(change_own_password))
        .route("/admin/settings", get(settings_page).post(save_settings))
        .route("/admin/settings/templates", get(template_list))
        .route(
            "/admin/settings/templates/{key}/{locale}",
            get(template_page).post(template_action),
        )
        .route("/admin/outbox", get(outbox_list))
        .route("/admin/outbox/{id}/retry", post(retry_mail))
        .route("/admin/audit", get(audit_list))
        .route("/admin/notifications", get(notification_list))
        .route("/admin/notifications/read-all", post(read_all))
        .route("/admin/notifications/{id}/read", post(read_one))
        .route("/admin/staff", get(staff_list).post(invite_staff))
        .route("/admin/staff/{id}/role", post(change_role))
        .route("/admin/staff/{id}/remove", post(remove_staff))
        .route("/admin/projects", get(project_list).post(create_project))
        .route("/admin/projects/{id}", get(project_page))
        .route("/admin/projects/{id}/edit", post(edit_project))
        .route("/admin/projects/{id}/phases", post(add_phase))
        .route("/admin/projects/{id}/team", post(save_team))
        .route("/admin/projects/{id}/delete", post(delete_project))
        .route("/admin/projects/{id}/phases/{phase_id}", post(save_phase))
        .route(
            "/admin/projects/{id}/phases/{phase_id}/delete",
            post(delete_phase),
        )
        .route("/admin/projects/{id}/customers", post(save_customers))
}

/// The console's frame: navigation to what the member's role allows.
fn chrome(page: &StaffPage, title: &str, here: &str) -> Chrome {
    let w = page.lang.words();
    let mut c = Chrome::public(page.lang, title, here);
    c.home = "/admin";
    c.brand_name = Some("Atrium".to_owned());
    c.csrf = page.csrf.clone();
    c.sign_out = Some("/admin/logout");
    c.session_check = Some("/admin/session");
    let role = page.call.role;
    let links = [
        ("/admin", w.home, None),
        (
            "/admin/customers",
            w.customers,
            Some(Permission::CustomersView),
        ),
        (
            "/admin/projects",
            w.projects,
            Some(Permission::ProjectsView),
        ),
    ];
    c.nav = links
        .into_iter()
        .filter(|(_, _, needs)| needs.is_none_or(|p| role.allows(p)))
        .map(|(href, label, _)| Nav {
            current: here == href || (href != "/admin" && here.starts_with(href)),
            href: href.to_owned(),
            label,
        })
        .collect();
    c
}

#[derive(Template)]
#[template(path = "customer/login.html")]
struct LoginPage {
    c: Chrome,
    action: &'static str,
    forgot: String,
    org: String,
    email: String,
    error: Option<&'static str>,
}

async fn login_form(headers: HeaderMap) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let c = Chrome::public(lang, lang.words().staff_sign_in_title, "/admin/login");
    let page = LoginPage {
        c,
        action: "/admin/login",
        forgot: "/admin/forgot-password".to_owned(),
        org: String::new(),
        email: String::new(),
        error: None,
    };
    render(StatusCode::OK, &page)
}

async fn login(
    State(state): State<GatewayState>,
    addr: ClientAddr,
    headers: HeaderMap,
    form: PageForm,
) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let body = Login {
        org: form.text("org"),
        email: form.text("email"),
        password: form.secret("password"),
    };
    let email = body.email.clone();
    match account::login(State(state.clone()), addr, headers, Json(body)).await {
        Ok(axum::Json(token)) => {
            let mut response = Redirect::to("/admin").into_response();
            if let Some(value) = staff_cookie_value(&state, &token.access_token) {
                response
                    .headers_mut()
                    .insert(http::header::SET_COOKIE, value);
            }
            response
        }
        Err(err) => {
            let c = Chrome::public(lang, lang.words().staff_sign_in_title, "/admin/login");
            let page = LoginPage {
                c,
                action: "/admin/login",
                forgot: "/admin/forgot-password".to_owned(),
                org: String::new(),
                email,
                error: Some(lang.words().error(&err.code)),
            };
            render(err.status, &page)
        }
    }
}

async fn logout(page: StaffPage, _form: PageForm) -> Result<Response, PageError> {
    let state = page.call.state.clone();
    account::logout(page.call).await.on_page(page.lang)?;
    let mut response = Redirect::to("/admin/login").into_response();
    if let Some(value) = staff_cookie_value(&state, "") {
        response
            .headers_mut()
            .insert(http::header::SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Deserialize, Default)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

async fn invitation_form(headers: HeaderMap, Query(q): Query<TokenQuery>) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let w = lang.words();
    let c = Chrome::public(lang, w.accept_title, "/admin/accept-invitation");
    render(
        StatusCode::OK,
        &SetPasswordPage::new(c, w.accept_title, "/admin/accept-invitation", q.token),
    )
}

/// A staff invitation accepted: the member lands signed in to the console.
async fn accept(
    State(state): State<GatewayState>,
    addr: ClientAddr,
    headers: HeaderMap,
    form: PageForm,
) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let w = lang.words();
    let token = form.text("token");
    let password = form.secret("new_password");
    let c = Chrome::public(lang, w.accept_title, "/admin/accept-invitation");
    let mut page =
        SetPasswordPage::new(c, w.accept_title, "/admin/accept-invitation", token.clone());
    if password != form.secret("confirm_password") {
        page.error = Some(w.passwords_differ);
        page.confirm_error = true;
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let body = crate::api::TokenAndPassword { token, password };
    match account::accept_invitation(State(state.clone()), addr, headers, Json(body)).await {
        Ok(axum::Json(token)) => {
            let mut response = Redirect::to("/admin").into_response();
            if let Some(value) = staff_cookie_value(&state, &token.access_token) {
                response
                    .headers_mut()
                    .insert(http::header::SET_COOKIE, value);
            }
            response
        }
        Err(err) => {
            page.usable = err.code != "TOKEN_INVALID";
            page.error = Some(w.error(&err.code));
            render(err.status, &page)
        }
    }
}

/// What a console page polls: 204 while the session lives, else 401.
async fn session_check(page: Result<StaffPage, PageError>) -> StatusCode {
    if page.is_ok() {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::UNAUTHORIZED
    }
}

#[derive(Template)]
#[template(path = "admin/home.html")]
struct HomePage {
    c: Chrome,
    customers: Option<usize>,
    projects: Option<usize>,
    /// The newest audit entries, for members who may read the trail.
    recent: Vec<audit::AuditEntry>,
}

async fn home(page: StaffPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let role = page.call.role;
    let first = || Paging {
        page_size: Some("200".to_owned()),
        page_token: None,
    };
    let customers = async {
        if !role.allows(Permission::CustomersView) {
            return Ok(None);
        }
        let filter = CustomerFilter {
            q: None,
            status: None,
            paging: first(),
        };
        customers::list(again(&page.call), crate::extract::Query(filter))
            .await
            .map(|p| Some(p.0.items.len()))
    };
    let projects = async {
        if !role.allows(Permission::ProjectsView) {
            return Ok(None);
        }
        let filter = ProjectFilter {
            q: None,
            status: None,
            kind: None,
            paging: first(),
        };
        projects::list(again(&page.call), crate::extract::Query(filter))
            .await
            .map(|p| Some(p.0.items.len()))
    };
    let recent = async {
        if !role.allows(Permission::AuditView) {
            return Ok(Vec::new());
        }
        let filter = audit::AuditFilter {
            actor_id: None,
            action: None,
            from: None,
            to: None,
            paging: Paging {
                page_size: Some("10".to_owned()),
                page_token: None,
            },
        };
        audit::list(again(&page.call), crate::extract::Query(filter))
            .await
            .map(|p| p.0.items)
    };
    let (customers, projects, recent): (
        Result<_, ApiError>,
        Result<_, ApiError>,
        Result<_, ApiError>,
    ) = tokio::join!(customers, projects, recent);
    let c = chrome(&page, lang.words().home, "/admin");
    Ok(render(
        StatusCode::OK,
        &HomePage {
            c,
            customers: customers.on_page(lang)?,
            projects: projects.on_page(lang)?,
            recent: recent.on_page(lang)?,
        },
    ))
}

#[derive(Template)]
#[template(path = "admin/customers.html")]
struct CustomersPage {
    c: Chrome,
    q: String,
    customers: Vec<Customer>,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    email: String,
    name: String,
    company: String,
}

#[derive(Deserialize, Default)]
struct Search {
    #[serde(default)]
    q: String,
    #[serde(default)]
    done: String,
}

async fn customer_list(
    page: StaffPage,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    let w = page.lang.words();
    let notice = match search.done.as_str() {
        "invited" => Some(w.invited),
        "erased" => Some(w.erased),
        _ => None,
    };
    customers_page(page, search.q, notice, None, ["", "", ""], StatusCode::OK).await
}

async fn customers_page(
    page: StaffPage,
    q: String,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    typed: [&str; 3],
    status: StatusCode,
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
    let c = chrome(&page, lang.words().customers, "/admin/customers");
    let [email, name, company] = typed.map(str::to_owned);
    Ok(render(
        status,
        &CustomersPage {
            c,
            q,
            customers: list.items,
            notice,
            error,
            email,
            name,
            company,
        },
    ))
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
    match invitations::invite(again(&page.call), Json(body)).await {
        Ok(_) => Ok(Redirect::to("/admin/customers?done=invited").into_response()),
        Err(err) if err.status.is_client_error() => {
            let typed = [form.text("email"), form.text("name"), form.text("company")];
            let message = lang.words().error(&err.code);
            let typed = [typed[0].as_str(), typed[1].as_str(), typed[2].as_str()];
            customers_page(page, String::new(), None, Some(message), typed, err.status).await
        }
        Err(err) => Err(PageError::api(err, lang)),
    }
}

#[derive(Template)]
#[template(path = "admin/invitations.html")]
struct InvitationsPage {
    c: Chrome,
    invitations: Vec<crate::api::people::Invitation>,
    notice: Option<&'static str>,
}

async fn invitation_list(
    page: StaffPage,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let list = invitations::list(
        again(&page.call),
        crate::extract::Query(crate::api::PageQuery::default()),
    )
    .await
    .on_page(lang)?
    .0;
    let c = chrome(
        &page,
        lang.words().pending_invitations,
        "/admin/customers/invitations",
    );
    let notice = (!search.done.is_empty()).then_some(lang.words().done);
    Ok(render(
        StatusCode::OK,
        &InvitationsPage {
            c,
            invitations: list.items,
            notice,
        },
    ))
}

async fn resend_invitation(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    invitations::resend(again(&page.call), id)
        .await
        .on_page(page.lang)?;
    Ok(Redirect::to("/admin/customers/invitations?done=resent").into_response())
}

async fn cancel_invitation(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    invitations::cancel(again(&page.call), id)
        .await
        .on_page(page.lang)?;
    Ok(Redirect::to("/admin/customers/invitations?done=cancelled").into_response())
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
    c: Chrome,
    customer: Customer,
    projects: Vec<StaffProject>,
    assigned: Vec<Id>,
    permissions: Vec<PermissionRow>,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    can_manage: bool,
}

async fn customer_page(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let notice = (!search.done.is_empty()).then_some(lang.words().done);
    customer_view(page, id, notice, None, StatusCode::OK).await
}

async fn customer_view(
    page: StaffPage,
    id: uuid::Uuid,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let w = lang.words();
    let filter = ProjectFilter {
        q: None,
        status: None,
        kind: None,
        paging: Paging {
            page_size: Some("200".to_owned()),
            page_token: None,
        },
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
    let choice = |o: Option<bool>| match o {
        None => "",
        Some(true) => "yes",
        Some(false) => "no",
    };
    let permissions = vec![
        PermissionRow {
            name: "can_view_invoices",
            label: w.can_view_invoices,
            effective: e.can_view_invoices,
            choice: choice(o.can_view_invoices),
        },
        PermissionRow {
            name: "can_approve_work",
            label: w.can_approve_work,
            effective: e.can_approve_work,
            choice: choice(o.can_approve_work),
        },
        PermissionRow {
            name: "can_add_comments",
            label: w.can_add_comments,
            effective: e.can_add_comments,
            choice: choice(o.can_add_comments),
        },
        PermissionRow {
            name: "can_submit_requests",
            label: w.can_submit_requests,
            effective: e.can_submit_requests,
            choice: choice(o.can_submit_requests),
        },
    ];
    let here = format!("/admin/customers/{id}");
    let c = chrome(&page, &customer.email.clone(), &here);
    let can_manage = page.call.role.allows(Permission::CustomersCreate);
    Ok(render(
        status,
        &CustomerPage {
            c,
            customer,
            projects,
            assigned,
            permissions,
            notice,
            error,
            can_manage,
        },
    ))
}

/// A form's answer to a staff action on a customer: back to the customer with a notice,
/// or the customer again with the error in words (a 4xx), or the error page.
async fn after_customer_action<T>(
    page: StaffPage,
    id: uuid::Uuid,
    done: Result<T, ApiError>,
) -> Result<Response, PageError> {
    let to = format!("/admin/customers/{id}?done=saved");
    match outcome(page.lang, done, &to)? {
        Ok(response) => Ok(response),
        Err((message, status)) => customer_view(page, id, None, Some(message), status).await,
    }
}

async fn save_profile(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let mut patch = serde_json::Map::new();
    for field in ["email", "name"] {
        patch.insert(field.into(), form.text(field).into());
    }
    for field in ["company", "phone", "address"] {
        patch.insert(
            field.into(),
            form.optional(field)
                .map_or(serde_json::Value::Null, Into::into),
        );
    }
    let body = serde_json::from_value(patch.into())
        .map_err(|_| ApiError::invalid_field("body", "is not a profile"));
    let done = match body {
        Ok(body) => customers::update(again(&page.call), PathId(id), Json(body)).await,
        Err(err) => Err(err),
    };
    after_customer_action(page, id, done).await
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
    let body = crate::api::settings::Overrides {
        can_view_invoices: choice("can_view_invoices"),
        can_approve_work: choice("can_approve_work"),
        can_add_comments: choice("can_add_comments"),
        can_submit_requests: choice("can_submit_requests"),
    };
    let done = permissions::replace(again(&page.call), PathId(id), Json(body)).await;
    after_customer_action(page, id, done).await
}

/// "Manage galleries": the ticked projects become the customer's, in one save.
async fn save_projects(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let body = crate::api::projects::ProjectIds {
        project_ids: form.all("project_ids").into_iter().map(Id).collect(),
    };
    let done = assignments::set_customer_projects(again(&page.call), PathId(id), Json(body)).await;
    after_customer_action(page, id, done).await
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
        let message = lang.words().erase_mismatch;
        return customer_view(
            page,
            id,
            None,
            Some(message),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
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
    let action = match form.text("action").as_str() {
        "deactivate" => LockOut::Deactivate,
        "reactivate" => LockOut::Reactivate,
        "force_relogin" => LockOut::ForceRelogin,
        _ => {
            return Err(PageError::api(
                ApiError::invalid_field("action", "is not an account action"),
                lang,
            ));
        }
    };
    if matches!(action, LockOut::Deactivate) && form.text("confirm") != "yes" {
        return Err(PageError::api(
            ApiError::invalid_field("confirm", "must be ticked"),
            lang,
        ));
    }
    customers::lock_out(again(&page.call), PathId(id), action)
        .await
        .on_page(lang)?;
    Ok(Redirect::to(&format!("/admin/customers/{id}?done=account")).into_response())
}

#[derive(Template)]
#[template(path = "admin/projects.html")]
struct ProjectsPage {
    c: Chrome,
    projects: Vec<StaffProject>,
    q: String,
    status: String,
    kind: String,
    error: Option<&'static str>,
    can_edit: bool,
}

#[derive(Deserialize, Default)]
struct ProjectSearch {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    kind: String,
}

async fn project_list(
    page: StaffPage,
    Query(search): Query<ProjectSearch>,
) -> Result<Response, PageError> {
    projects_view(page, search, None, StatusCode::OK).await
}

async fn projects_view(
    page: StaffPage,
    search: ProjectSearch,
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let some = |t: &str| Some(t.to_owned()).filter(|t| !t.is_empty());
    let filter = ProjectFilter {
        q: some(&search.q),
        status: some(&search.status),
        kind: some(&search.kind),
        paging: Paging::default(),
    };
    let list = projects::list(again(&page.call), crate::extract::Query(filter))
        .await
        .on_page(lang)?
        .0;
    let c = chrome(&page, lang.words().projects, "/admin/projects");
    let can_edit = page.call.role.allows(Permission::ProjectsManage);
    Ok(render(
        status,
        &ProjectsPage {
            c,
            projects: list.items,
            q: search.q,
            status: search.status,
            kind: search.kind,
            error,
            can_edit,
        },
    ))
}

#[derive(Template)]
#[template(path = "admin/project.html")]
struct ProjectPage {
    c: Chrome,
    project: StaffProject,
    customers: Vec<Customer>,
    assigned: Vec<Id>,
    /// The active staff to pick the team from (for members who may list staff).
    staff: Vec<TeamChoice>,
    q: String,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    can_assign: bool,
    can_edit: bool,
}

async fn project_page(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let notice = (!search.done.is_empty()).then_some(page.lang.words().saved);
    project_view(page, id, &search.q, notice, None, StatusCode::OK).await
}

async fn project_view(
    page: StaffPage,
    id: uuid::Uuid,
    q: &str,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let filter = CustomerFilter {
        q: Some(q.to_owned()).filter(|q| !q.is_empty()),
        status: None,
        paging: Paging {
            page_size: Some("200".to_owned()),
            page_token: None,
        },
    };
    let staff_query = crate::extract::Query(crate::api::PageQuery::default());
    let can_pick_staff = page.call.role.allows(Permission::StaffManage);
    let members = async {
        if can_pick_staff {
            staff::list(again(&page.call), staff_query)
                .await
                .map(|p| p.0.items)
                .unwrap_or_default()
        } else {
            Vec::new()
        }
    };
    let (project, assigned, customers, members) = tokio::join!(
        projects::read(again(&page.call), PathId(id)),
        assignments::project_customers(again(&page.call), PathId(id)),
        customers::list(again(&page.call), crate::extract::Query(filter)),
        members,
    );
    let project = project.on_page(lang)?.0;
    let assigned = assigned.map(|a| a.0.customer_ids).unwrap_or_default();
    let mut customers = customers.map(|c| c.0.items).unwrap_or_default();
    // The assigned stay listed (and selected) whatever the search shows.
    customers.sort_by_key(|c| !assigned.contains(&c.id));
    let here = format!("/admin/projects/{id}");
    let c = chrome(&page, &project.project.name.clone(), &here);
    let can_assign = page.call.role.allows(Permission::CustomersCreate);
    let can_edit = page.call.role.allows(Permission::ProjectsManage);
    let team = project.project.team.as_deref().unwrap_or_default();
    let staff = members
        .into_iter()
        .filter(|m| m.status == "active")
        .map(|m| {
            let on = team.iter().find(|t| t.staff_id == m.id);
            let role_title = on.and_then(|t| t.role_title.clone()).unwrap_or_default();
            TeamChoice {
                role_title,
                on: on.is_some(),
                member: m,
            }
        })
        .collect();
    let view = ProjectPage {
        c,
        project,
        customers,
        assigned,
        staff,
        q: q.to_owned(),
        notice,
        error,
        can_assign,
        can_edit,
    };
    Ok(render(status, &view))
}

/// A console form's outcome: 303 to `to` once done; a refusal of the form's input (a
/// 4xx other than 401 and 404) as its words and status, for the caller to show on the
/// same page; anything else the error page.
fn outcome<T>(
    lang: Lang,
    done: Result<T, ApiError>,
    to: &str,
) -> Result<Result<Response, (&'static str, StatusCode)>, PageError> {
    match done {
        Ok(_) => Ok(Ok(Redirect::to(to).into_response())),
        Err(err)
            if err.status.is_client_error()
                && !matches!(err.status, StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED) =>
        {
            Ok(Err((lang.words().error(&err.code), err.status)))
        }
        Err(err) => Err(PageError::api(err, lang)),
    }
}

/// Deletes a project with its phases and assignments, once the box is ticked.
async fn delete_project(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    if form.text("confirm") != "yes" {
        let message = page.lang.words().error("VALIDATION_FAILED");
        return project_view(
            page,
            id,
            "",
            None,
            Some(message),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let done = projects::remove(again(&page.call), PathId(id)).await;
    match outcome(page.lang, done, "/admin/projects")? {
        Ok(response) => Ok(response),
        Err((message, status)) => project_view(page, id, "", None, Some(message), status).await,
    }
}

/// One staff member in the team editor: on the team or not, with their role there.
struct TeamChoice {
    member: crate::api::people::Staff,
    on: bool,
    role_title: String,
}

/// The team editor's save: the ticked members, in the list's order, with their roles.
async fn save_team(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let members: Vec<serde_json::Value> = form
        .all("staff_ids")
        .into_iter()
        .map(|staff_id| {
            let role = form.optional(&format!("role_title_{staff_id}"));
            serde_json::json!({ "staff_id": staff_id, "role_title": role })
        })
        .collect();
    let mut body = serde_json::Map::new();
    body.insert("members".into(), members.into());
    let done = match super::body_of(body) {
        Ok(body) => projects::set_team(again(&page.call), PathId(id), Json(body)).await,
        Err(err) => Err(err),
    };
    after_project_action(page, id, done).await
}

/// A project form's answer: back to the project, or the project with the error in words.
async fn after_project_action<T>(
    page: StaffPage,
    id: uuid::Uuid,
    done: Result<T, ApiError>,
) -> Result<Response, PageError> {
    let to = format!("/admin/projects/{id}?done=saved");
    match outcome(page.lang, done, &to)? {
        Ok(response) => Ok(response),
        Err((message, status)) => project_view(page, id, "", None, Some(message), status).await,
    }
}

/// The text fields of a form, blank ones as `null` (cleared, or the API's default).
fn fields(
    form: &PageForm,
    required: &[&str],
    optional: &[&str],
) -> serde_json::Map<String, serde_json::Value> {
    let mut body = serde_json::Map::new();
    for name in required {
        body.insert((*name).into(), form.text(name).into());
    }
    for name in optional {
        body.insert(
            (*name).into(),
            form.optional(name)
                .map_or(serde_json::Value::Null, Into::into),
        );
    }
    body
}

/// A number field as a JSON number (text that is not one stays text, so the API refuses it).
fn number(form: &PageForm, name: &str) -> serde_json::Value {
    let text = form.text(name);
    text.parse::<i64>().map_or_else(|_| text.into(), Into::into)
}

async fn create_project(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let lang = page.lang;
    let mut body = fields(
        &form,
        &["name", "kind"],
        &["description", "starts_on", "ends_on"],
    );
    if let Some(password) = Some(form.secret("guest_password")).filter(|p| !p.is_empty()) {
        body.insert("guest_password".into(), password.into());
    }
    let done = match super::body_of(body) {
        Ok(body) => projects::create(again(&page.call), Json(body)).await,
        Err(err) => Err(err),
    };
    match done {
        Ok((_, Json(project))) => {
            Ok(Redirect::to(&format!("/admin/projects/{}", project.project.id.0)).into_response())
        }
        Err(err) if err.status.is_client_error() => {
            let message = lang.words().error(&err.code);
            projects_view(page, ProjectSearch::default(), Some(message), err.status).await
        }
        Err(err) => Err(PageError::api(err, lang)),
    }
}

async fn edit_project(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let mut body = fields(
        &form,
        &["name", "status", "description"],
        &["starts_on", "ends_on", "cover_url"],
    );
    if let Some(password) = Some(form.secret("guest_password")).filter(|p| !p.is_empty()) {
        body.insert("guest_password".into(), password.into());
    }
    let done = match super::body_of(body) {
        Ok(body) => projects::update(again(&page.call), PathId(id), Json(body)).await,
        Err(err) => Err(err),
    };
    after_project_action(page, id, done).await
}

async fn add_phase(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let mut body = fields(&form, &["name", "status"], &[]);
    body.insert("percent_complete".into(), number(&form, "percent_complete"));
    let done = match super::body_of(body) {
        Ok(body) => phases::add(again(&page.call), PathId(id), Json(body)).await,
        Err(err) => Err(err),
    };
    after_project_action(page, id, done).await
}

async fn save_phase(
    page: StaffPage,
    ids: Result<PathIds, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathIds(id, phase_id) = ids.on_page(page.lang)?;
    let mut body = fields(&form, &["status"], &[]);
    body.insert("percent_complete".into(), number(&form, "percent_complete"));
    let done = match super::body_of(body) {
        Ok(body) => phases::update(again(&page.call), PathIds(id, phase_id), Json(body)).await,
        Err(err) => Err(err),
    };
    after_project_action(page, id, done).await
}

async fn delete_phase(
    page: StaffPage,
    ids: Result<PathIds, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let PathIds(id, phase_id) = ids.on_page(page.lang)?;
    let done = phases::remove(again(&page.call), PathIds(id, phase_id)).await;
    after_project_action(page, id, done).await
}

/// The picker's save: the selected customers, plus the assigned ones the search did not
/// show (they were not offered, so they stay), become the project's customers.
async fn save_customers(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let shown = form.all("shown");
    let mut chosen: Vec<Id> = form.all("customer_ids").into_iter().map(Id).collect();
    let before = assignments::project_customers(again(&page.call), PathId(id))
        .await
        .on_page(lang)?
        .0
        .customer_ids;
    for kept in before.into_iter().filter(|c| !shown.contains(&c.0)) {
        if !chosen.contains(&kept) {
            chosen.push(kept);
        }
    }
    let body = CustomerIds {
        customer_ids: chosen,
    };
    assignments::set_project_customers(again(&page.call), PathId(id), Json(body))
        .await
        .on_page(lang)?;
    Ok(Redirect::to(&format!("/admin/projects/{id}?done=customers")).into_response())
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    c: Chrome,
    base: &'static str,
    items: Vec<crate::routes::notifications::Notification>,
    unread: i64,
}

async fn notification_list(page: StaffPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let mut list = notifications::list(
        again(&page.call),
        crate::extract::Query(crate::api::PageQuery::default()),
    )
    .await
    .on_page(lang)?
    .0;
    super::localize(lang, &mut list.items);
    let c = chrome(&page, lang.words().notifications, "/admin/notifications");
    Ok(render(
        StatusCode::OK,
        &NotificationsPage {
            c,
            base: "/admin/notifications",
            items: list.items,
            unread: list.unread_count,
        },
    ))
}

async fn read_one(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    notifications::mark_read(again(&page.call), id)
        .await
        .on_page(page.lang)?;
    Ok(Redirect::to("/admin/notifications").into_response())
}

async fn read_all(page: StaffPage, _form: PageForm) -> Result<Response, PageError> {
    notifications::mark_all_read(again(&page.call))
        .await
        .on_page(page.lang)?;
    Ok(Redirect::to("/admin/notifications").into_response())
}

const ROLES: [&str; 5] = ["owner", "admin", "editor", "viewer", "accountant"];

#[derive(Template)]
#[template(path = "admin/staff.html")]
struct StaffListPage {
    c: Chrome,
    members: Vec<crate::api::people::Staff>,
    roles: [&'static str; 5],
    me: String,
    notice: Option<&'static str>,
    error: Option<&'static str>,
}

async fn staff_list(page: StaffPage, Query(search): Query<Search>) -> Result<Response, PageError> {
    let notice = (!search.done.is_empty()).then_some(page.lang.words().done);
    staff_view(page, notice, None, StatusCode::OK).await
}

async fn staff_view(
    page: StaffPage,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let list = staff::list(
        again(&page.call),
        crate::extract::Query(crate::api::PageQuery::default()),
    )
    .await
    .on_page(lang)?
    .0;
    let me = page.call.principal.subject_id.to_string();
    let c = chrome(&page, lang.words().staff, "/admin/staff");
    Ok(render(
        status,
        &StaffListPage {
            c,
            members: list.items,
            roles: ROLES,
            me,
            notice,
            error,
        },
    ))
}

/// A staff action's answer: back to the list, or the list with the error in words.
async fn after_staff_action<T>(
    page: StaffPage,
    done: Result<T, ApiError>,
) -> Result<Response, PageError> {
    match outcome(page.lang, done, "/admin/staff?done=saved")? {
        Ok(response) => Ok(response),
        Err((message, status)) => staff_view(page, None, Some(message), status).await,
    }
}

async fn invite_staff(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let body = crate::api::people::NewStaff {
        email: form.text("email"),
        name: form.text("name"),
        role: form.text("role"),
    };
    let done = staff::invite(again(&page.call), Json(body)).await;
    after_staff_action(page, done).await
}

async fn change_role(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    let body = crate::api::people::StaffChange {
        role: form.optional("role"),
        status: None,
    };
    let done = staff::update(again(&page.call), id, Json(body)).await;
    after_staff_action(page, done).await
}

async fn remove_staff(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    let done = staff::remove(again(&page.call), id).await;
    after_staff_action(page, done).await
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    c: Chrome,
    entries: Vec<outbox::OutboxEntry>,
    status: String,
}

#[derive(Deserialize, Default)]
struct StatusFilter {
    #[serde(default)]
    status: String,
}

async fn outbox_list(
    page: StaffPage,
    Query(filter): Query<StatusFilter>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let query = outbox::OutboxFilter {
        status: Some(filter.status.clone()).filter(|s| !s.is_empty()),
        paging: Paging::default(),
    };
    let list = outbox::list(again(&page.call), crate::extract::Query(query))
        .await
        .on_page(lang)?
        .0;
    let c = chrome(&page, lang.words().outbox, "/admin/outbox");
    Ok(render(
        StatusCode::OK,
        &OutboxPage {
            c,
            entries: list.items,
            status: filter.status,
        },
    ))
}

async fn retry_mail(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    outbox::retry(again(&page.call), id)
        .await
        .on_page(page.lang)?;
    Ok(Redirect::to("/admin/outbox").into_response())
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    c: Chrome,
    entries: Vec<audit::AuditEntry>,
    filter: AuditSearch,
}

/// The audit page's filters: days from date inputs, the rest as the API takes them.
#[derive(Deserialize, Default)]
struct AuditSearch {
    #[serde(default)]
    action: String,
    #[serde(default)]
    actor_id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn audit_list(
    page: StaffPage,
    Query(search): Query<AuditSearch>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let some = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
    // A day from a date field is its start (UTC); `to` is the end of that day.
    let day = |t: &str, next: bool| {
        let date = chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok()?;
        let date = if next { date.succ_opt()? } else { date };
        Some(format!("{date}T00:00:00Z"))
    };
    let query = audit::AuditFilter {
        action: some(&search.action),
        actor_id: some(&search.actor_id),
        from: day(&search.from, false).or_else(|| some(&search.from)),
        to: day(&search.to, true).or_else(|| some(&search.to)),
        paging: Paging::default(),
    };
    let list = audit::list(again(&page.call), crate::extract::Query(query))
        .await
        .on_page(lang)?
        .0;
    let c = chrome(&page, lang.words().audit, "/admin/audit");
    Ok(render(
        StatusCode::OK,
        &AuditPage {
            c,
            entries: list.items,
            filter: search,
        },
    ))
}

#[derive(Template)]
#[template(path = "admin/profile.html")]
struct ProfilePage {
    c: Chrome,
    me: crate::api::people::Staff,
    notice: Option<&'static str>,
    error: Option<&'static str>,
}

async fn profile(page: StaffPage, Query(search): Query<Search>) -> Result<Response, PageError> {
    let w = page.lang.words();
    let notice = match search.done.as_str() {
        "password" => Some(w.password_changed),
        "" => None,
        _ => Some(w.saved),
    };
    profile_view(page, notice, None, StatusCode::OK).await
}

async fn profile_view(
    page: StaffPage,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let me = account::me(again(&page.call)).await.on_page(lang)?.0;
    let c = chrome(&page, lang.words().profile, "/admin/profile");
    Ok(render(
        status,
        &ProfilePage {
            c,
            me,
            notice,
            error,
        },
    ))
}

/// A form on the member's own profile: back with a notice, or the profile with the error.
async fn after_own_action<T>(
    page: StaffPage,
    done: Result<T, ApiError>,
    to: &str,
) -> Result<Response, PageError> {
    match outcome(page.lang, done, to)? {
        Ok(response) => Ok(response),
        Err((message, status)) => profile_view(page, None, Some(message), status).await,
    }
}

async fn save_own_profile(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let done = match super::body_of(fields(&form, &["name"], &["title", "phone", "locale"])) {
        Ok(body) => account::update_me(again(&page.call), Json(body)).await,
        Err(err) => Err(err),
    };
    after_own_action(page, done, "/admin/profile?done=profile").await
}

async fn change_own_password(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let new_password = form.secret("new_password");
    if new_password != form.secret("confirm_password") {
        let message = page.lang.words().passwords_differ;
        return profile_view(page, None, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let body = crate::api::ChangePassword {
        current_password: form.secret("current_password"),
        new_password,
    };
    let done = account::change_password(again(&page.call), Json(body)).await;
    after_own_action(page, done, "/admin/profile?done=password").await
}

/// One checkbox of the settings form.
struct Toggle {
    name: &'static str,
    label: &'static str,
    on: bool,
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    c: Chrome,
    features: Vec<Toggle>,
    permissions: Vec<Toggle>,
    branding: atrium_common::settings::Branding,
    show_team_members: bool,
    default_locale: &'static str,
    notice: Option<&'static str>,
    error: Option<&'static str>,
}

async fn settings_page(
    page: StaffPage,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    let notice = (!search.done.is_empty()).then_some(page.lang.words().saved);
    settings_view(page, notice, None, StatusCode::OK).await
}

async fn settings_view(
    page: StaffPage,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let w = lang.words();
    let settings = settings::read(again(&page.call))
        .await
        .on_page(lang)?
        .0
        .settings;
    let f = &settings.features;
    let features = vec![
        Toggle {
            name: "customer_portal",
            label: w.feature_customer_portal,
            on: f.customer_portal,
        },
        Toggle {
            name: "approvals",
            label: w.feature_approvals,
            on: f.approvals,
        },
        Toggle {
            name: "requests",
            label: w.feature_requests,
            on: f.requests,
        },
        Toggle {
            name: "documents",
            label: w.feature_documents,
            on: f.documents,
        },
        Toggle {
            name: "billing",
            label: w.feature_billing,
            on: f.billing,
        },
        Toggle {
            name: "gallery",
            label: w.feature_gallery,
            on: f.gallery,
        },
    ];
    let d = &settings.default_permissions;
    let permissions = vec![
        Toggle {
            name: "can_view_invoices",
            label: w.can_view_invoices,
            on: d.can_view_invoices,
        },
        Toggle {
            name: "can_approve_work",
            label: w.can_approve_work,
            on: d.can_approve_work,
        },
        Toggle {
            name: "can_add_comments",
            label: w.can_add_comments,
            on: d.can_add_comments,
        },
        Toggle {
            name: "can_submit_requests",
            label: w.can_submit_requests,
            on: d.can_submit_requests,
        },
    ];
    let c = chrome(&page, w.settings, "/admin/settings");
    let view = SettingsPage {
        c,
        features,
        permissions,
        branding: settings.branding,
        show_team_members: settings.show_team_members,
        default_locale: settings.default_locale.as_str(),
        notice,
        error,
    };
    Ok(render(status, &view))
}

/// The whole settings document from the form (an unticked box is off, a blank text
/// cleared), sent as the API's PATCH body.
async fn save_settings(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let ticked = |names: &[&str]| -> serde_json::Map<String, serde_json::Value> {
        names
            .iter()
            .map(|n| ((*n).to_owned(), (form.text(n) == "on").into()))
            .collect()
    };
    let mut branding = fields(
        &form,
        &[],
        &["company_name", "logo_url", "primary_color", "sender_name"],
    );
    branding.extend(ticked(&["show_logo", "show_name"]));
    let mut body = serde_json::Map::new();
    body.insert(
        "features".into(),
        ticked(&[
            "customer_portal",
            "approvals",
            "requests",
            "documents",
            "billing",
            "gallery",
        ])
        .into(),
    );
    body.insert("branding".into(), branding.into());
    body.insert(
        "show_team_members".into(),
        (form.text("show_team_members") == "on").into(),
    );
    body.insert("default_locale".into(), form.text("default_locale").into());
    body.insert(
        "default_permissions".into(),
        ticked(&[
            "can_view_invoices",
            "can_approve_work",
            "can_add_comments",
            "can_submit_requests",
        ])
        .into(),
    );
    let patch = crate::api::settings::SettingsPatch(body.into());
    match settings::update(again(&page.call), Json(patch)).await {
        Ok(_) => Ok(Redirect::to("/admin/settings?done=saved").into_response()),
        Err(err) if err.status.is_client_error() => {
            let message = page.lang.words().error(&err.code);
            settings_view(page, None, Some(message), err.status).await
        }
        Err(err) => Err(PageError::api(err, page.lang)),
    }
}

#[derive(Template)]
#[template(path = "admin/templates.html")]
struct TemplatesPage {
    c: Chrome,
    items: Vec<templates::Template>,
}

async fn template_list(page: StaffPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let list = templates::list(again(&page.call)).await.on_page(lang)?.0;
    let c = chrome(
        &page,
        lang.words().email_templates,
        "/admin/settings/templates",
    );
    Ok(render(
        StatusCode::OK,
        &TemplatesPage {
            c,
            items: list.items,
        },
    ))
}

#[derive(Template)]
#[template(path = "admin/template.html")]
struct TemplatePage {
    c: Chrome,
    template: templates::Template,
    preview: Option<templates::Preview>,
    notice: Option<&'static str>,
    error: Option<&'static str>,
}

async fn template_page(
    page: StaffPage,
    Path((key, locale)): Path<(String, String)>,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let template = templates::read(again(&page.call), Path((key, locale)))
        .await
        .on_page(lang)?
        .0;
    let notice = (!search.done.is_empty()).then_some(lang.words().saved);
    let here = format!(
        "/admin/settings/templates/{}/{}",
        template.key, template.locale
    );
    let c = chrome(&page, lang.words().email_templates, &here);
    Ok(render(
        StatusCode::OK,
        &TemplatePage {
            c,
            template,
            preview: None,
            notice,
            error: None,
        },
    ))
}

/// The template form's three buttons: preview (render, save nothing), save, restore.
async fn template_action(
    page: StaffPage,
    Path((key, locale)): Path<(String, String)>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let here = format!("/admin/settings/templates/{key}/{locale}");
    let body = || templates::TemplateBody {
        subject: form.text("subject"),
        text: form.secret("text"),
        html: form.secret("html"),
    };
    let path = || Path((key.clone(), locale.clone()));
    let action = form.text("action");
    let done = match action.as_str() {
        "preview" => match templates::preview(again(&page.call), path(), Json(body())).await {
            Ok(Json(preview)) => {
                let typed = body();
                let mut template = templates::read(again(&page.call), path())
                    .await
                    .on_page(lang)?
                    .0;
                (template.subject, template.text, template.html) =
                    (typed.subject, typed.text, typed.html);
                let c = chrome(&page, lang.words().email_templates, &here);
                return Ok(render(
                    StatusCode::OK,
                    &TemplatePage {
                        c,
                        template,
                        preview: Some(preview),
                        notice: None,
                        error: None,
                    },
                ));
            }
            Err(err) => Err(err),
        },
        "restore" => templates::restore(again(&page.call), path())
            .await
            .map(drop),
        _ => templates::replace(again(&page.call), path(), Json(body()))
            .await
            .map(drop),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("{here}?done=saved")).into_response()),
        Err(err) if err.status.is_client_error() && err.status != StatusCode::NOT_FOUND => {
            let typed = body();
            let mut template = templates::read(again(&page.call), path())
                .await
                .on_page(lang)?
                .0;
            (template.subject, template.text, template.html) =
                (typed.subject, typed.text, typed.html);
            let c = chrome(&page, lang.words().email_templates, &here);
            let error = Some(lang.words().error(&err.code));
            Ok(render(
                err.status,
                &TemplatePage {
                    c,
                    template,
                    preview: None,
                    notice: None,
                    error,
                },
            ))
        }
        Err(err) => Err(PageError::api(err, lang)),
    }
}
