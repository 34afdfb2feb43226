//! The customer's dashboard and projects: the cards of what is assigned to them, the
//! list, and one project (or "Access removed" once it is not theirs any more).

use askama::Template;
use atrium_common::error::ApiError;
use axum::Router;
use axum::response::Response;
use axum::routing::get;
use http::StatusCode;

use super::chrome;
use crate::GatewayState;
use crate::api::documents::CustomerDocument;
use crate::api::gallery::Item;
use crate::api::people::Contact;
use crate::api::projects::{Card, Project};
use crate::api::settings::PublicBranding;
use crate::api::{PageQuery, Paging};
use crate::extract::{Json, PathId, Query};
use crate::pages::session::CustomerPage;
use crate::pages::{Chrome, OnPage, PageError, SignedIn, again, localize, render};
use crate::routes::customer::{dashboard, documents, gallery, projects};
use crate::routes::notifications::{self, Notification};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/customer", get(home))
        .route("/customer/projects", get(list))
        .route("/customer/projects/{id}", get(project_page))
}

#[derive(Template)]
#[template(path = "customer/dashboard.html")]
struct DashboardPage {
    c: Chrome,
    name: String,
    projects: Vec<Card>,
    manager: Option<Contact>,
    unread: i64,
    recent: Vec<Notification>,
    billing: Option<dashboard::BillingCard>,
    approvals: Option<dashboard::ApprovalsCard>,
    requests: Option<dashboard::RequestsCard>,
}

async fn home(page: CustomerPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let recent_query = PageQuery {
        paging: Paging {
            page_size: Some("5".to_owned()),
            page_token: None,
        },
    };
    let (home, recent) = tokio::join!(
        dashboard::load(
            &page.call.state,
            &page.call.session,
            Some(page.organization.clone()),
            page.account_manager.clone()
        ),
        notifications::list(again(&page.call), Query(recent_query)),
    );
    let home = home.on_page(lang)?;
    let mut recent = recent.on_page(lang)?.0;
    localize(lang, &mut recent.items);
    // The dashboard's own answer holds the branding: no second read for the frame.
    let b = &home.branding;
    let branding = PublicBranding {
        company_name: b.company_name.clone().filter(|_| b.show_name),
        logo_url: b.logo_url.clone().filter(|_| b.show_logo),
        primary_color: b.primary_color.clone(),
    };
    let view = DashboardPage {
        c: chrome(
            &page,
            lang.words().dashboard,
            "/customer",
            (&branding, home.billing.is_some()),
        ),
        name: page.customer.name.clone(),
        projects: home.projects,
        manager: home.account_manager,
        unread: home.unread_notifications,
        recent: recent.items,
        billing: home.billing,
        approvals: home.approvals,
        requests: home.requests,
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template)]
#[template(path = "customer/projects.html")]
struct ProjectsPage {
    c: Chrome,
    projects: Vec<Project>,
}

async fn list(page: CustomerPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let (list, c) = tokio::join!(
        projects::list(again(&page.call), Query(PageQuery::default())),
        page.chrome(lang.words().projects, "/customer/projects"),
    );
    let view = ProjectsPage {
        c,
        projects: list.on_page(lang)?.0.items,
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template)]
#[template(path = "customer/project.html")]
struct ProjectPage {
    c: Chrome,
    project: Option<Project>,
    /// Its published documents (none while the documents feature is off).
    documents: Vec<CustomerDocument>,
    /// Its photos shared with customers (none while the gallery feature is off).
    items: Vec<Item>,
    rendition_base: &'static str,
}

async fn project_page(
    page: CustomerPage,
    id: Result<PathId, ApiError>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let id = id.on_page(lang)?;
    let here = format!("/customer/projects/{id}");
    let (found, published, photos, mut c) = tokio::join!(
        projects::read(again(&page.call), PathId(id.0)),
        documents::list(again(&page.call), PathId(id.0), Query(PageQuery::default())),
        gallery::list(again(&page.call), PathId(id.0)),
        page.chrome(lang.words().access_removed_title, &here),
    );
    let items = photos.map(|list| list.0.items).unwrap_or_default();
    // The documents feature off (404) shows no section; the project's answer decides
    // the rest.
    let documents = published.map(|list| list.0.items).unwrap_or_default();
    let (status, project) = match found {
        Ok(Json(project)) => {
            c.title = project.name.clone();
            (StatusCode::OK, Some(project))
        }
        Err(err) if err.code == "CUSTOMER_ASSIGNMENT_REVOKED" => (StatusCode::FORBIDDEN, None),
        Err(err) => return Err(PageError::api(err, lang)),
    };
    let (documents, items) = if project.is_some() {
        (documents, items)
    } else {
        (Vec::new(), Vec::new())
    };
    let view = ProjectPage {
        c,
        project,
        documents,
        items,
        rendition_base: "/api/customer/gallery",
    };
    Ok(render(status, &view))
}
