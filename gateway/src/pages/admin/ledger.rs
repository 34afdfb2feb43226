//! Console money pages: a customer's ledger with balances and the statement for a
//! period (as a PDF), the aging report, and payments: the list and the payment entry,
//! which offers the customer's open invoices to allocate to. Each calls the JSON route's
//! own handler; the payment form carries an idempotency key made with the page.

use askama::Template;
use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use axum::Router;
use axum::extract::Query as UrlQuery;
use axum::response::Response;
use axum::routing::get;
use http::{HeaderMap, Method, StatusCode};
use serde::Deserialize;

use super::bill_form::{amount_field, minor_of};
use super::books::{customers_of, key, today};
use super::{Search, chrome, first};
use crate::GatewayState;
use crate::api::billing::{
    AgingQuery, AgingReport, AllocationBody, Invoice, InvoiceFilter, Ledger, LedgerQuery,
    MoneyBody, NewPayment, Payment, PaymentFilter, StatementQuery,
};
use crate::api::people::Customer;
use crate::extract::{IdempotencyKey, Json, PathId, Query};
use crate::pages::said::{Said, answer};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again, render};
use crate::routes::admin::{invoices, ledger, payments, pdfs, reports};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin/customers/{id}/ledger", get(ledger_page))
        .route("/admin/customers/{id}/statement/pdf", get(statement_pdf))
        .route("/admin/reports/aging", get(aging_page))
        .route("/admin/payments", get(payments_page).post(record))
}

#[derive(Template)]
#[template(path = "admin/ledger.html")]
struct LedgerPage {
    c: Chrome,
    customer_id: uuid::Uuid,
    ledger: Ledger,
    /// The statement form's default period: this year so far.
    from: String,
    to: String,
}

async fn ledger_page(page: StaffPage, id: Result<PathId, ApiError>) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let query = LedgerQuery {
        currency: None,
        paging: first("100"),
    };
    let found = ledger::read(again(&page.call), PathId(id), Query(query)).await;
    let to = today();
    let view = LedgerPage {
        c: chrome(&page, lang.words().books.ledger, "/admin/invoices"),
        customer_id: id,
        ledger: found.on_page(lang)?.0,
        from: format!("{}-01-01", &to[..4]),
        to,
    };
    Ok(render(StatusCode::OK, &view))
}

async fn statement_pdf(
    page: StaffPage,
    parts: (Method, HeaderMap),
    id: Result<PathId, ApiError>,
    UrlQuery(query): UrlQuery<StatementQuery>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let id = id.on_page(lang)?;
    pdfs::statement(page.call, parts, id, Query(query))
        .await
        .on_page(lang)
}

#[derive(Template)]
#[template(path = "admin/aging.html")]
struct AgingPage {
    c: Chrome,
    report: AgingReport,
}

async fn aging_page(
    page: StaffPage,
    UrlQuery(q): UrlQuery<AgingQuery>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let report = reports::aging(again(&page.call), Query(q)).await;
    let view = AgingPage {
        c: chrome(&page, lang.words().books.aging, "/admin/invoices"),
        report: report.on_page(lang)?.0,
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template)]
#[template(path = "admin/payments.html")]
struct PaymentsPage {
    c: Chrome,
    payments: Vec<Payment>,
    /// The payment entry, for members who may change billing.
    entry: Option<Entry>,
}

/// The payment entry: a customer chosen first, then their open invoices to allocate to.
struct Entry {
    customers: Vec<Customer>,
    customer_id: String,
    open: Vec<Invoice>,
    currency: String,
    key: String,
    today: String,
    lang: crate::pages::i18n::Lang,
}

impl Entry {
    fn chosen(&self, id: &str) -> bool {
        self.customer_id == id
    }

    /// The chosen customer's name.
    fn name(&self) -> &str {
        self.customers
            .iter()
            .find(|c| c.id.0 == self.customer_id)
            .map_or(self.customer_id.as_str(), |c| c.name.as_str())
    }

