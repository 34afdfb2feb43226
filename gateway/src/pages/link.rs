//! The share-link page (`/i/{token}`, its legacy alias `/portal/{token}`, and `/q/{token}`
//! for quotes only): the document a link opens in the organization's branding and the
//! customer's language, through the same calls as `/api/links/…`. Its buttons are plain
//! form posts to `/i/{token}/{action}` carrying a form token derived from the link token
//! (an HMAC only the gateway can make), each answered by a 303 back to the page. No
//! session cookie is read. Every dead, unknown or foreign token gets one page.

use std::net::IpAddr;

use askama::Template;
use atrium_common::error::ApiError;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;
use hmac::{Hmac, Mac};
use http::{HeaderMap, StatusCode};
use secrecy::ExposeSecret;
use serde::Deserialize;
use sha2::Sha256;

use super::i18n::Lang;
use super::said::{Refusal, Said};
use super::session::PageForm;
use super::{Chrome, PageError, render};
use crate::GatewayState;
use crate::api::billing::{CreditNote, InvoiceDetail, Order, Quote, Statement};
use crate::api::documents::CustomerDocument;
use crate::extract::{Call, ClientAddr};
use crate::routes::public::links::recovery::{self, Ask};
use crate::routes::public::links::view::{self, Linked, LinkedSubject};
use crate::routes::public::links::{self, LinkHolder, private};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/i/{token}", get(show))
        .route("/portal/{token}", get(show))
        .route("/q/{token}", get(show_quote))
        .route("/i/{token}/{action}", post(act))
}

#[derive(Template)]
#[template(path = "link.html")]
struct LinkPage {
    c: Chrome,
    /// `/i/{token}`: where the forms post.
    base: String,
    form_token: String,
    /// `None`: the one page of every dead link.
    live: Option<Live>,
}

/// What a live link's page shows.
struct Live {
    org_name: String,
    customer_name: String,
    expires_at: String,
    invoice: Option<InvoiceDetail>,
    quote: Option<Quote>,
    note: Option<CreditNote>,
    order: Option<Order>,
    statement: Option<Statement>,
    document: Option<CustomerDocument>,
}

#[derive(Deserialize, Default)]
struct Done {
    #[serde(default)]
    done: String,
}

/// The form token of the link `token`: keyed by the service token, bound to the link.
fn form_token(state: &GatewayState, token: &str) -> String {
    let key = state.settings.service_token.expose_secret().as_bytes();
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"atrium link form\0");
    mac.update(token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// The page's language: the switch's choice, the customer's own, then the browser's.
fn language(headers: &HeaderMap, customer_locale: Option<&str>) -> Lang {
    Lang::choose(headers, customer_locale, None)
}

/// The customer's locale, asked of identity as the link holder (only themself is found).
async fn locale_of(holder: &Call<LinkHolder>) -> Option<String> {
    let customer = crate::routes::public::links::view::customer_of(holder).await?;
    Some(customer.locale).filter(|l| !l.is_empty())
}

impl Live {
    fn of(linked: Linked, expires_at: String) -> Live {
        let mut live = Live {
            org_name: linked.org.name,
            customer_name: linked.customer.name,
            expires_at,
            invoice: None,
            quote: None,
            note: None,
            order: None,
            statement: None,
            document: None,
        };
        match linked.subject {
            LinkedSubject::Invoice(d) => live.invoice = Some(d),
            LinkedSubject::Quote(q) => live.quote = Some(q),
            LinkedSubject::CreditNote(n) => live.note = Some(n),
            LinkedSubject::Order(o) => live.order = Some(o),
            LinkedSubject::Statement(s) => live.statement = Some(s),
            LinkedSubject::Document(d) => live.document = Some(d),
        }
        live
    }
}

/// The page of the link `token` names (quotes only for `/q/`), saying `said`; the
/// dead-link page for any other token.
async fn page(
    state: &GatewayState,
    (ip, headers): (IpAddr, &HeaderMap),
    token: &str,
    quotes_only: bool,
    said: impl FnOnce(Lang) -> Said,
) -> Result<Response, PageError> {
    let base = format!("/i/{token}");
    let form_token = form_token(state, token);
    let opened = view::view(state, ip, token, "view").await;
    let (live, lang, brand) = match opened {
        Ok((holder, linked))
            if !quotes_only || matches!(linked.subject, LinkedSubject::Quote(_)) =>
        {
            let locale = locale_of(&holder).await;
            let lang = language(headers, locale.as_deref());
            let expires = linked
                .expires_at
                .as_ref()
                .map(|t| lang.time(&t.0))
                .unwrap_or_default();
            let branding = &linked.org.branding;
            let brand = (
                branding.company_name.clone(),
                branding.logo_url.clone(),
                holder.link.org_id.clone(),
            );
            (Some(Live::of(linked, expires)), lang, Some(brand))
        }
        Ok(_) => (None, language(headers, None), None),
        Err(err) if err.code == "TOKEN_INVALID" => (None, language(headers, None), None),
        Err(err) => return Err(PageError::api(err, language(headers, None))),
    };
    let w = lang.words();
    let title = match &live {
        None => w.link.dead_title.to_owned(),
        Some(l) => title_of(l, lang),
    };
    let mut c = Chrome::public(lang, &title, &base);
    c.home = "/customer";
    if let Some((name, logo, org_id)) = brand {
        c.brand_css = Some(format!("/brand/{org_id}.css"));
        c.brand_name = name;
        c.brand_logo = logo;
    }
    c.said = said(lang);
    let status = if live.is_none() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        c.said.status()
    };
    let view = LinkPage {
        c,
        base,
        form_token,
        live,
    };
    Ok(private(render(status, &view)))
}

