//! What the console's billing pages share: the document editor (customer, currency,
//! lines), the customers it offers, the idempotency key a money form books with, and the
//! PDFs of every billing document under the console's own session.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use axum::Router;
use axum::extract::MatchedPath;
use axum::response::Response;
use axum::routing::get;
use http::{HeaderMap, Method};

use super::bill_form::{self, Row};
use super::first;
use crate::GatewayState;
use crate::api::people::Customer;
use crate::extract::{PathId, Query, StaffCall};
use crate::pages::i18n::Lang;
use crate::pages::said::{Said, answer};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again};
use crate::routes::admin::customers::{self, CustomerFilter};
use crate::routes::admin::pdfs;

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin/invoices/{id}/pdf", get(pdf))
        .route("/admin/credit-notes/{id}/pdf", get(pdf))
        .route("/admin/quotes/{id}/pdf", get(pdf))
        .route("/admin/orders/{id}/pdf", get(pdf))
}

/// A billing document's PDF (the route says which kind), as staff download it.
async fn pdf(
    page: StaffPage,
    parts: (MatchedPath, Method, HeaderMap),
    id: Result<PathId, ApiError>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let id = id.on_page(lang)?;
    pdfs::document(page.call, parts, id).await.on_page(lang)
}

/// The editor page of a new invoice, quote or order.
#[derive(askama::Template)]
#[template(path = "admin/bill_new.html")]
pub struct NewPage {
    pub c: Chrome,
    pub e: Editor,
    /// Where the page's "back" link goes, and its word.
    pub back: (&'static str, &'static str),
}

/// A billing list's filters as the URL carries them.
#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub customer_id: String,
}

impl ListQuery {
    /// Whether the list is filtered by `status`.
    pub fn is(&self, status: &str) -> bool {
        self.status == status
    }

    pub fn status(&self) -> Option<String> {
        Some(self.status.clone()).filter(|s| !s.is_empty())
    }

    pub fn customer(&self) -> Option<String> {
        Some(self.customer_id.clone()).filter(|s| !s.is_empty())
    }
}

/// The editor of an invoice, quote or order: where it is sent and what it holds.
pub struct Editor {
    pub action: String,
    pub submit: &'static str,
    pub customers: Vec<Customer>,
    pub customer_id: String,
    pub currency: String,
    pub rows: Vec<Row>,
    pub notes: String,
    /// Invoices: the payment terms in days (blank: the organization's).
    pub terms_days: Option<String>,
    /// Quotes: the last day it may be accepted, and its terms.
    pub valid_until: Option<String>,
    pub terms: Option<String>,
}

impl Editor {
    /// An empty editor in the organization's usual currency.
    pub fn blank(
        lang: Lang,
        customers: Vec<Customer>,
        action: &str,
        submit: &'static str,
    ) -> Editor {
        Editor {
            action: action.to_owned(),
            submit,
            customers,
            customer_id: String::new(),
            currency: "EUR".to_owned(),
            rows: bill_form::rows(&[], "EUR", lang),
            notes: String::new(),
            terms_days: None,
            valid_until: None,
            terms: None,
        }
    }

    /// The fields as they were sent, so a refused form keeps what was typed.
    pub fn refill(&mut self, form: &PageForm, lang: Lang) {
        self.customer_id = form.text("customer_id");
        self.currency = form.text("currency");
        self.notes = form.text("notes");
        if self.terms_days.is_some() {
            self.terms_days = Some(form.text("payment_terms_days"));
        }
        if self.valid_until.is_some() {
            self.valid_until = Some(form.text("valid_until"));
        }
        if self.terms.is_some() {
            self.terms = Some(form.text("terms"));
        }
        let column = |name: &str| form.all(name);
        let (d, q, p) = (
            column("line_description"),
            column("line_quantity"),
            column("line_unit_price"),
        );
        let (t, x) = (column("line_tax_rate"), column("line_discount"));
        let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
        let mut rows: Vec<Row> = (0..d.len())
            .map(|i| Row {
                description: at(&d, i),
                quantity: at(&q, i),
                unit_price: at(&p, i),
                tax_rate: at(&t, i),
                discount: at(&x, i),
            })
            .collect();
        rows.extend(bill_form::rows(&[], &self.currency, lang));
        self.rows = rows;
    }

    /// Whether `id` is the chosen customer.
    pub fn chosen(&self, id: &str) -> bool {
        self.customer_id == id
    }
}

/// What a saved draft's editor starts from.
pub struct Draft<'a> {
    pub customer_id: &'a str,
    pub currency: &'a str,
    pub lines: &'a [crate::api::billing::Line],
    pub notes: &'a str,
}

/// The editor of a saved draft, sent to `action`, holding what the draft holds.
pub async fn draft_editor(
    page: &StaffPage,
    action: &str,
    draft: Draft<'_>,
) -> Result<Editor, PageError> {
    let lang = page.lang;
    let customers = customers_of(page).await?;
    let mut e = Editor::blank(lang, customers, action, lang.words().books.save_draft);
    e.customer_id = draft.customer_id.to_owned();
    e.currency = draft.currency.to_owned();
    e.rows = bill_form::rows(draft.lines, draft.currency, lang);
    e.notes = draft.notes.to_owned();
    Ok(e)
}

/// The customers an editor offers (the first 200, as the customer list shows them).
pub async fn customers_of(page: &StaffPage) -> Result<Vec<Customer>, PageError> {
    if !page.call.role.allows(Permission::CustomersView) {
        return Ok(Vec::new());
    }
    let filter = CustomerFilter {
        q: None,
        status: None,
        paging: first("200"),
    };
    let found = customers::list(again(&page.call), Query(filter)).await;
    Ok(found.on_page(page.lang)?.0.items)
}

/// A button's form on a billing document: `act` on it, then `to` (`{id}` filled in, the
/// document saying so), or the document again (`show`) saying why not.
pub async fn button<T, Act, Show>(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    act: impl FnOnce(StaffCall, PathId) -> Act,
    to: &str,
    show: impl FnOnce(StaffPage, PathId, Said) -> Show,
) -> Result<Response, PageError>
where
    Act: Future<Output = Result<T, ApiError>>,
    Show: Future<Output = Result<Response, PageError>>,
{
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let done = act(again(&page.call), PathId(id)).await;
    let to = to.replace("{id}", &id.to_string());
    answer(lang, done, &to, |said| show(page, PathId(id), said)).await
}

/// A fresh idempotency key for the money forms of one rendering.
pub fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Today as a date field's value.
pub fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}
