//! Staff's quotes and sales orders (`billing.view` to read, `billing.manage` to change):
//! quotes drafted, issued to the customer and, once accepted, converted; orders made,
//! fulfilled or cancelled, and invoiced.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::billing::v1 as pb;
use axum::routing::{delete, get, patch, post};
use http::StatusCode;

use crate::api::Page;
use crate::api::billing::{
    ConvertQuote, NewOrder, NewQuote, Order, OrderFilter, Quote, QuoteFilter, QuotePatch,
};
use crate::call;
use crate::extract::{Json, PathId, Query, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let (view, manage) = (Permission::BillingView, Permission::BillingManage);
    let step = ["INVALID_TRANSITION"];
    vec![
        Route::post("/api/admin/quotes", "Create a draft quote for one of the organization's customers", post(create))
            .staff(manage).body::<NewQuote>().answers::<Quote>(201),
        Route::get("/api/admin/quotes", "The organization's quotes, newest first", get(list))
            .staff(view).query::<QuoteFilter>().answers::<Page<Quote>>(200),
        Route::get("/api/admin/quotes/{id}", "One quote", get(read))
            .staff(view).answers::<Quote>(200),
        Route::patch("/api/admin/quotes/{id}", "Change a draft quote", patch(update))
            .staff(manage).body::<QuotePatch>().answers::<Quote>(200).errors(&step),
        Route::delete("/api/admin/quotes/{id}", "Delete a draft quote", delete(remove))
            .staff(manage).no_content().errors(&step),
        Route::post("/api/admin/quotes/{id}/issue", "Issue a draft: its number, and the quote_issued mail to the customer", post(issue))
            .staff(manage).answers::<Quote>(200).errors(&step),
        Route::post("/api/admin/quotes/{id}/convert", "Convert an accepted quote, once, into a draft invoice or an open order", post(convert))
            .staff(manage).body::<ConvertQuote>().answers::<Quote>(200).errors(&step),
        Route::post("/api/admin/orders", "Create an open, numbered order", post(create_order))
            .staff(manage).body::<NewOrder>().answers::<Order>(201),
        Route::get("/api/admin/orders", "The organization's orders, newest first", get(orders))
            .staff(view).query::<OrderFilter>().answers::<Page<Order>>(200),
        Route::get("/api/admin/orders/{id}", "One order", get(order))
            .staff(view).answers::<Order>(200),
        Route::post("/api/admin/orders/{id}/fulfil", "Mark an open order fulfilled", post(fulfil))
            .staff(manage).answers::<Order>(200).errors(&step),
        Route::post("/api/admin/orders/{id}/cancel", "Cancel an open order", post(cancel))
            .staff(manage).answers::<Order>(200).errors(&step),
        Route::post("/api/admin/orders/{id}/invoice", "Make a draft invoice from the order's lines, once", post(invoice))
            .staff(manage).answers::<Order>(200).errors(&step),
    ]
}

fn quote(response: pb::QuoteResponse) -> Json<Quote> {
    Json(response.quote.unwrap_or_default().into())
}

fn quote_request(PathId(id): &PathId) -> pb::QuoteRequest {
    pb::QuoteRequest {
        link_id: String::new(),
        quote_id: id.to_string(),
    }
}

pub(crate) async fn create(
    staff: StaffCall,
    Json(body): Json<NewQuote>,
) -> Result<(StatusCode, Json<Quote>), ApiError> {
    let request = pb::CreateQuoteRequest {
        customer_id: body.customer_id,
        currency: body.currency,
        valid_until: body.valid_until,
        lines: body.lines.into_iter().map(Into::into).collect(),
        notes: body.notes.unwrap_or_default(),
        terms: body.terms.unwrap_or_default(),
    };
    let response = call!(staff, quotes.create_quote(request));
    Ok((StatusCode::CREATED, quote(response)))
}

