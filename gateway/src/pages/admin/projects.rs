//! Console projects: the list with filters and the new-project form, and one project's
//! page (edit, phases, team, the customer picker, delete).

use askama::Template;
use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use axum::Router;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{Search, chrome, first};
use crate::GatewayState;
use crate::api::comments::Comment;
use crate::api::people::{Customer, Staff};
use crate::api::projects::{CustomerIds, StaffProject};
use crate::api::{Id, PageQuery, Paging};
use crate::extract::{Json, PathId, PathIds};
use crate::pages::said::{Refusal, Said, answer};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again, body_of, render};
use crate::routes::admin::customers::{self, CustomerFilter};
use crate::routes::admin::projects::{self, ProjectFilter};
use crate::routes::admin::{assignments, comments, phases, staff};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin/projects", get(list).post(create))
        .route("/admin/projects/{id}", get(project_page))
        .route("/admin/projects/{id}/edit", post(edit))
        .route("/admin/projects/{id}/phases", post(add_phase))
        .route("/admin/projects/{id}/team", post(save_team))
        .route("/admin/projects/{id}/delete", post(delete))
        .route("/admin/projects/{id}/phases/{phase_id}", post(save_phase))
        .route(
            "/admin/projects/{id}/phases/{phase_id}/delete",
            post(delete_phase),
        )
        .route("/admin/projects/{id}/customers", post(save_customers))
        .route(
            "/admin/projects/{id}/comments",
            post(super::project_comments::comment),
        )
}

#[derive(Template)]
#[template(path = "admin/projects.html")]
struct ProjectsPage {
    c: Chrome,
    projects: Vec<StaffProject>,
    q: String,
    status: String,
    kind: String,
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

async fn list(page: StaffPage, Query(search): Query<ProjectSearch>) -> Result<Response, PageError> {
    projects_view(page, search, Said::default()).await
}

async fn projects_view(
    page: StaffPage,
    search: ProjectSearch,
    said: Said,
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
    let mut c = chrome(&page, lang.words().projects, "/admin/projects");
    c.said = said;
    let view = ProjectsPage {
        c,
        projects: list.items,
        q: search.q,
        status: search.status,
        kind: search.kind,
        can_edit: page.call.role.allows(Permission::ProjectsManage),
    };
    Ok(render(view.c.said.status(), &view))
}

/// A guest password typed in a project form (kept when left blank).
fn with_guest_password(
    form: &PageForm,
    mut body: serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    let password = form.secret("guest_password");
    if !password.is_empty() {
        body.insert("guest_password".into(), password.into());
    }
    body
}

async fn create(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let lang = page.lang;
    let fields = form.fields(&["name", "kind"], &["description", "starts_on", "ends_on"]);
    let done = match body_of(with_guest_password(&form, fields)) {
        Ok(body) => projects::create(again(&page.call), Json(body)).await,
        Err(err) => Err(err),
    };
    let to = match &done {
        Ok((_, Json(project))) => format!("/admin/projects/{}", project.project.id.0),
        Err(_) => String::new(),
    };
    answer(lang, done, &to, |said| {
        projects_view(page, ProjectSearch::default(), said)
    })
    .await
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
    can_assign: bool,
    can_edit: bool,
    comments: Vec<Comment>,
    comments_action: String,
    can_comment: bool,
}

/// One staff member in the team editor: on the team or not, with their role there.
struct TeamChoice {
    member: Staff,
    on: bool,
    role_title: String,
}

async fn project_page(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let said = Said::notice(search.notice(page.lang.words().saved));
    project_view(page, id, &search.q, said).await
}

async fn project_view(
    page: StaffPage,
    id: uuid::Uuid,
    q: &str,
    said: Said,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let filter = CustomerFilter {
        q: Some(q.to_owned()).filter(|q| !q.is_empty()),
        status: None,
        paging: first("200"),
    };
    let can_pick_staff = page.call.role.allows(Permission::StaffManage);
    let members = async {
        if !can_pick_staff {
            return Vec::new();
        }
        let query = crate::extract::Query(PageQuery::default());
        staff::list(again(&page.call), query)
            .await
            .map(|p| p.0.items)
            .unwrap_or_default()
    };
    let (project, assigned, customers, members, remarks) = tokio::join!(
        projects::read(again(&page.call), PathId(id)),
        assignments::project_customers(again(&page.call), PathId(id)),
        customers::list(again(&page.call), crate::extract::Query(filter)),
        members,
        comments::list(again(&page.call), PathId(id)),
    );
    let project = project.on_page(lang)?.0;
    let assigned = assigned.map(|a| a.0.customer_ids).unwrap_or_default();
    let mut customers = customers.map(|c| c.0.items).unwrap_or_default();
    // The assigned stay listed (and selected) whatever the search shows.
    customers.sort_by_key(|c| !assigned.contains(&c.id));
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
    let mut c = chrome(
        &page,
        &project.project.name.clone(),
        &format!("/admin/projects/{id}"),
    );
    c.said = said;
    let view = ProjectPage {
        c,
        project,
        customers,
        assigned,
        staff,
        q: q.to_owned(),
        can_assign: page.call.role.allows(Permission::CustomersCreate),
        can_edit: page.call.role.allows(Permission::ProjectsManage),
        comments: remarks.map(|r| r.0.items).unwrap_or_default(),
        comments_action: format!("/admin/projects/{id}/comments"),
        can_comment: page.call.role.allows(Permission::ProjectsManage),
    };
    Ok(render(view.c.said.status(), &view))
}

/// A project form's answer: back to the project (or `to`), or the project saying why
/// its form `form` was refused.
pub(super) async fn after<T>(
    page: StaffPage,
    (id, form): (uuid::Uuid, &str),
    done: Result<T, ApiError>,
    to: Option<&str>,
) -> Result<Response, PageError> {
    let back = format!("/admin/projects/{id}?done=saved");
    let to = to.unwrap_or(&back);
    answer(page.lang, done, to, |said| {
        project_view(page, id, "", said.within(form))
    })
    .await
}

/// Sends the form's `body` to `send` once it fits the API's type, and answers.
async fn send<B, T, F, Fut>(
    page: StaffPage,
    form: (uuid::Uuid, &str),
    body: serde_json::Map<String, serde_json::Value>,
    send: F,
) -> Result<Response, PageError>
where
    B: serde::de::DeserializeOwned,
    F: FnOnce(crate::extract::StaffCall, Json<B>) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let done = match body_of(body) {
        Ok(body) => send(again(&page.call), Json(body)).await,
        Err(err) => Err(err),
    };
    after(page, form, done, None).await
}