    /// An open invoice's amount due as its allocation field offers it.
    fn due(&self, invoice: &Invoice) -> String {
        amount_field(
            invoice.amount_due.amount_minor,
            &invoice.currency,
            self.lang,
        )
    }
}

#[derive(Deserialize, Default)]
struct PaymentsQuery {
    #[serde(default)]
    customer_id: String,
    #[serde(default)]
    done: String,
}

async fn payments_page(
    page: StaffPage,
    UrlQuery(q): UrlQuery<PaymentsQuery>,
) -> Result<Response, PageError> {
    let notice = Search {
        q: String::new(),
        done: q.done.clone(),
    }
    .notice(page.lang.words().books.done);
    payments_view(page, q.customer_id, Said::notice(notice)).await
}

async fn payments_view(
    page: StaffPage,
    customer_id: String,
    said: Said,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let filter = PaymentFilter {
        customer_id: Some(customer_id.clone()).filter(|c| !c.is_empty()),
        paging: first("100"),
    };
    let listed = payments::list(again(&page.call), Query(filter))
        .await
        .on_page(lang)?
        .0
        .items;
    let entry = if page.call.role.allows(Permission::BillingManage) {
        let open = if customer_id.is_empty() {
            Vec::new()
        } else {
            open_invoices(&page, &customer_id).await?
        };
        Some(Entry {
            customers: customers_of(&page).await?,
            currency: open.first().map_or("EUR", |i| &i.currency).to_owned(),
            customer_id,
            open,
            key: key(),
            today: today(),
            lang,
        })
    } else {
        None
    };
    let mut c = chrome(&page, lang.words().books.payments, "/admin/invoices");
    c.said = said;
    let view = PaymentsPage {
        c,
        payments: listed,
        entry,
    };
    Ok(render(view.c.said.status(), &view))
}

/// The customer's invoices with something due, oldest first.
async fn open_invoices(page: &StaffPage, customer_id: &str) -> Result<Vec<Invoice>, PageError> {
    let mut open = Vec::new();
    for status in ["issued", "partially_paid"] {
        let filter = InvoiceFilter {
            status: Some(status.to_owned()),
            customer_id: Some(customer_id.to_owned()),
            overdue: None,
            q: None,
            paging: first("100"),
        };
        let found = invoices::list(again(&page.call), Query(filter)).await;
        open.extend(found.on_page(page.lang)?.0.items);
    }
    open.sort_by(|a, b| a.due_date.cmp(&b.due_date));
    Ok(open)
}

/// The payment entry sent: the amount, then one allocation per invoice given an amount.
async fn record(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let lang = page.lang;
    let customer_id = form.text("customer_id");
    let currency = form.text("currency");
    let booked = async {
        let amount = |text: &str, field: &str| {
            minor_of(text, &currency, lang)
                .ok_or_else(|| ApiError::invalid_field(field, "must be an amount in the currency"))
        };
        let amount_minor = amount(&form.text("amount"), "amount")?;
        let mut allocations = Vec::new();
        let ids = form.all("invoice_id");
        let amounts = form.all("allocate");
        for (n, (invoice_id, text)) in ids.iter().zip(&amounts).enumerate() {
            if text.trim().is_empty() {
                continue;
            }
            let field = format!("allocations[{n}].amount_minor");
            allocations.push(AllocationBody {
                invoice_id: invoice_id.clone(),
                amount_minor: amount(text, &field)?,
            });
        }
        let body = NewPayment {
            customer_id: customer_id.clone(),
            amount: MoneyBody {
                amount_minor,
                currency: currency.clone(),
            },
            received_on: form.text("received_on"),
            method: form.text("method"),
            reference: form.optional("reference"),
            allocations,
        };
        let key = IdempotencyKey(form.text("idempotency_key"));
        payments::create(again(&page.call), key, Json(body)).await
    }
    .await;
    let to = format!("/admin/payments?customer_id={customer_id}&done=payment");
    answer(lang, booked, &to, |said| {
        payments_view(page, customer_id.clone(), said)
    })
    .await
}
