//! Who a page is for: the signed-in customer (the API's session cookie) or staff member
//! (the console's own cookie), checked by the same extractors as the JSON API on every
//! request; a page without a live session answers 303 to its tier's sign-in. Forms carry
//! the session's CSRF token in a hidden field, which [`PageForm`] checks.

use atrium_common::error::ApiError;
use atrium_proto::identity::v1 as pb;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use http::request::Parts;
use http::{HeaderMap, HeaderValue};
use secrecy::ExposeSecret;
use sha2::Sha256;

use super::PageError;
use super::i18n::Lang;
use crate::GatewayState;
use crate::extract::{
    Call, CustomerCall, CustomerSession, MAX_JSON_BODY, StaffCall, StaffSession, Wants, cookie,
};

/// The cookie that remembers which organization a customer signed in to, so a page whose
/// session ended can send them to that organization's sign-in.
pub const ORG_COOKIE: &str = "atrium_org";
/// The staff console's own cookie: the staff access token, for `/admin` pages only.
pub const STAFF_COOKIE: &str = "atrium_staff";

/// The CSRF token a page's forms must carry, put here by the page's session extractor.
#[derive(Clone)]
struct ExpectedCsrf(String);

/// The customer sign-in page, for the organization the browser last signed in to.
pub fn customer_sign_in(headers: &HeaderMap) -> String {
    match cookie(headers, ORG_COOKIE).filter(|org| is_slug(org)) {
        Some(org) => format!("/customer/login?org={org}"),
        None => "/customer/login".to_owned(),
    }
}

/// `[a-z0-9-]`, as organization and gallery slugs are.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A signed-in customer's page: their call, profile, organization and account manager.
pub struct CustomerPage {
    pub call: CustomerCall,
    pub customer: pb::Customer,
    pub organization: pb::Organization,
    pub account_manager: Option<pb::Staff>,
    pub lang: Lang,
}

impl FromRequestParts<GatewayState> for CustomerPage {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &GatewayState,
    ) -> Result<Self, PageError> {
        let checked = CustomerSession::check(parts, state, Wants::Context, false).await;
        let (session, response) = match checked {
            Ok(found) => found,
            Err(err) if err.status == http::StatusCode::UNAUTHORIZED => {
                return Err(PageError::SignIn(customer_sign_in(&parts.headers)));
            }
            Err(err) => {
                return Err(PageError::api(
                    err,
                    Lang::choose(&parts.headers, None, None),
                ));
            }
        };
        let customer = response.customer.unwrap_or_default();
        let lang = Lang::choose(&parts.headers, Some(&customer.locale), None);
        parts
            .extensions
            .insert(ExpectedCsrf(session.csrf_token.clone()));
        parts.extensions.insert(lang);
        Ok(CustomerPage {
            call: Call {
                session,
                state: state.clone(),
            },
            customer,
            organization: response.organization.unwrap_or_default(),
            account_manager: response.account_manager,
            lang,
        })
    }
}

/// A signed-in staff member's page.
pub struct StaffPage {
    pub call: StaffCall,
    pub csrf: String,
    pub lang: Lang,
}

impl StaffPage {
    /// A multipart form's CSRF token (sent as its first part), checked like a form's.
    pub fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        if sent.is_empty() || !atrium_common::token::secrets_equal(sent, &self.csrf) {
            return Err(PageError::api(crate::extract::csrf_failed(), self.lang));
        }
        Ok(())
    }
}

impl FromRequestParts<GatewayState> for StaffPage {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &GatewayState,
    ) -> Result<Self, PageError> {
        let lang = Lang::choose(&parts.headers, None, None);
        let session = match StaffSession::from_request_parts(parts, state).await {
            Ok(session) => session,
            Err(err) if err.status == http::StatusCode::UNAUTHORIZED => {
                return Err(PageError::SignIn("/admin/login".to_owned()));
            }
            Err(err) => return Err(PageError::api(err, lang)),
        };
        let csrf = staff_csrf(state, &session.session_id);
        let lang = Lang::choose(&parts.headers, Some(&session.locale), None);
        parts.extensions.insert(ExpectedCsrf(csrf.clone()));
        parts.extensions.insert(lang);
        Ok(StaffPage {
            call: Call {
                session,
                state: state.clone(),
            },
            csrf,
            lang,
        })
    }
}