/// "Invoice RE-2030-0001" and the like.
fn title_of(live: &Live, lang: Lang) -> String {
    let w = lang.words();
    if let Some(d) = &live.invoice {
        format!(
            "{} {}",
            w.bill.invoice,
            d.invoice.number.clone().unwrap_or_default()
        )
    } else if let Some(q) = &live.quote {
        format!("{} {}", w.bill.quote, q.number.clone().unwrap_or_default())
    } else if let Some(n) = &live.note {
        format!("{} {}", w.link.credit_note, n.number)
    } else if let Some(o) = &live.order {
        format!("{} {}", w.books.order, o.number)
    } else if let Some(s) = &live.statement {
        format!("{} {} – {}", w.books.statement, s.from, s.to)
    } else if let Some(d) = &live.document {
        d.title.clone()
    } else {
        String::new()
    }
}

/// What a finished form says when the page comes back.
fn notice(done: &str, lang: Lang) -> Said {
    let w = lang.words();
    Said::notice(match done {
        "accepted" => Some(w.bill.quote_accepted),
        "declined" => Some(w.bill.quote_declined),
        "ended" => Some(w.link.ended),
        "renewed" => Some(w.link.sent_again),
        "portal" => Some(w.link.portal_sent),
        _ => None,
    })
}

async fn show(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    page(&state, (ip, &headers), &token, false, |lang| {
        notice(&done.done, lang)
    })
    .await
}

async fn show_quote(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    page(&state, (ip, &headers), &token, true, |lang| {
        notice(&done.done, lang)
    })
    .await
}

/// A form of the page: accept, decline, end, renew or portal-access. Done, back to
/// the page saying so (303); refused, the page again saying why.
async fn act(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Path((token, action)): Path<(String, String)>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = language(&headers, None);
    let sent = form.secret("form_token");
    if sent.is_empty() || !atrium_common::token::secrets_equal(&sent, &form_token(&state, &token)) {
        return Err(PageError::api(crate::extract::csrf_failed(), lang));
    }
    let back = |done: &str| {
        Ok(private(
            Redirect::to(&format!("/i/{token}?done={done}")).into_response(),
        ))
    };
    let done: Result<&str, ApiError> = match action.as_str() {
        "accept" => {
            let decision = (true, form.text("name"), form.text("comment"));
            links::decide((&state, ip, &headers), &token, decision)
                .await
                .map(|_| "accepted")
        }
        "decline" => {
            let decision = (false, String::new(), form.text("reason"));
            links::decide((&state, ip, &headers), &token, decision)
                .await
                .map(|_| "declined")
        }
        "end" => links::end_link(&state, ip, token.clone())
            .await
            .map(|()| "ended"),
        "renew" | "portal-access" => {
            let ask = if action == "renew" {
                Ask::Renew
            } else {
                Ask::PortalAccess
            };
            recovery::limit(&state, ip, ask, &token)
                .await
                .map_err(|err| PageError::api(err, lang))?;
            recovery::start(&state, ip, ask, token.clone());
            Ok(if ask == Ask::Renew {
                "renewed"
            } else {
                "portal"
            })
        }
        _ => return Err(PageError::api(ApiError::not_found(), lang)),
    };
    match done {
        Ok(done) => back(done),
        // A link that no longer opens anything: the page says so.
        Err(err) if err.code == "TOKEN_INVALID" => back(""),
        Err(err) if err.status.is_client_error() && err.status != StatusCode::TOO_MANY_REQUESTS => {
            let refusal = Refusal::of(&err, lang);
            page(&state, (ip, &headers), &token, false, move |_| {
                Said::refused(refusal)
            })
            .await
        }
        Err(err) => Err(PageError::api(err, lang)),
    }
}