pub(crate) async fn list(
    staff: StaffCall,
    Query(filter): Query<QuoteFilter>,
) -> Answer<Page<Quote>> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let request = pb::ListQuotesRequest {
        status: filter.status.unwrap_or_default(),
        customer_id: filter.customer_id.unwrap_or_default(),
        page_size,
        page_token,
    };
    let response = call!(staff, quotes.list_quotes(request));
    let items = response.items.into_iter().map(Quote::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn read(staff: StaffCall, id: PathId) -> Answer<Quote> {
    Ok(quote(call!(staff, quotes.get_quote(quote_request(&id)))))
}

pub(crate) async fn update(
    staff: StaffCall,
    PathId(id): PathId,
    Json(body): Json<QuotePatch>,
) -> Answer<Quote> {
    let lines = body.lines.required("lines", "cannot be null")?;
    let request = pb::UpdateQuoteRequest {
        quote_id: id.to_string(),
        customer_id: body.customer_id.required("customer_id", "cannot be null")?,
        currency: body.currency.required("currency", "cannot be null")?,
        valid_until: body.valid_until.required("valid_until", "cannot be null")?,
        set_lines: lines.is_some(),
        lines: lines
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        notes: body.notes.text(),
        terms: body.terms.text(),
    };
    Ok(quote(call!(staff, quotes.update_quote(request))))
}

pub(crate) async fn remove(staff: StaffCall, id: PathId) -> Result<StatusCode, ApiError> {
    call!(staff, quotes.delete_quote(quote_request(&id)));
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn issue(staff: StaffCall, id: PathId) -> Answer<Quote> {
    Ok(quote(call!(staff, quotes.issue_quote(quote_request(&id)))))
}

pub(crate) async fn convert(
    staff: StaffCall,
    PathId(id): PathId,
    Json(body): Json<ConvertQuote>,
) -> Answer<Quote> {
    let request = pb::ConvertQuoteRequest {
        quote_id: id.to_string(),
        to: body.to,
    };
    Ok(quote(call!(staff, quotes.convert_quote(request))))
}

fn order_of(response: pb::OrderResponse) -> Json<Order> {
    Json(response.order.unwrap_or_default().into())
}

fn order_request(PathId(id): &PathId) -> pb::OrderRequest {
    pb::OrderRequest {
        link_id: String::new(),
        order_id: id.to_string(),
    }
}

pub(crate) async fn create_order(
    staff: StaffCall,
    Json(body): Json<NewOrder>,
) -> Result<(StatusCode, Json<Order>), ApiError> {
    let request = pb::CreateOrderRequest {
        customer_id: body.customer_id,
        currency: body.currency,
        lines: body.lines.into_iter().map(Into::into).collect(),
        notes: body.notes.unwrap_or_default(),
    };
    let response = call!(staff, orders.create_order(request));
    Ok((StatusCode::CREATED, order_of(response)))
}

pub(crate) async fn orders(
    staff: StaffCall,
    Query(filter): Query<OrderFilter>,
) -> Answer<Page<Order>> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let request = pb::ListOrdersRequest {
        status: filter.status.unwrap_or_default(),
        customer_id: filter.customer_id.unwrap_or_default(),
        page_size,
        page_token,
    };
    let response = call!(staff, orders.list_orders(request));
    let items = response.items.into_iter().map(Order::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn order(staff: StaffCall, id: PathId) -> Answer<Order> {
    Ok(order_of(call!(staff, orders.get_order(order_request(&id)))))
}

pub(crate) async fn fulfil(staff: StaffCall, id: PathId) -> Answer<Order> {
    Ok(order_of(call!(
        staff,
        orders.fulfil_order(order_request(&id))
    )))
}

pub(crate) async fn cancel(staff: StaffCall, id: PathId) -> Answer<Order> {
    Ok(order_of(call!(
        staff,
        orders.cancel_order(order_request(&id))
    )))
}

pub(crate) async fn invoice(staff: StaffCall, id: PathId) -> Answer<Order> {
    Ok(order_of(call!(
        staff,
        orders.invoice_order(order_request(&id))
    )))
}
