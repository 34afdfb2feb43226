//! The customer's quotes and orders, under the same gates as their invoices: quotes read
//! and accepted (with a typed name) or declined once, the client address and user agent
//! kept as evidence; orders read.

use atrium_proto::billing::v1 as pb;
use axum::routing::{get, post};

use crate::api::Page;
use crate::api::billing::{AcceptQuote, DeclineQuote, Order, OrderFilter, Quote, QuoteFilter};
use crate::call;
use crate::extract::{ClientAddr, CustomerCall, Json, OptionalJson, PathId, Query, user_agent};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let gated = ["PERMISSION_DENIED", "NOT_FOUND"];
    let decided = ["PERMISSION_DENIED", "NOT_FOUND", "QUOTE_EXPIRED", "QUOTE_NOT_OPEN"];
    vec![
        Route::get("/api/customer/quotes", "The customer's quotes, newest first (never drafts)", get(list))
            .customer().query::<QuoteFilter>().answers::<Page<Quote>>(200).errors(&gated),
        Route::get("/api/customer/quotes/{id}", "One of the customer's quotes", get(read))
            .customer().answers::<Quote>(200).errors(&gated),
        Route::post("/api/customer/quotes/{id}/accept", "Accept a sent, unexpired quote with your typed name", post(accept))
            .customer().body::<AcceptQuote>().answers::<Quote>(200).errors(&decided),
        Route::post("/api/customer/quotes/{id}/decline", "Decline a sent, unexpired quote", post(decline))
            .customer().body::<DeclineQuote>().answers::<Quote>(200).errors(&decided),
        Route::get("/api/customer/orders", "The customer's orders, newest first", get(orders))
            .customer().query::<OrderFilter>().answers::<Page<Order>>(200).errors(&gated),
        Route::get("/api/customer/orders/{id}", "One of the customer's orders", get(order))
            .customer().answers::<Order>(200).errors(&gated),
    ]
}

pub(crate) async fn list(
    customer: CustomerCall,
    Query(filter): Query<QuoteFilter>,
) -> Answer<Page<Quote>> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let request = pb::ListMyQuotesRequest {
        status: filter.status.unwrap_or_default(),
        page_size,
        page_token,
    };
    let response = call!(customer, my_quotes.list_my_quotes(request));
    let items = response.items.into_iter().map(Quote::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn read(customer: CustomerCall, PathId(id): PathId) -> Answer<Quote> {
    let request = pb::QuoteRequest {
        link_id: String::new(),
        quote_id: id.to_string(),
    };
    let response = call!(customer, my_quotes.get_my_quote(request));
    Ok(Json(response.quote.unwrap_or_default().into()))
}

/// Records the decision with where it came from.
async fn decide(
    customer: CustomerCall,
    (id, ClientAddr(ip), headers): (uuid::Uuid, ClientAddr, http::HeaderMap),
    (accept, name, comment): (bool, String, String),
) -> Answer<Quote> {
    let request = pb::DecideQuoteRequest {
        link_id: String::new(),
        quote_id: id.to_string(),
        accept,
        name,
        comment,
        client_ip: ip.to_string(),
        user_agent: user_agent(&headers),
    };
    let response = call!(customer, my_quotes.decide_quote(request));
    Ok(Json(response.quote.unwrap_or_default().into()))
}

pub(crate) async fn accept(
    customer: CustomerCall,
    PathId(id): PathId,
    addr: ClientAddr,
    headers: http::HeaderMap,
    Json(body): Json<AcceptQuote>,
) -> Answer<Quote> {
    let comment = body.comment.unwrap_or_default();
    decide(customer, (id, addr, headers), (true, body.name, comment)).await
}

pub(crate) async fn decline(
    customer: CustomerCall,
    PathId(id): PathId,
    addr: ClientAddr,
    headers: http::HeaderMap,
    OptionalJson(body): OptionalJson<DeclineQuote>,
) -> Answer<Quote> {
    let reason = body.reason.unwrap_or_default();
    decide(
        customer,
        (id, addr, headers),
        (false, String::new(), reason),
    )
    .await
}

pub(crate) async fn orders(
    customer: CustomerCall,
    Query(filter): Query<OrderFilter>,
) -> Answer<Page<Order>> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let request = pb::ListMyOrdersRequest {
        status: filter.status.unwrap_or_default(),
        page_size,
        page_token,
    };
    let response = call!(customer, my_orders.list_my_orders(request));
    let items = response.items.into_iter().map(Order::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn order(customer: CustomerCall, PathId(id): PathId) -> Answer<Order> {
    let request = pb::OrderRequest {
        link_id: String::new(),
        order_id: id.to_string(),
    };
    let response = call!(customer, my_orders.get_my_order(request));
    Ok(Json(response.order.unwrap_or_default().into()))
}
