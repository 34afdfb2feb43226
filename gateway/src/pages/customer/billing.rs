//! The customer's billing pages: invoices (with their payments, credit notes and PDF),
//! quotes with the accept and decline forms (plain form posts: they work without
//! JavaScript), and the account statement. Each calls the JSON route's own handler.

use askama::Template;
use axum::Router;
use axum::extract::Query as UrlQuery;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::{HeaderMap, StatusCode};
use serde::Deserialize;

use crate::GatewayState;
use crate::api::PageQuery;
use crate::api::billing::{
    AcceptQuote, DeclineQuote, Invoice, InvoiceDetail, Ledger, LedgerQuery, MyPayments, Order,
    OrderFilter, Quote, QuoteFilter,
};
use crate::extract::{ClientAddr, Json, PathId, Query};
use crate::pages::said::{Said, refusal};
use crate::pages::session::{CustomerPage, PageForm};
use crate::pages::{Chrome, OnPage, PageError, SignedIn, again, render};
use crate::routes::customer::{billing, quotes};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/customer/invoices", get(invoices))
        .route("/customer/invoices/{id}", get(invoice))
        .route("/customer/quotes", get(quote_list))
        .route("/customer/quotes/{id}", get(quote))
        .route("/customer/quotes/{id}/accept", post(accept))
        .route("/customer/quotes/{id}/decline", post(decline))
        .route("/customer/ledger", get(ledger))
        .route("/customer/payments", get(payments))
        .route("/customer/orders", get(orders))
        .route("/customer/orders/{id}", get(order))
}

#[derive(Template)]
#[template(path = "customer/invoices.html")]
struct InvoicesPage {
    c: Chrome,
    invoices: Vec<Invoice>,
}

async fn invoices(page: CustomerPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let (found, c) = tokio::join!(
        billing::list(again(&page.call), Query(Default::default())),
        page.chrome(lang.words().bill.invoices, "/customer/invoices"),
    );
    let view = InvoicesPage {
        c,
        invoices: found.on_page(lang)?.0.items,
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template)]
#[template(path = "customer/invoice.html")]
struct InvoicePage {
    c: Chrome,
    d: InvoiceDetail,
}

async fn invoice(page: CustomerPage, id: PathId) -> Result<Response, PageError> {
    let lang = page.lang;
    let d = billing::read(again(&page.call), id).await.on_page(lang)?.0;
    let title = format!(
        "{} {}",
        lang.words().bill.invoice,
        d.invoice.number.clone().unwrap_or_default()
    );
    let c = page.chrome(&title, "/customer/invoices").await;
    Ok(render(StatusCode::OK, &InvoicePage { c, d }))
}

#[derive(Template)]
#[template(path = "customer/quotes.html")]
struct QuotesPage {
    c: Chrome,
    quotes: Vec<Quote>,
}

async fn quote_list(page: CustomerPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let filter = QuoteFilter::default();
    let (found, c) = tokio::join!(
        quotes::list(again(&page.call), Query(filter)),
        page.chrome(lang.words().bill.quotes, "/customer/quotes"),
    );
    let view = QuotesPage {
        c,
        quotes: found.on_page(lang)?.0.items,
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template)]
#[template(path = "customer/quote.html")]
struct QuotePage {
    c: Chrome,
    q: Quote,
}

#[derive(Deserialize, Default)]
struct Done {
    #[serde(default)]
    done: String,
}

async fn quote(
    page: CustomerPage,
    id: PathId,
    UrlQuery(done): UrlQuery<Done>,
) -> Result<Response, PageError> {
    let b = page.lang.words().bill;
    let notice = match done.done.as_str() {
        "accepted" => Some(b.quote_accepted),
        "declined" => Some(b.quote_declined),
        _ => None,
    };
    quote_view(page, id, Said::notice(notice)).await
}

