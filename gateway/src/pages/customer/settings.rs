//! The customer's settings: profile, password change, and their sessions, any of which
//! they can end.

use askama::Template;
use atrium_common::error::ApiError;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::HeaderMap;
use serde::Deserialize;

use crate::GatewayState;
use crate::api::ChangePassword;
use crate::api::people::Session;
use crate::extract::{ClientAddr, Json, PathId};
use crate::pages::said::{Refusal, Said, password_refusal, refusal};
use crate::pages::session::{CustomerPage, PageForm, customer_sign_in};
use crate::pages::sign_in::redirect_with_cookies;
use crate::pages::{Chrome, OnPage, PageError, SignedIn, again, body_of, render};
use crate::routes::customer::{account, me, sessions};

const HERE: &str = "/customer/settings";

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route(HERE, get(settings))
        .route("/customer/settings/profile", post(save_profile))
        .route("/customer/settings/password", post(change_password))
        .route("/customer/settings/sessions/{id}/end", post(end_session))
}

#[derive(Template)]
#[template(path = "customer/settings.html")]
struct SettingsPage {
    c: Chrome,
    customer: atrium_proto::identity::v1::Customer,
    sessions: Vec<Session>,
}

#[derive(Deserialize, Default)]
struct Done {
    #[serde(default)]
    done: String,
}

async fn settings(page: CustomerPage, Query(done): Query<Done>) -> Result<Response, PageError> {
    let w = page.lang.words();
    let notice = match done.done.as_str() {
        "profile" => Some(w.saved),
        "password" => Some(w.password_changed),
        "session" => Some(w.done),
        _ => None,
    };
    settings_view(page, Said::notice(notice)).await
}

async fn settings_view(page: CustomerPage, said: Said) -> Result<Response, PageError> {
    let lang = page.lang;
    let (list, mut c) = tokio::join!(
        sessions::list(again(&page.call)),
        page.chrome(lang.words().settings, HERE),
    );
    c.said = said;
    let view = SettingsPage {
        c,
        customer: page.customer.clone(),
        sessions: list.on_page(lang)?.0.items,
    };
    Ok(render(view.c.said.status(), &view))
}

async fn save_profile(page: CustomerPage, form: PageForm) -> Result<Response, PageError> {
    let body = form.fields(&["name"], &["company", "phone", "address"]);
    let done = match body_of(body) {
        Ok(body) => me::update_me(again(&page.call), Json(body)).await,
        Err(err) => Err(err),
    };
    match done {
        Ok(_) => Ok(Redirect::to("/customer/settings?done=profile").into_response()),
        Err(err) => {
            let said = Said::refused(refusal(err, page.lang)?);
            settings_view(page, said).await
        }
    }
}

async fn change_password(
    page: CustomerPage,
    addr: ClientAddr,
    headers: HeaderMap,
    form: PageForm,
) -> Result<Response, PageError> {
    let new_password = form.secret("new_password");
    if new_password != form.secret("confirm_password") {
        let refusal = Refusal::about("confirm_password", page.lang.words().passwords_differ);
        return settings_view(page, Said::refused(refusal)).await;
    }
    let body = ChangePassword {
        current_password: form.secret("current_password"),
        new_password,
    };
    let state = page.call.state.clone();
    let session = page.call.session.clone();
    match account::change_password(State(state), addr, headers, session, Json(body)).await {
        Ok(answer) => Ok(redirect_with_cookies(
            "/customer/settings?done=password",
            &answer,
            None,
        )),
        Err(err) => {
            let said = Said::refused(password_refusal(err, page.lang)?);
            settings_view(page, said).await
        }
    }
}

async fn end_session(
    page: CustomerPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let id = id.on_page(lang)?;
    let own = id.to_string() == page.call.session_id;
    sessions::end(page.call, id).await.on_page(lang)?;
    if own {
        return Ok(Redirect::to(&customer_sign_in(&HeaderMap::new())).into_response());
    }
    Ok(Redirect::to("/customer/settings?done=session").into_response())
}
