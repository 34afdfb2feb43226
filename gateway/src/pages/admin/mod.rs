//! The staff console under `/admin`: sign-in with the console's own cookie, home,
//! customers, projects, staff, the member's profile, settings and email templates,
//! outbox and audit trail. Each handler calls the JSON route's handler with the same
//! staff session; the services check every permission again.

mod activity;
mod approvals;
mod bill_form;
mod books;
mod customers;
mod documents;
mod gallery;
mod invitations;
mod invoices;
mod ledger;
mod links;
mod orders;
mod project_comments;
mod projects;
mod quotes;
mod requests;
mod settings;
mod staff;
mod templates;

use askama::Template;
use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use axum::Router;
use axum::extract::Query;
use axum::response::Response;
use axum::routing::{get, post};
use http::{HeaderMap, StatusCode};
use serde::Deserialize;

use super::i18n::Lang;
use super::notices;
use super::recovery;
use super::session::{PageForm, StaffPage};
use super::sign_in::{self, Link, SetPasswordPage, with_staff_cookie};
use super::{Chrome, Nav, OnPage, PageError, SignedIn, again, render};
use crate::GatewayState;
use crate::api::Paging;
use crate::extract::{StaffCall, StaffSession};
use crate::routes::admin::customers::CustomerFilter;
use crate::routes::admin::projects::ProjectFilter;
use crate::routes::admin::{account, audit};
use crate::routes::recovery::StaffRecovery;

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin", get(home))
        .route(
            "/admin/login",
            get(sign_in::login_form::<StaffRecovery>).post(sign_in::login::<StaffRecovery>),
        )
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
            get(invitation_form).post(sign_in::accept::<StaffRecovery>),
        )
        .route("/admin/session", get(session_check))
        .route("/admin/notifications", get(notices::list::<StaffPage>))
        .route(
            "/admin/notifications/read-all",
            post(notices::read_all::<StaffPage>),
        )
        .route(
            "/admin/notifications/{id}/read",
            post(notices::read_one::<StaffPage>),
        )
        .merge(customers::router())
        .merge(invitations::router())
        .merge(projects::router())
        .merge(documents::router())
        .merge(gallery::router())
        .merge(staff::router())
        .merge(settings::router())
        .merge(templates::router())
        .merge(activity::router())
        .merge(books::router())
        .merge(invoices::router())
        .merge(quotes::router())
        .merge(links::router())
        .merge(requests::router())
        .merge(approvals::router())
        .merge(orders::router())
        .merge(ledger::router())
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
        (
            "/admin/invoices",
            w.books.billing,
            Some(Permission::BillingView),
        ),
        (
            "/admin/approvals",
            w.appr.approvals,
            Some(Permission::ProjectsView),
        ),
        (
            "/admin/requests",
            w.req.requests,
            Some(Permission::ProjectsView),
        ),
        ("/admin/staff", w.staff, Some(Permission::StaffManage)),
        (
            "/admin/settings",
            w.settings,
            Some(Permission::SettingsManage),
        ),
        ("/admin/outbox", w.outbox, Some(Permission::SettingsManage)),
        ("/admin/audit", w.audit, Some(Permission::AuditView)),
        ("/admin/notifications", w.notifications, None),
        ("/admin/profile", w.profile, None),
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

impl SignedIn for StaffPage {
    type Session = StaffSession;
    const BASE: &'static str = "/admin";

    fn call(&self) -> &StaffCall {
        &self.call
    }

    fn lang(&self) -> Lang {
        self.lang
    }

    async fn chrome(&self, title: &str, here: &str) -> Chrome {
        chrome(self, title, here)
    }
}

/// A page's `?done=…` (what the form before it did) and search text.
#[derive(Deserialize, Default)]
struct Search {
    #[serde(default)]
    q: String,
    #[serde(default)]
    done: String,
}

impl Search {
    /// The notice for any `done`.
    fn notice(&self, word: &'static str) -> Option<&'static str> {
        (!self.done.is_empty()).then_some(word)
    }
}

/// The first page of a list, as long as a console page shows.
fn first(size: &str) -> Paging {
    Paging {
        page_size: Some(size.to_owned()),
        page_token: None,
    }
}

async fn logout(page: StaffPage, _form: PageForm) -> Result<Response, PageError> {
    let state = page.call.state.clone();
    account::logout(page.call).await.on_page(page.lang)?;
    Ok(with_staff_cookie(&state, "/admin/login", ""))
}

async fn invitation_form(headers: HeaderMap, Query(q): Query<Link>) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let w = lang.words();
    let action = "/admin/accept-invitation".to_owned();
    let c = Chrome::public(lang, w.accept_title, &action);
    SetPasswordPage::new(c, w.accept_title, action, q.token).answer()
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
    let customers = async {
        if !role.allows(Permission::CustomersView) {
            return Ok(None);
        }
        let filter = CustomerFilter {
            q: None,
            status: None,
            paging: first("200"),
        };
        crate::routes::admin::customers::list(again(&page.call), crate::extract::Query(filter))
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
            paging: first("200"),
        };
        crate::routes::admin::projects::list(again(&page.call), crate::extract::Query(filter))
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
            paging: first("10"),
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