/// Deletes a project with its phases and assignments, once the box is ticked.
async fn delete(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    if form.text("confirm") != "yes" {
        let refusal = Refusal::about("confirm", page.lang.words().error("VALIDATION_FAILED"));
        return project_view(page, id, "", Said::refused(refusal).within("delete")).await;
    }
    let done = projects::remove(again(&page.call), PathId(id)).await;
    after(page, (id, "delete"), done, Some("/admin/projects")).await
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
    send(page, (id, "team"), body, |call, body| {
        projects::set_team(call, PathId(id), body)
    })
    .await
}

async fn edit(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let fields = form.fields(
        &["name", "status", "description"],
        &["starts_on", "ends_on", "cover_url"],
    );
    let body = with_guest_password(&form, fields);
    send(page, (id, "edit"), body, |call, body| {
        projects::update(call, PathId(id), body)
    })
    .await
}

async fn add_phase(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathId(id) = id.on_page(page.lang)?;
    let mut body = form.fields(&["name", "status"], &[]);
    body.insert("percent_complete".into(), form.number("percent_complete"));
    send(page, (id, "add_phase"), body, |call, body| {
        phases::add(call, PathId(id), body)
    })
    .await
}

async fn save_phase(
    page: StaffPage,
    ids: Result<PathIds, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let PathIds(id, phase_id) = ids.on_page(page.lang)?;
    let mut body = form.fields(&["status"], &[]);
    body.insert("percent_complete".into(), form.number("percent_complete"));
    let form = phase_id.to_string();
    send(page, (id, &form), body, |call, body| {
        phases::update(call, PathIds(id, phase_id), body)
    })
    .await
}

async fn delete_phase(
    page: StaffPage,
    ids: Result<PathIds, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let PathIds(id, phase_id) = ids.on_page(page.lang)?;
    let done = phases::remove(again(&page.call), PathIds(id, phase_id)).await;
    after(page, (id, &phase_id.to_string()), done, None).await
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
