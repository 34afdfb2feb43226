//! Forgot and reset password, for either tier: the same pages over the tier's own
//! recovery routes (`routes::recovery`), with the same limits and answers.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use http::HeaderMap;

use super::i18n::Lang;
use super::said::{Refusal, Said};
use super::session::PageForm;
use super::sign_in::{Link, SetPasswordPage, Tier, slug_or_empty};
use super::{Chrome, public_chrome, render};
use crate::GatewayState;
use crate::api::{Forgot, TokenAndPassword};
use crate::extract::{ClientAddr, Json};
use crate::routes::recovery;

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    c: Chrome,
    action: String,
    back: String,
    org: String,
    sent: bool,
}

async fn forgot_page<T: Tier>(
    state: &GatewayState,
    lang: Lang,
    org: String,
    said: Said,
) -> Response {
    let action = format!("{}/forgot-password", T::BASE);
    let mut c = public_chrome(state, lang, lang.words().forgot_title, &action, &org).await;
    c.said = said;
    let page = ForgotPage {
        back: T::sign_in(&org),
        sent: c.said.notice.is_some(),
        action,
        org,
        c,
    };
    render(page.c.said.status(), &page)
}

pub async fn forgot_form<T: Tier>(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Query(q): Query<Link>,
) -> Response {
    let lang = Lang::choose(&headers, None, None);
    forgot_page::<T>(&state, lang, slug_or_empty(q.org), Said::default()).await
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
    let org = slug_or_empty(body.org.clone());
    let said = match recovery::forgot::<T>(State(state.clone()), addr, Json(body)).await {
        Ok(_) => Said::notice(Some(lang.words().forgot_sent)),
        Err(err) => Said::refused(Refusal::of(&err, lang)),
    };
    forgot_page::<T>(&state, lang, org, said).await
}

fn reset_page<T: Tier>(lang: Lang, token: String) -> SetPasswordPage {
    let w = lang.words();
    let action = format!("{}/reset-password", T::BASE);
    let c = Chrome::public(lang, w.reset_title, &action);
    SetPasswordPage::new(c, w.reset_title, action, token)
}

pub async fn reset_form<T: Tier>(headers: HeaderMap, Query(q): Query<Link>) -> Response {
    reset_page::<T>(Lang::choose(&headers, None, None), q.token).answer()
}

pub async fn reset<T: Tier>(
    State(state): State<GatewayState>,
    addr: ClientAddr,
    headers: HeaderMap,
    form: PageForm,
) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let token = form.text("token");
    let mut page = reset_page::<T>(lang, token.clone());
    let Some(password) = page.typed(&form) else {
        return page.answer();
    };
    match recovery::reset::<T>(
        State(state),
        addr,
        Json(TokenAndPassword { token, password }),
    )
    .await
    {
        Ok(_) => {
            page.usable = false;
            page.c.said = Said::notice(Some(lang.words().reset_done));
        }
        Err(err) => page.refused(&err),
    }
    page.answer()
}
