//! Console orders: the list, a new order's editor (lines with live totals where scripts
//! run), and fulfil, cancel or invoice an open one. Each calls the JSON route's own
//! handler.

use askama::Template;
use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use axum::Router;
use axum::extract::Query as UrlQuery;
use axum::response::Response;
use axum::routing::{get, post};
use http::StatusCode;

use super::bill_form;
use super::books::{Editor, ListQuery, NewPage, button, customers_of};
use super::{Search, chrome, first};
use crate::GatewayState;
use crate::api::billing::{NewOrder, Order, OrderFilter};
use crate::extract::{Json, PathId, Query};
use crate::pages::said::{Said, answer};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again, render};
use crate::routes::admin::quotes;

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin/orders", get(order_list).post(create_order))
        .route("/admin/orders/new", get(new_order_page))
        .route("/admin/orders/{id}", get(order_page))
        .route("/admin/orders/{id}/fulfil", post(fulfil))
        .route("/admin/orders/{id}/cancel", post(cancel))
        .route("/admin/orders/{id}/invoice", post(invoice))
}

#[derive(Template)]
#[template(path = "admin/orders.html")]
struct OrderList {
    c: Chrome,
    orders: Vec<Order>,
    filter: ListQuery,
    can_edit: bool,
}

async fn order_list(
    page: StaffPage,
    UrlQuery(q): UrlQuery<ListQuery>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let filter = OrderFilter {
        status: q.status(),
        customer_id: q.customer(),
        paging: first("100"),
    };
    let found = quotes::orders(again(&page.call), Query(filter)).await;
    let view = OrderList {
        c: chrome(&page, lang.words().books.orders, "/admin/invoices"),
        orders: found.on_page(lang)?.0.items,
        filter: q,
        can_edit: page.call.role.allows(Permission::BillingManage),
    };
    Ok(render(StatusCode::OK, &view))
}

async fn new_order_page(page: StaffPage) -> Result<Response, PageError> {
    new_order_view(page, None, Said::default()).await
}

async fn new_order_view(
    page: StaffPage,
    sent: Option<&PageForm>,
    said: Said,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let w = lang.words();
    let customers = customers_of(&page).await?;
    let mut e = Editor::blank(lang, customers, "/admin/orders", w.books.create_order);
    if let Some(form) = sent {
        e.refill(form, lang);
    }
    let mut c = chrome(&page, w.books.new_order, "/admin/invoices");
    c.said = said;
    let back = ("/admin/orders", w.books.orders);
    Ok(render(c.said.status(), &NewPage { c, e, back }))
}

async fn create_order(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let lang = page.lang;
    let currency = form.text("currency").to_uppercase();
    let done = match bill_form::lines_of(&form, &currency, lang) {
        Ok(lines) => {
            let body = NewOrder {
                customer_id: form.text("customer_id"),
                currency,
                lines,
                notes: form.optional("notes"),
            };
            quotes::create_order(again(&page.call), Json(body))
                .await
                .map(|(_, o)| o.0.id.0)
        }
        Err(err) => Err(err),
    };
    let to = done
        .as_ref()
        .map(|id| format!("/admin/orders/{id}?done=saved"))
        .unwrap_or_default();
    answer(lang, done, &to, |said| {
        new_order_view(page, Some(&form), said)
    })
    .await
}

#[derive(Template)]
#[template(path = "admin/order.html")]
struct OrderPage {
    c: Chrome,
    o: Order,
    can_edit: bool,
}

async fn order_page(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    UrlQuery(search): UrlQuery<Search>,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    let said = Said::notice(search.notice(page.lang.words().books.done));
    order_view(page, id, said).await
}

async fn order_view(
    page: StaffPage,
    PathId(id): PathId,
    said: Said,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let o = quotes::order(again(&page.call), PathId(id))
        .await
        .on_page(lang)?
        .0;
    let title = format!("{} {}", lang.words().books.order, o.number);
    let mut c = chrome(&page, &title, "/admin/invoices");
    c.said = said;
    let can_edit = page.call.role.allows(Permission::BillingManage);
    let view = OrderPage { c, o, can_edit };
    Ok(render(view.c.said.status(), &view))
}

async fn fulfil(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let to = "/admin/orders/{id}?done=fulfilled";
    button(page, id, quotes::fulfil, to, order_view).await
}

async fn cancel(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let to = "/admin/orders/{id}?done=cancelled";
    button(page, id, quotes::cancel, to, order_view).await
}

async fn invoice(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let to = "/admin/orders/{id}?done=invoiced";
    button(page, id, quotes::invoice, to, order_view).await
}
