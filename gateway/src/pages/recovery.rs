//! Forgot and reset password, for either tier: the same pages over the tier's own
//! recovery routes (`routes::recovery`), with the same limits and answers.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use serde::Deserialize;

use super::customer::{login_here, public_chrome};
use super::i18n::Lang;
use super::session::{PageForm, is_slug};
use super::{Chrome, render};
use crate::GatewayState;
use crate::api::{Forgot, TokenAndPassword};
use crate::extract::{ClientAddr, Json};
use crate::routes::recovery::{self, CustomerRecovery, Recovery, StaffRecovery};

/// Where a tier's pages live.
pub trait Tier: Recovery + Send + Sync {
    /// `/customer` or `/admin`.
    const BASE: &'static str;
}

impl Tier for CustomerRecovery {
    const BASE: &'static str = "/customer";
}

impl Tier for StaffRecovery {
    const BASE: &'static str = "/admin";
}

#[derive(Deserialize, Default)]
pub struct Link {
    #[serde(default)]
    org: String,
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    c: Chrome,
    action: String,
    back: String,
    org: String,
    sent: bool,
    error: Option<&'static str>,
}

/// The sign-in page of the tier.
fn sign_in<T: Tier>(org: &str) -> String {
    if T::BASE == "/customer" {
        login_here(org)
    } else {
        "/admin/login".to_owned()
    }
}

pub async fn forgot_form<T: Tier>(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Query(q): Query<Link>,
) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let org = if is_slug(&q.org) {
        q.org
    } else {
        String::new()
    };
    let action = format!("{}/forgot-password", T::BASE);
    let c = public_chrome(&state, lang, lang.words().forgot_title, &action, &org).await;
    let page = ForgotPage {
        c,
        back: sign_in::<T>(&org),
        action,
        org,
        sent: false,
        error: None,
    };
    render(StatusCode::OK, &page)
}

pub async fn forgot<T: Tier>(
    State(state): State<GatewayState>,
    addr: ClientAddr,
    headers: HeaderMap,
    form: PageForm,
) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let body = Forgot {
        org: form.text("org"),
        email: form.text("email"),
    };
    let org = if is_slug(&body.org) {
        body.org.clone()
    } else {
        String::new()
    };
    let answer = recovery::forgot::<T>(State(state.clone()), addr, Json(body)).await;
    let action = format!("{}/forgot-password", T::BASE);
    let c = public_chrome(&state, lang, lang.words().forgot_title, &action, &org).await;
    let (status, sent, error) = match answer {
        Ok(_) => (StatusCode::OK, true, None),
        Err(err) => (err.status, false, Some(lang.words().error(&err.code))),
    };
    render(
        status,
        &ForgotPage {
            c,
            back: sign_in::<T>(&org),
            action,
            org,
            sent,
            error,
        },
    )
}

/// The set-password form of a reset link or an invitation.
#[derive(Template)]
#[template(path = "set_password.html")]
pub struct SetPasswordPage {
    pub c: Chrome,
    pub heading: &'static str,
    pub intro: Option<String>,
    pub action: &'static str,
    pub token: String,
    /// The link works: the form is shown.
    pub usable: bool,
    pub done: Option<String>,
    pub error: Option<&'static str>,
    pub confirm_error: bool,
}

impl SetPasswordPage {
    pub fn new(
        c: Chrome,
        heading: &'static str,
        action: &'static str,
        token: String,
    ) -> SetPasswordPage {
        SetPasswordPage {
            c,
            heading,
            intro: None,
            action,
            token,
            usable: true,
            done: None,
            error: None,
            confirm_error: false,
        }
    }
}

fn reset_action<T: Tier>() -> &'static str {
    if T::BASE == "/customer" {
        "/customer/reset-password"
    } else {
        "/admin/reset-password"
    }
}

pub async fn reset_form<T: Tier>(headers: HeaderMap, Query(q): Query<Link>) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let w = lang.words();
    let c = Chrome::public(lang, w.reset_title, reset_action::<T>());
    render(
        StatusCode::OK,
        &SetPasswordPage::new(c, w.reset_title, reset_action::<T>(), q.token),
    )
}

pub async fn reset<T: Tier>(
    State(state): State<GatewayState>,
    addr: ClientAddr,
    headers: HeaderMap,
    form: PageForm,
) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let w = lang.words();
    let token = form.text("token");
    let c = Chrome::public(lang, w.reset_title, reset_action::<T>());
    let mut page = SetPasswordPage::new(c, w.reset_title, reset_action::<T>(), token.clone());
    let password = form.secret("new_password");
    if password != form.secret("confirm_password") {
        page.error = Some(w.passwords_differ);
        page.confirm_error = true;
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let body = TokenAndPassword { token, password };
    match recovery::reset::<T>(State(state), addr, Json(body)).await {
        Ok(_) => {
            page.usable = false;
            page.done = Some(w.reset_done.to_owned());
            render(StatusCode::OK, &page)
        }
        Err(err) => {
            page.usable = err.code != "TOKEN_INVALID";
            page.error = Some(w.error(&err.code));
            render(err.status, &page)
        }
    }
}
