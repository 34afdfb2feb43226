//! The web pages: the customer portal under `/customer`, the guest gallery under
//! `/gallery`, the staff console under `/admin`, rendered on the server from templates
//! checked at compile time (`gateway/templates/`). Page handlers call the JSON routes'
//! own handler functions with the same session extractors, so a page and its API route
//! answer alike; every form works without script and carries the CSRF token.

mod admin;
mod assets;
mod customer;
mod gallery;
mod i18n;
mod link;
mod notices;
mod recovery;
mod said;
mod session;
mod sign_in;

use askama::Template;
use atrium_common::error::ApiError;
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::{HeaderValue, StatusCode, header};

use crate::GatewayState;
use crate::api::settings::PublicBranding;
use crate::extract::{ActsFor, Call};
use i18n::{LANG_COOKIE, Lang, Words};
use said::Said;
pub use session::{PageForm, is_slug};

/// The pages' routes (merged beside the JSON routes).
pub fn router(state: GatewayState) -> Router<GatewayState> {
    let open = Router::new()
        .route("/", get(|| async { Redirect::to("/customer") }))
        .route("/assets/{name}", get(assets::serve))
        .route("/brand/{file}", get(brand_css))
        .route("/lang", post(switch_language))
        .merge(customer::router())
        .merge(link::router())
        .merge(gallery::router());
    let console = admin::router().layer(axum::middleware::from_fn_with_state(
        state.clone(),
        session::staff_cookie,
    ));
    open.merge(console)
        .layer(axum::middleware::from_fn_with_state(state, page_headers))
}

