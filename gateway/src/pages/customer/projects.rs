//! The customer's dashboard and projects: the cards of what is assigned to them, the
//! list, and one project (or "Access removed" once it is not theirs any more).

use askama::Template;
use atrium_common::error::ApiError;
use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};
use http::StatusCode;

use super::chrome;
use crate::GatewayState;
use crate::api::comments::{Comment, NewComment};
use crate::api::documents::CustomerDocument;
use crate::api::gallery::Item;
use crate::api::people::Contact;
use crate::api::projects::{Card, Project};
use crate::api::settings::PublicBranding;
use crate::api::{PageQuery, Paging};
use crate::extract::{Json, PathId, Query};
use crate::pages::said::{Said, answer};
use crate::pages::session::CustomerPage;
use crate::pages::session::PageForm;
use crate::pages::{Chrome, OnPage, PageError, SignedIn, again, localize, render};
use crate::routes::customer::{comments, dashboard, documents, gallery, projects};
use crate::routes::notifications::{self, Notification};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/customer", get(home))
        .route("/customer/projects", get(list))
        .route("/customer/projects/{id}", get(project_page))
        .route("/customer/projects/{id}/comments", post(comment))
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
    /// The project's comments, oldest first, and where the form posts a new one.
    comments: Vec<Comment>,
    comments_action: String,
    can_comment: bool,
}

#[derive(serde::Deserialize, Default)]
struct Done {
    #[serde(default)]
    done: String,
}

async fn project_page(
    page: CustomerPage,
    id: Result<PathId, ApiError>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    let notice = (done.done == "commented").then_some(page.lang.words().appr.commented);
    project_view(page, id, Said::notice(notice)).await
}

async fn project_view(page: CustomerPage, id: PathId, said: Said) -> Result<Response, PageError> {
    let lang = page.lang;
    let here = format!("/customer/projects/{id}");
    let (found, published, photos, remarks, mut c) = tokio::join!(
        projects::read(again(&page.call), PathId(id.0)),
        documents::list(again(&page.call), PathId(id.0), Query(PageQuery::default())),
        gallery::list(again(&page.call), PathId(id.0)),
        comments::list(again(&page.call), PathId(id.0)),
        page.chrome(lang.words().access_removed_title, &here),
    );
    c.said = said;
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
    let comments = match (&project, remarks) {
        (Some(_), Ok(list)) => list.0.items,
        _ => Vec::new(),
    };
    let view = ProjectPage {
        comments_action: format!("/customer/projects/{id}/comments"),
        can_comment: project.is_some(),
        c,
        project,
        documents,
        items,
        rendition_base: "/api/customer/gallery",
        comments,
    };
    let status = if status == StatusCode::OK {
        view.c.said.status()
    } else {
        status
    };
    Ok(render(status, &view))
}

/// The customer's comment on the project (`can_add_comments`).
async fn comment(page: CustomerPage, id: PathId, form: PageForm) -> Result<Response, PageError> {
    let body = NewComment {
        body: form.text("body"),
    };
    let done = comments::add(again(&page.call), PathId(id.0), Json(body)).await;
    let to = format!("/customer/projects/{id}?done=commented#comments");
    let lang = page.lang;
    answer(lang, done, &to, |said| project_view(page, id, said)).await
}