async fn quote_view(page: CustomerPage, id: PathId, said: Said) -> Result<Response, PageError> {
    let lang = page.lang;
    let q = quotes::read(again(&page.call), id).await.on_page(lang)?.0;
    let title = format!(
        "{} {}",
        lang.words().bill.quote,
        q.number.clone().unwrap_or_default()
    );
    let mut c = page.chrome(&title, "/customer/quotes").await;
    c.said = said;
    Ok(render(c.said.status(), &QuotePage { c, q }))
}

async fn accept(
    page: CustomerPage,
    PathId(id): PathId,
    addr: ClientAddr,
    headers: HeaderMap,
    form: PageForm,
) -> Result<Response, PageError> {
    let body = AcceptQuote {
        name: form.text("name"),
        comment: form.optional("comment"),
    };
    let done = quotes::accept(again(&page.call), PathId(id), addr, headers, Json(body)).await;
    decided(page, id, done.map(drop), "accepted").await
}

async fn decline(
    page: CustomerPage,
    PathId(id): PathId,
    addr: ClientAddr,
    headers: HeaderMap,
    form: PageForm,
) -> Result<Response, PageError> {
    let body = DeclineQuote {
        reason: form.optional("reason"),
    };
    let call = again(&page.call);
    let done = quotes::decline(
        call,
        PathId(id),
        addr,
        headers,
        crate::extract::OptionalJson(body),
    )
    .await;
    decided(page, id, done.map(drop), "declined").await
}

/// After a decision: back to the quote saying so, or the quote again with why not.
async fn decided(
    page: CustomerPage,
    id: uuid::Uuid,
    done: Result<(), atrium_common::error::ApiError>,
    how: &str,
) -> Result<Response, PageError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/customer/quotes/{id}?done={how}")).into_response()),
        Err(err) => {
            let said = Said::refused(refusal(err, page.lang)?);
            quote_view(page, PathId(id), said).await
        }
    }
}

#[derive(Template)]
#[template(path = "customer/ledger.html")]
struct LedgerPage {
    c: Chrome,
    ledger: Ledger,
    /// The statement form's default period: this year so far.
    from: String,
    to: String,
}

async fn ledger(page: CustomerPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let (found, c) = tokio::join!(
        billing::ledger(again(&page.call), Query(LedgerQuery::default())),
        page.chrome(lang.words().bill.ledger, "/customer/ledger"),
    );
    let to = chrono::Utc::now().date_naive().to_string();
    let view = LedgerPage {
        c,
        ledger: found.on_page(lang)?.0,
        from: format!("{}-01-01", &to[..4]),
        to,
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template)]
#[template(path = "customer/payments.html")]
struct PaymentsPage {
    c: Chrome,
    paid: MyPayments,
}

async fn payments(page: CustomerPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let (found, c) = tokio::join!(
        billing::payments(again(&page.call), Query(PageQuery::default())),
        page.chrome(lang.words().books.payments, "/customer/invoices"),
    );
    let paid = found.on_page(lang)?.0;
    Ok(render(StatusCode::OK, &PaymentsPage { c, paid }))
}

#[derive(Template)]
#[template(path = "customer/orders.html")]
struct OrdersPage {
    c: Chrome,
    orders: Vec<Order>,
}

async fn orders(page: CustomerPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let (found, c) = tokio::join!(
        quotes::orders(again(&page.call), Query(OrderFilter::default())),
        page.chrome(lang.words().books.orders, "/customer/quotes"),
    );
    let orders = found.on_page(lang)?.0.items;
    Ok(render(StatusCode::OK, &OrdersPage { c, orders }))
}

#[derive(Template)]
#[template(path = "customer/order.html")]
struct OrderPage {
    c: Chrome,
    o: Order,
}

async fn order(page: CustomerPage, id: PathId) -> Result<Response, PageError> {
    let lang = page.lang;
    let o = quotes::order(again(&page.call), id).await.on_page(lang)?.0;
    let title = format!("{} {}", lang.words().books.order, o.number);
    let c = page.chrome(&title, "/customer/quotes").await;
    Ok(render(StatusCode::OK, &OrderPage { c, o }))
}