/// Every page's headers (`web.md`, Rules): the CSP, nosniff, the referrer policy
/// (`no-referrer` where the URL holds a token), `no-store` on every page but the assets,
/// HSTS under https.
async fn page_headers(State(state): State<GatewayState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let holds_token = request.uri().query().is_some_and(|q| q.contains("token="))
        || ["/i/", "/portal/", "/q/"]
            .iter()
            .any(|p| path.starts_with(p));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static(if holds_token {
            "no-referrer"
        } else {
            "same-origin"
        }),
    );
    if !path.starts_with("/assets/") && !path.starts_with("/brand/") {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.settings.public_url.starts_with("https://") {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// What every page's frame shows: the language, title, branding, navigation, the CSRF
/// token of its forms and the sign-out button.
pub struct Chrome {
    pub w: &'static Words,
    pub lang: Lang,
    pub title: String,
    pub css: String,
    pub js: String,
    /// The organization whose colour the page wears (`/brand/{org}.css`).
    pub brand_css: Option<String>,
    pub brand_name: Option<String>,
    pub brand_logo: Option<String>,
    pub home: &'static str,
    pub nav: Vec<Nav>,
    pub csrf: String,
    /// The sign-out form's action, on signed-in pages.
    pub sign_out: Option<&'static str>,
    /// What the page polls to notice that its session ended.
    pub session_check: Option<&'static str>,
    /// Where the language switch comes back to.
    pub here: String,
    /// What the page says after a form: done, or why not.
    pub said: Said,
}

/// One navigation link.
pub struct Nav {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

impl Chrome {
    /// The frame of a page nobody is signed in to.
    pub fn public(lang: Lang, title: &str, here: &str) -> Chrome {
        Chrome {
            w: lang.words(),
            lang,
            title: title.to_owned(),
            css: assets::css(),
            js: assets::js(),
            brand_css: None,
            brand_name: None,
            brand_logo: None,
            home: "/customer",
            nav: Vec::new(),
            csrf: String::new(),
            sign_out: None,
            session_check: None,
            here: here.to_owned(),
            said: Said::default(),
        }
    }

    /// A date as the page's language writes it.
    pub fn date(&self, text: &str) -> String {
        self.lang.date(text)
    }

    /// A time as the page's language writes it.
    pub fn time(&self, text: &str) -> String {
        self.lang.time(text)
    }

    pub fn number(&self, n: &i64) -> String {
        self.lang.number(*n)
    }

    pub fn status(&self, status: &str) -> &'static str {
        self.w.status_word(status)
    }

    pub fn money(&self, m: &crate::api::billing::Money) -> String {
        self.lang.money(m.amount_minor, &m.currency)
    }

    pub fn minor(&self, minor: &i64, currency: &str) -> String {
        self.lang.money(*minor, currency)
    }
}

/// The frame of a sign-in or recovery page, in `org`'s branding when it names one.
pub async fn public_chrome(
    state: &GatewayState,
    lang: Lang,
    title: &str,
    here: &str,
    org: &str,
) -> Chrome {
    let mut c = Chrome::public(lang, title, here);
    if is_slug(org) {
        let branding = brand_of(state, org).await;
        c.brand_css = Some(format!("/brand/{org}.css"));
        c.brand_name = branding.company_name;
        c.brand_logo = branding.logo_url;
    }
    c
}

/// The organization's public branding (none when it cannot be read).
pub async fn brand_of(state: &GatewayState, org: &str) -> PublicBranding {
    crate::routes::public::branding::branding(state, org.to_owned())
        .await
        .unwrap_or_default()
}

/// A signed-in page of either tier: its call, its language and its frame.
pub trait SignedIn: Send + Sync {
    type Session: ActsFor + Clone + Send + Sync;
    /// `/customer` or `/admin`.
    const BASE: &'static str;

    fn call(&self) -> &Call<Self::Session>;

    fn lang(&self) -> Lang;

    /// The page's frame (a customer's wears the organization's branding).
    fn chrome(&self, title: &str, here: &str) -> impl Future<Output = Chrome> + Send;
}

/// A form's fields as the JSON body of the API route it stands for, so the page is held
/// to the same validation (a field that does not fit is the same 422).
pub fn body_of<T: serde::de::DeserializeOwned>(
    fields: serde_json::Map<String, serde_json::Value>,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(serde_json::Value::Object(fields)).map_err(|err| {
        let field = err.path().to_string();
        ApiError::invalid_field(&field, "does not fit")
    })
}

/// Words the notices of known kinds in the page's language.
pub(crate) fn localize(lang: Lang, items: &mut [crate::routes::notifications::Notification]) {
    for n in items {
        if let Some((title, body)) = lang.words().notice(&n.kind, &n.params) {
            n.title = title;
            n.body = body;
        }
    }
}

/// Renders a template as the page's answer.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "rendering a page");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Why a page is not shown: no live session (303 to sign-in), or the API's error, shown
/// in words on an error page with the API's status.
pub enum PageError {
    SignIn(String),
    Api(ApiError, Lang),
}

/// Another call as the same signed-in person, for a page that calls several handlers.
pub fn again<S: Clone>(call: &crate::extract::Call<S>) -> crate::extract::Call<S> {
    crate::extract::Call {
        session: call.session.clone(),
        state: call.state.clone(),
    }
}

/// An API answer on a page: its error becomes the page's error.
pub trait OnPage<T> {
    fn on_page(self, lang: Lang) -> Result<T, PageError>;
}

impl<T> OnPage<T> for Result<T, ApiError> {
    fn on_page(self, lang: Lang) -> Result<T, PageError> {
        self.map_err(|err| PageError::api(err, lang))
    }
}

impl PageError {
    pub fn api(err: ApiError, lang: Lang) -> PageError {
        PageError::Api(err, lang)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    message: &'static str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn(to) => Redirect::to(&to).into_response(),
            PageError::Api(err, lang) => {
                let w = lang.words();
                let title = match err.status {
                    StatusCode::NOT_FOUND => w.not_found_title,
                    StatusCode::FORBIDDEN => w.forbidden_title,
                    _ => w.error_title,
                };
                let mut c = Chrome::public(lang, title, "/");
                c.home = "/";
                let page = ErrorPage {
                    c,
                    message: w.error(&err.code),
                };
                let mut response = render(err.status, &page);
                if let Some(seconds) = err.retry_after {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                }
                response
            }
        }
    }
}

/// The language switch: remembers the choice for a year and goes back where it was.
async fn switch_language(State(state): State<GatewayState>, form: PageForm) -> Response {
    let lang = Lang::parse(&form.text("lang")).unwrap_or(Lang::En);
    let back = form.text("back");
    let back = if back.starts_with('/') && !back.starts_with("//") && !back.contains('\\') {
        back
    } else {
        "/".to_owned()
    };
    let secure = if state.settings.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        lang.code()
    );
    let mut response = Redirect::to(&back).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// `/brand/{org}.css`: the organization's primary colour as the pages' brand colour,
/// with a text colour that keeps WCAG AA contrast on it.
async fn brand_css(State(state): State<GatewayState>, Path(file): Path<String>) -> Response {
    let Some(org) = file.strip_suffix(".css").filter(|org| is_slug(org)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let colour = crate::routes::public::branding::branding(&state, org.to_owned())
        .await
        .ok()
        .and_then(|b| b.primary_color)
        .filter(|c| parse_hex(c).is_some());
    let css = match colour {
        Some(colour) => format!(
            ":root{{--brand:{colour};--brand-text:{}}}\n",
            text_on(&colour)
        ),
        None => String::new(),
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        css,
    )
        .into_response()
}

fn parse_hex(colour: &str) -> Option<[f64; 3]> {
    let hex = colour.strip_prefix('#').filter(|h| h.len() == 6)?;
    let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?].map(|c| f64::from(c) / 255.0))
}

fn luminance(rgb: [f64; 3]) -> f64 {
    let lin = |c: f64| {
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
}

/// White text on a dark colour, dark text on a light one: whichever contrasts more.
fn text_on(colour: &str) -> &'static str {
    let l = parse_hex(colour).map_or(0.0, luminance);
    let on_white = 1.05 / (l + 0.05);
    let on_dark = (l + 0.05) / (luminance([0.106, 0.122, 0.141]) + 0.05);
    if on_white >= on_dark {
        "#ffffff"
    } else {
        "#1b1f24"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brand_text_keeps_contrast() {
        assert_eq!(text_on("#1f4e79"), "#ffffff");
        assert_eq!(text_on("#ffe14d"), "#1b1f24");
        assert_eq!(text_on("#ffffff"), "#1b1f24");
    }
}
