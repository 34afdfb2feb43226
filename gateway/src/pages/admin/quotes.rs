//! Console quotes: the list, the editor of a draft (lines with live totals where
//! scripts run), issue, delete, and convert an accepted quote into an invoice or an
//! order. Each calls the JSON route's own handler.

use askama::Template;
use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use axum::Router;
use axum::extract::Query as UrlQuery;
use axum::response::Response;
use axum::routing::{get, post};
use http::StatusCode;

use super::bill_form;
use super::books::{Draft, Editor, ListQuery, NewPage, button, customers_of, draft_editor};
use super::{Search, chrome, first};
use crate::GatewayState;
use crate::api::Patch;
use crate::api::billing::{ConvertQuote, NewQuote, Quote, QuoteFilter, QuotePatch};
use crate::extract::{Json, PathId, Query};
use crate::pages::said::{Said, answer};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again, render};
use crate::routes::admin::quotes;

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin/quotes", get(quote_list).post(create_quote))
        .route("/admin/quotes/new", get(new_quote_page))
        .route("/admin/quotes/{id}", get(quote_page).post(save_quote))
        .route("/admin/quotes/{id}/issue", post(issue))
        .route("/admin/quotes/{id}/delete", post(delete))
        .route("/admin/quotes/{id}/convert", post(convert))
}

#[derive(Template)]
#[template(path = "admin/quotes.html")]
struct QuoteList {
    c: Chrome,
    quotes: Vec<Quote>,
    filter: ListQuery,
    can_edit: bool,
}

async fn quote_list(
    page: StaffPage,
    UrlQuery(q): UrlQuery<ListQuery>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let filter = QuoteFilter {
        status: q.status(),
        customer_id: q.customer(),
        paging: first("100"),
    };
    let found = quotes::list(again(&page.call), Query(filter)).await;
    let view = QuoteList {
        c: chrome(&page, lang.words().bill.quotes, "/admin/invoices"),
        quotes: found.on_page(lang)?.0.items,
        filter: q,
        can_edit: page.call.role.allows(Permission::BillingManage),
    };
    Ok(render(StatusCode::OK, &view))
}

/// A quote's editor starts valid for 30 days.
fn valid_for_a_month() -> String {
    (chrono::Utc::now().date_naive() + chrono::Days::new(30)).to_string()
}

async fn new_quote_page(page: StaffPage) -> Result<Response, PageError> {
    new_quote_view(page, None, Said::default()).await
}

async fn new_quote_view(
    page: StaffPage,
    sent: Option<&PageForm>,
    said: Said,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let w = lang.words();
    let customers = customers_of(&page).await?;
    let mut e = Editor::blank(lang, customers, "/admin/quotes", w.books.create_draft);
    e.valid_until = Some(valid_for_a_month());
    e.terms = Some(String::new());
    if let Some(form) = sent {
        e.refill(form, lang);
    }
    let mut c = chrome(&page, w.books.new_quote, "/admin/invoices");
    c.said = said;
    let back = ("/admin/quotes", w.bill.quotes);
    Ok(render(c.said.status(), &NewPage { c, e, back }))
}

fn new_quote(form: &PageForm, page: &StaffPage) -> Result<NewQuote, ApiError> {
    let currency = form.text("currency").to_uppercase();
    Ok(NewQuote {
        customer_id: form.text("customer_id"),
        lines: bill_form::lines_of(form, &currency, page.lang)?,
        currency,
        valid_until: form.text("valid_until"),
        notes: form.optional("notes"),
        terms: form.optional("terms"),
    })
}

async fn create_quote(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let lang = page.lang;
    let done = match new_quote(&form, &page) {
        Ok(body) => quotes::create(again(&page.call), Json(body))
            .await
            .map(|(_, q)| q.0.id.0),
        Err(err) => Err(err),
    };
    let to = done
        .as_ref()
        .map(|id| format!("/admin/quotes/{id}?done=saved"))
        .unwrap_or_default();
    answer(lang, done, &to, |said| {
        new_quote_view(page, Some(&form), said)
    })
    .await
}

#[derive(Template)]
#[template(path = "admin/quote.html")]
struct QuotePage {
    c: Chrome,
    q: Quote,
    e: Option<Editor>,
    can_edit: bool,
    links: Option<super::links::LinksPanel>,
}

async fn quote_page(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    UrlQuery(search): UrlQuery<Search>,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    let said = Said::notice(search.notice(page.lang.words().books.done));
    quote_view(page, id, None, said).await
}

async fn quote_view(
    page: StaffPage,
    PathId(id): PathId,
    sent: Option<&PageForm>,
    said: Said,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let w = lang.words();
    let can_edit = page.call.role.allows(Permission::BillingManage);
    let q = quotes::read(again(&page.call), PathId(id))
        .await
        .on_page(lang)?
        .0;
    let e = if can_edit && q.status == "draft" {
        let draft = Draft {
            customer_id: &q.customer.id.0,
            currency: &q.currency,
            lines: &q.lines,
            notes: &q.notes,
        };
        let mut e = draft_editor(&page, &format!("/admin/quotes/{id}"), draft).await?;
        e.valid_until = Some(q.valid_until.clone());
        e.terms = Some(q.terms.clone());
        if let Some(form) = sent {
            e.refill(form, lang);
        }
        Some(e)
    } else {
        None
    };
    let title = match &q.number {
        Some(n) => format!("{} {n}", w.bill.quote),
        None => format!("{} ({})", w.bill.quote, w.books.draft),
    };
    let mut c = chrome(&page, &title, "/admin/invoices");
    c.said = said;
    let links = super::links::panel(&page, ("quote", "quotes"), id, q.status != "draft").await?;
    let view = QuotePage {
        c,
        q,
        e,
        can_edit,
        links,
    };
    Ok(render(view.c.said.status(), &view))
}

async fn save_quote(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let done = match new_quote(&form, &page) {
        Ok(body) => {
            let patch = QuotePatch {
                customer_id: Patch::Set(body.customer_id),
                currency: Patch::Set(body.currency),
                valid_until: Patch::Set(body.valid_until),
                lines: Patch::Set(body.lines),
                notes: body.notes.map_or(Patch::Clear, Patch::Set),
                terms: body.terms.map_or(Patch::Clear, Patch::Set),
            };
            quotes::update(again(&page.call), PathId(id), Json(patch)).await
        }
        Err(err) => Err(err),
    };
    let to = format!("/admin/quotes/{id}?done=saved");
    answer(lang, done, &to, |said| {
        quote_view(page, PathId(id), Some(&form), said)
    })
    .await
}

async fn issue(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let to = "/admin/quotes/{id}?done=issued";
    button(page, id, quotes::issue, to, shown).await
}

async fn delete(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    button(
        page,
        id,
        quotes::remove,
        "/admin/quotes?done=deleted",
        shown,
    )
    .await
}

async fn convert(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let to = form.text("to");
    let act = |call, id| quotes::convert(call, id, Json(ConvertQuote { to }));
    button(page, id, act, "/admin/quotes/{id}?done=converted", shown).await
}

/// The quote again, saying why a button was refused.
pub(super) async fn shown(page: StaffPage, id: PathId, said: Said) -> Result<Response, PageError> {
    quote_view(page, id, None, said).await
}
