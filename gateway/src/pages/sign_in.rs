//! Signing in and accepting an invitation, for either tier: one page and one flow over
//! the tier's own JSON handlers (the same throttles and answers); a tier says only where
//! it lives and how its answer becomes its cookie.

use askama::Template;
use atrium_common::error::ApiError;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::SET_COOKIE;
use http::{HeaderMap, HeaderValue};
use serde::Deserialize;

use super::i18n::{Lang, Words};
use super::said::{Refusal, Said};
use super::session::{ORG_COOKIE, PageForm, is_slug, staff_cookie_value};
use super::{Chrome, public_chrome, render};
use crate::GatewayState;
use crate::api::{Login, TokenAndPassword};
use crate::extract::{ClientAddr, Json};
use crate::routes::recovery::{CustomerRecovery, Recovery, StaffRecovery};
use crate::routes::{admin, customer};

/// What the two tiers' sign-in pages differ in.
pub trait Tier: Recovery + Send + Sync {
    /// `/customer` or `/admin`.
    const BASE: &'static str;

    fn sign_in_title(w: &Words) -> &'static str;

    /// The tier's sign-in page (a customer's for `org`, when it names one).
    fn sign_in(org: &str) -> String;

    /// Signs in: the answer that lands on the tier's home with its cookie.
    fn login(
        state: GatewayState,
        addr: ClientAddr,
        headers: HeaderMap,
        body: Login,
    ) -> impl Future<Output = Result<Response, ApiError>> + Send;

    /// Accepts an invitation: the new account lands signed in.
    fn accept(
        state: GatewayState,
        addr: ClientAddr,
        headers: HeaderMap,
        body: TokenAndPassword,
    ) -> impl Future<Output = Result<Response, ApiError>> + Send;
}

impl Tier for CustomerRecovery {
    const BASE: &'static str = "/customer";

    fn sign_in_title(w: &Words) -> &'static str {
        w.sign_in_title
    }

    fn sign_in(org: &str) -> String {
        if org.is_empty() {
            "/customer/login".to_owned()
        } else {
            format!("/customer/login?org={org}")
        }
    }

    async fn login(
        state: GatewayState,
        addr: ClientAddr,
        headers: HeaderMap,
        body: Login,
    ) -> Result<Response, ApiError> {
        let org = body.org.clone();
        let answer = customer::account::login(State(state), addr, headers, Json(body)).await?;
        Ok(redirect_with_cookies("/customer", &answer, Some(&org)))
    }

    async fn accept(
        state: GatewayState,
        addr: ClientAddr,
        headers: HeaderMap,
        body: TokenAndPassword,
    ) -> Result<Response, ApiError> {
        let answer =
            customer::account::accept_invitation(State(state), addr, headers, Json(body)).await?;
        Ok(redirect_with_cookies("/customer", &answer, None))
    }
}

impl Tier for StaffRecovery {
    const BASE: &'static str = "/admin";

    fn sign_in_title(w: &Words) -> &'static str {
        w.staff_sign_in_title
    }

    fn sign_in(_org: &str) -> String {
        "/admin/login".to_owned()
    }

    async fn login(
        state: GatewayState,
        addr: ClientAddr,
        headers: HeaderMap,
        body: Login,
    ) -> Result<Response, ApiError> {
        let axum::Json(token) =
            admin::account::login(State(state.clone()), addr, headers, Json(body)).await?;
        Ok(with_staff_cookie(&state, "/admin", &token.access_token))
    }

    async fn accept(
        state: GatewayState,
        addr: ClientAddr,
        headers: HeaderMap,
        body: TokenAndPassword,
    ) -> Result<Response, ApiError> {
        let axum::Json(token) =
            admin::account::accept_invitation(State(state.clone()), addr, headers, Json(body))
                .await?;
        Ok(with_staff_cookie(&state, "/admin", &token.access_token))
    }
}

