//! Console: the organization's staff (invite, change role, remove) and the member's own
//! profile and password.

use askama::Template;
use atrium_common::error::ApiError;
use axum::Router;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::{Search, chrome};
use crate::GatewayState;
use crate::api::people::{NewStaff, Staff, StaffChange};
use crate::api::{ChangePassword, PageQuery};
use crate::extract::{Json, PathId};
use crate::pages::said::{Refusal, Said, answer, password_refusal};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again, body_of, render};
use crate::routes::admin::{account, staff};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin/staff", get(list).post(invite))
        .route("/admin/staff/{id}/role", post(change_role))
        .route("/admin/staff/{id}/remove", post(remove))
        .route("/admin/profile", get(profile).post(save_profile))
        .route("/admin/profile/password", post(change_password))
}

const ROLES: [&str; 5] = ["owner", "admin", "editor", "viewer", "accountant"];

#[derive(Template)]
#[template(path = "admin/staff.html")]
struct StaffListPage {
    c: Chrome,
    members: Vec<Staff>,
    roles: [&'static str; 5],
    me: String,
}

async fn list(page: StaffPage, Query(search): Query<Search>) -> Result<Response, PageError> {
    let said = Said::notice(search.notice(page.lang.words().done));
    staff_view(page, said).await
}

async fn staff_view(page: StaffPage, said: Said) -> Result<Response, PageError> {
    let lang = page.lang;
    let query = crate::extract::Query(PageQuery::default());
    let list = staff::list(again(&page.call), query).await.on_page(lang)?.0;
    let mut c = chrome(&page, lang.words().staff, "/admin/staff");
    c.said = said;
    let view = StaffListPage {
        c,
        members: list.items,
        roles: ROLES,
        me: page.call.principal.subject_id.to_string(),
    };
    Ok(render(view.c.said.status(), &view))
}

/// A staff action's answer: back to the list, or the list saying why not (`member`:
/// the row whose form it was, none for the invite form).
async fn after<T>(
    page: StaffPage,
    done: Result<T, ApiError>,
    member: Option<&str>,
) -> Result<Response, PageError> {
    answer(page.lang, done, "/admin/staff?done=saved", |said| {
        let said = match member {
            Some(m) => said.within(m),
            None => said,
        };
        staff_view(page, said)
    })
    .await
}

async fn invite(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let body = NewStaff {
        email: form.text("email"),
        name: form.text("name"),
        role: form.text("role"),
    };
    let done = staff::invite(again(&page.call), Json(body)).await;
    after(page, done, None).await
}

async fn change_role(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    let body = StaffChange {
        role: form.optional("role"),
        status: None,
    };
    let member = id.to_string();
    let done = staff::update(again(&page.call), id, Json(body)).await;
    after(page, done, Some(&member)).await
}

async fn remove(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    let member = id.to_string();
    let done = staff::remove(again(&page.call), id).await;
    after(page, done, Some(&member)).await
}

#[derive(Template)]
#[template(path = "admin/profile.html")]
struct ProfilePage {
    c: Chrome,
    me: Staff,
}

async fn profile(page: StaffPage, Query(search): Query<Search>) -> Result<Response, PageError> {
    let w = page.lang.words();
    let notice = match search.done.as_str() {
        "password" => Some(w.password_changed),
        "" => None,
        _ => Some(w.saved),
    };
    profile_view(page, Said::notice(notice)).await
}

async fn profile_view(page: StaffPage, said: Said) -> Result<Response, PageError> {
    let lang = page.lang;
    let me = account::me(again(&page.call)).await.on_page(lang)?.0;
    let mut c = chrome(&page, lang.words().profile, "/admin/profile");
    c.said = said;
    let view = ProfilePage { c, me };
    Ok(render(view.c.said.status(), &view))
}

async fn save_profile(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let done = match body_of(form.fields(&["name"], &["title", "phone", "locale"])) {
        Ok(body) => account::update_me(again(&page.call), Json(body)).await,
        Err(err) => Err(err),
    };
    answer(page.lang, done, "/admin/profile?done=profile", |said| {
        profile_view(page, said)
    })
    .await
}

async fn change_password(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let new_password = form.secret("new_password");
    if new_password != form.secret("confirm_password") {
        let refusal = Refusal::about("confirm_password", page.lang.words().passwords_differ);
        return profile_view(page, Said::refused(refusal)).await;
    }
    let body = ChangePassword {
        current_password: form.secret("current_password"),
        new_password,
    };
    match account::change_password(again(&page.call), Json(body)).await {
        Ok(_) => Ok(Redirect::to("/admin/profile?done=password").into_response()),
        Err(err) => {
            let said = Said::refused(password_refusal(err, page.lang)?);
            profile_view(page, said).await
        }
    }
}