/// The staff session's CSRF token: keyed by the service token, so only the gateway can
/// make it, and bound to the session, so it dies with it.
fn staff_csrf(state: &GatewayState, session_id: &str) -> String {
    let key = state.settings.service_token.expose_secret().as_bytes();
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"atrium staff csrf\0");
    mac.update(session_id.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// For `/admin` pages: the console cookie becomes the bearer credential the staff
/// extractors read (any `Authorization` the browser sent is dropped: the tiers and the
/// API's bearer-only rule never mix). An access token past its expiry is renewed from
/// its live session first, and the new one set in the cookie.
pub async fn staff_cookie(
    State(state): State<GatewayState>,
    mut request: Request,
    next: Next,
) -> Response {
    let headers = request.headers_mut();
    headers.remove(http::header::AUTHORIZATION);
    let Some(mut token) = cookie(headers, STAFF_COOKIE) else {
        return next.run(request).await;
    };
    let mut renewed = None;
    if expires_soon(&token, state.clock.now().timestamp()) {
        let refresh = pb::RefreshStaffTokenRequest {
            access_token: token.clone(),
        };
        if let Ok(answer) = state
            .clients
            .staff_auth
            .clone()
            .refresh_staff_token(refresh)
            .await
        {
            token = answer.into_inner().access_token;
            renewed = Some(token.clone());
        }
    }
    if let Ok(value) = HeaderValue::from_str(&format!("Bearer {token}")) {
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, value);
    }
    let mut response = next.run(request).await;
    if let Some(value) = renewed.and_then(|token| staff_cookie_value(&state, &token)) {
        response
            .headers_mut()
            .append(http::header::SET_COOKIE, value);
    }
    response
}

/// The console cookie holding `token` (empty: cleared).
pub fn staff_cookie_value(state: &GatewayState, token: &str) -> Option<HeaderValue> {
    let secure = state.settings.public_url.starts_with("https://");
    let end = if token.is_empty() { "; Max-Age=0" } else { "" };
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{STAFF_COOKIE}={token}; Path=/admin; HttpOnly; SameSite=Strict{end}{secure}"
    ))
    .ok()
}

/// Whether a JWT's `exp` is within 30 s (read, not trusted: identity verifies it).
fn expires_soon(token: &str, now: i64) -> bool {
    let Some(payload) = token.split('.').nth(1) else {
        return false;
    };
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload) else {
        return false;
    };
    #[derive(serde::Deserialize)]
    struct Exp {
        exp: i64,
    }
    serde_json::from_slice::<Exp>(&bytes).is_ok_and(|claims| claims.exp - 30 <= now)
}

/// A submitted form (`application/x-www-form-urlencoded`), its fields in order. On a
/// signed-in page it must carry the session's CSRF token in `csrf_token`, else 403 and
/// nothing changes.
pub struct PageForm {
    fields: Vec<(String, String)>,
}

impl PageForm {
    /// The field's value, trimmed; empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }

    /// The field's value, `None` when absent or blank.
    pub fn optional(&self, name: &str) -> Option<String> {
        Some(self.text(name)).filter(|v| !v.is_empty())
    }

    /// Every value of a field sent many times (a multi-select).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Text fields as a JSON body: `required` as typed (blank stays blank, for the API to
    /// refuse), `optional` blank as `null` (cleared, or the API's default).
    pub fn fields(
        &self,
        required: &[&str],
        optional: &[&str],
    ) -> serde_json::Map<String, serde_json::Value> {
        let mut body = serde_json::Map::new();
        for name in required {
            body.insert((*name).into(), self.text(name).into());
        }
        for name in optional {
            let value = self.optional(name);
            body.insert(
                (*name).into(),
                value.map_or(serde_json::Value::Null, Into::into),
            );
        }
        body
    }

    /// A number field as a JSON number (text that is not one stays text, so the API
    /// refuses it).
    pub fn number(&self, name: &str) -> serde_json::Value {
        let text = self.text(name);
        text.parse::<i64>().map_or_else(|_| text.into(), Into::into)
    }

    /// The password field as typed (never trimmed).
    pub fn secret(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequest<S> for PageForm {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &S) -> Result<Self, PageError> {
        let lang = request
            .extensions()
            .get::<Lang>()
            .copied()
            .unwrap_or_else(|| Lang::choose(request.headers(), None, None));
        let expected = request.extensions().get::<ExpectedCsrf>().cloned();
        let is_form = request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                v.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        if !is_form {
            let err = ApiError::with_code(
                http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "a form must be sent as application/x-www-form-urlencoded",
            );
            return Err(PageError::api(err, lang));
        }
        let bytes = axum::body::to_bytes(request.into_body(), MAX_JSON_BODY)
            .await
            .map_err(|_| PageError::api(crate::extract::payload_too_large(), lang))?;
        let _ = state;
        let fields: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
        let form = PageForm { fields };
        if let Some(ExpectedCsrf(expected)) = expected {
            let sent = form.secret("csrf_token");
            if sent.is_empty() || !atrium_common::token::secrets_equal(&sent, &expected) {
                return Err(PageError::api(crate::extract::csrf_failed(), lang));
            }
        }
        Ok(form)
    }
}