/// A redirect that also sets the cookies of `from` (a customer sign-in's answer), and
/// remembers `org` for the next sign-in page.
pub fn redirect_with_cookies(to: &str, from: &Response, org: Option<&str>) -> Response {
    let mut response = Redirect::to(to).into_response();
    for value in from.headers().get_all(SET_COOKIE) {
        response.headers_mut().append(SET_COOKIE, value.clone());
    }
    if let Some(org) = org.filter(|org| is_slug(org)) {
        let cookie = format!("{ORG_COOKIE}={org}; Path=/; Max-Age=31536000; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

/// A redirect to `to` that sets the console cookie to `token` (empty: clears it).
pub fn with_staff_cookie(state: &GatewayState, to: &str, token: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Some(value) = staff_cookie_value(state, token) {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    response
}

/// The query of a sign-in, recovery or invitation link.
#[derive(Deserialize, Default)]
pub struct Link {
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub token: String,
}

/// `org` when it is a slug, else nothing.
pub fn slug_or_empty(org: String) -> String {
    if is_slug(&org) { org } else { String::new() }
}

#[derive(Template)]
#[template(path = "customer/login.html")]
struct LoginPage {
    c: Chrome,
    action: String,
    forgot: String,
    org: String,
    email: String,
}

async fn login_page<T: Tier>(
    state: &GatewayState,
    lang: Lang,
    org: String,
    email: String,
    said: Said,
) -> Response {
    let title = T::sign_in_title(lang.words());
    let mut c = public_chrome(state, lang, title, &T::sign_in(&org), &org).await;
    c.said = said;
    let forgot = if org.is_empty() {
        format!("{}/forgot-password", T::BASE)
    } else {
        format!("{}/forgot-password?org={org}", T::BASE)
    };
    let page = LoginPage {
        action: format!("{}/login", T::BASE),
        forgot,
        org,
        email,
        c,
    };
    render(page.c.said.status(), &page)
}

pub async fn login_form<T: Tier>(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Query(q): Query<Link>,
) -> Response {
    let lang = Lang::choose(&headers, None, None);
    login_page::<T>(
        &state,
        lang,
        slug_or_empty(q.org),
        String::new(),
        Said::default(),
    )
    .await
}

pub async fn login<T: Tier>(
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
    let (org, email) = (body.org.clone(), body.email.clone());
    match T::login(state.clone(), addr, headers, body).await {
        Ok(landed) => landed,
        Err(err) => {
            let refused = Said::refused(Refusal::of(&err, lang).on("password"));
            let mut answer =
                login_page::<T>(&state, lang, slug_or_empty(org), email, refused).await;
            if let Some(seconds) = err.retry_after {
                answer
                    .headers_mut()
                    .insert(http::header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            answer
        }
    }
}

/// The set-password form of a reset link or an invitation.
#[derive(Template)]
#[template(path = "set_password.html")]
pub struct SetPasswordPage {
    pub c: Chrome,
    pub heading: &'static str,
    pub intro: Option<String>,
    pub action: String,
    pub token: String,
    /// The link works: the form is shown.
    pub usable: bool,
}

impl SetPasswordPage {
    pub fn new(c: Chrome, heading: &'static str, action: String, token: String) -> Self {
        SetPasswordPage {
            c,
            heading,
            intro: None,
            action,
            token,
            usable: true,
        }
    }

    /// The new password typed twice alike, else this page refusing the confirmation.
    pub fn typed(&mut self, form: &PageForm) -> Option<String> {
        let password = form.secret("new_password");
        if password == form.secret("confirm_password") {
            return Some(password);
        }
        let differ = self.c.w.passwords_differ;
        self.c.said = Said::refused(Refusal::about("confirm_password", differ));
        None
    }

    /// The API's refusal of the link or the password: a dead link hides the form.
    pub fn refused(&mut self, err: &ApiError) {
        self.usable = err.code != "TOKEN_INVALID";
        let lang = self.c.lang;
        self.c.said = Said::refused(Refusal::of(err, lang).renamed("password", "new_password"));
    }

    pub fn answer(&self) -> Response {
        render(self.c.said.status(), self)
    }
}

/// An invitation's set-password form posted: the account lands signed in.
pub async fn accept<T: Tier>(
    State(state): State<GatewayState>,
    addr: ClientAddr,
    headers: HeaderMap,
    form: PageForm,
) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let w = lang.words();
    let action = format!("{}/accept-invitation", T::BASE);
    let c = public_chrome(&state, lang, w.accept_title, &action, "").await;
    let token = form.text("token");
    let mut page = SetPasswordPage::new(c, w.accept_title, action, token.clone());
    let Some(password) = page.typed(&form) else {
        return page.answer();
    };
    match T::accept(state, addr, headers, TokenAndPassword { token, password }).await {
        Ok(landed) => landed,
        Err(err) => {
            page.refused(&err);
            page.answer()
        }
    }
}
