//! Share links (design/links.md): one document opened by the token an email carried,
//! with no sign-in. Every route here ignores cookies (no session is read, no CSRF token
//! asked); the documents service says whether the token is live and whose it is, and
//! the subject's owner, asked as that organization's customer with the link's id,
//! checks the link again and answers the customer's view. Every dead, unknown or
//! foreign token answers the same 422 `TOKEN_INVALID`, and every answer is `no-store`,
//! `no-referrer` and `noindex`.

use std::net::IpAddr;

use atrium_common::auth::Principal;
use atrium_common::error::{ApiError, ErrorCode};
use atrium_proto::billing::v1 as billing;
use atrium_proto::documents::v1 as documents;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use schemars::JsonSchema;
use serde::Serialize;

use crate::GatewayState;
use crate::api::billing::{AcceptQuote, CreditNote, DeclineQuote, InvoiceDetail, Order, Quote};
use crate::api::settings::PublicBranding;
use crate::extract::{
    ActsFor, Call, ClientAddr, Json, OptionalJson, enforce_public_limit, from_client, user_agent,
};
use crate::routes::Route;
use crate::routes::admin::pdfs::pdf_answer;

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let dead = ["TOKEN_INVALID"];
    let decided = ["TOKEN_INVALID", "QUOTE_EXPIRED", "QUOTE_NOT_OPEN"];
    vec![
        Route::get("/api/links/{token}", "The document a share link opens, in the customer's view, with what the holder may do", get(read))
            .answers::<Linked>(200).limited().errors(&dead),
        Route::get("/api/links/{token}/download", "The PDF of the document a share link opens", get(download))
            .file().limited().errors(&dead),
        Route::post("/api/links/{token}/end", "End access: the link stops working for good", post(end))
            .no_content().limited().errors(&dead),
        Route::post("/api/links/{token}/accept", "Accept the sent, unexpired quote a link opens, with your typed name", post(accept))
            .body::<AcceptQuote>().answers::<Quote>(200).limited().errors(&decided),
        Route::post("/api/links/{token}/decline", "Decline the sent, unexpired quote a link opens", post(decline))
            .body::<DeclineQuote>().answers::<Quote>(200).limited().errors(&decided),
    ]
}

/// A link holder: the organization's customer the link was sent to, acting only
/// through this one link.
pub struct LinkHolder {
    pub principal: Principal,
    pub link: documents::ShareLink,
    pub client_ip: IpAddr,
}

impl ActsFor for LinkHolder {
    fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = from_client(self.client_ip, message);
        self.principal.write_to(request.metadata_mut());
        request
    }
}

impl LinkHolder {
    fn subject(&self) -> (String, String) {
        let subject = self.link.subject.clone().unwrap_or_default();
        (subject.kind, subject.id)
    }
}

/// The one answer for every token that opens nothing.
fn token_invalid() -> ApiError {
    let mut err = ApiError::new(ErrorCode::InvalidArgument, "this link is not valid");
    err.code = "TOKEN_INVALID".into();
    err
}

/// A token is 43 characters of base64url; anything else names no link.
fn well_formed(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The live link `token` names, counting `count` (`view`, `download`, or nothing).
async fn open(
    state: &GatewayState,
    ip: IpAddr,
    token: &str,
    count: &str,
) -> Result<Call<LinkHolder>, ApiError> {
    enforce_public_limit(state, ip).await?;
    if !well_formed(token) {
        return Err(token_invalid());
    }
    let request = from_client(
        ip,
        documents::OpenLinkRequest {
            token: token.to_owned(),
            count: count.to_owned(),
        },
    );
    let link = state
        .clients
        .links
        .clone()
        .open_link(request)
        .await
        .map_err(dead)?
        .into_inner();
    let holder = atrium_common::ids::OrgId::parse(&link.org_id)
        .zip(atrium_common::ids::CustomerId::parse(&link.customer_id))
        .map(|(org, customer)| Principal::customer(org, customer.0))
        .ok_or_else(token_invalid)?;
    Ok(Call {
        session: LinkHolder {
            principal: holder,
            link,
            client_ip: ip,
        },
        state: state.clone(),
    })
}

/// A refusal from behind a link: a link that is not live, or a subject that is gone
/// or no longer the customer's, answers as every dead token does.
fn dead(status: tonic::Status) -> ApiError {
    match status.code() {
        tonic::Code::InvalidArgument
        | tonic::Code::NotFound
        | tonic::Code::PermissionDenied
        | tonic::Code::Unauthenticated => token_invalid(),
        _ => status.into(),
    }
}

/// The document a link opens, as the customer sees it, and who sent it.
#[derive(Serialize, JsonSchema)]
pub struct Linked {
    pub org: LinkedOrg,
    pub customer: LinkedCustomer,
    pub subject: LinkedSubject,
    pub expires_at: Option<crate::api::Time>,
    /// What the page offers: `download`, `accept` and `decline` (an open quote),
    /// `end_access`, `portal_access`.
    pub actions: Vec<&'static str>,
}

#[derive(Serialize, JsonSchema)]
pub struct LinkedOrg {
    pub name: String,
    pub branding: PublicBranding,
}

#[derive(Serialize, JsonSchema)]
pub struct LinkedCustomer {
    pub name: String,
}

/// The subject with its kind beside the customer's view of it.
#[derive(Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkedSubject {
    Invoice(InvoiceDetail),
    Quote(Quote),
    CreditNote(CreditNote),
    Order(Order),
}

/// Every link answer: never kept, never sent on as a referrer, never indexed.
pub(crate) fn private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

/// `linked!(holder, client.method(message))`: `call!` for a link holder, where every
/// refusal answers as a dead token.
macro_rules! linked {
    ($holder:expr, $client:ident.$method:ident($message:expr)) => {{
        let request = ActsFor::request(&$holder.session, $message);
        $holder
            .state
            .clients
            .$client
            .clone()
            .$method(request)
            .await
            .map_err(dead)?
            .into_inner()
    }};
}

/// What the page may offer besides the document: its kind, the customer's name on it,
/// and whether it is a quote open to a decision.
struct Shown {
    subject: LinkedSubject,
    customer_name: String,
    open_quote: bool,
}

/// The subject in the customer's view, asked of its owner with the link's id.
async fn subject(holder: &Call<LinkHolder>) -> Result<Shown, ApiError> {
    let link_id = holder.link.id.clone();
    let (kind, id) = holder.subject();
    let name = |customer: &Option<billing::CustomerRef>| {
        customer
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    Ok(match kind.as_str() {
        "invoice" => {
            let request = billing::InvoiceRequest {
                invoice_id: id,
                link_id,
            };
            let invoice = linked!(holder, my_invoices.get_my_invoice(request))
                .invoice
                .unwrap_or_default();
            Shown {
                customer_name: name(&invoice.customer),
                subject: LinkedSubject::Invoice(invoice.into()),
                open_quote: false,
            }
        }
        "quote" => {
            let request = billing::QuoteRequest {
                quote_id: id,
                link_id,
            };
            let quote = linked!(holder, my_quotes.get_my_quote(request))
                .quote
                .unwrap_or_default();
            Shown {
                customer_name: name(&quote.customer),
                open_quote: quote.status == "sent",
                subject: LinkedSubject::Quote(quote.into()),
            }
        }
        "credit_note" => {
            let request = billing::CreditNoteRequest {
                credit_note_id: id,
                link_id,
            };
            let note = linked!(holder, my_credit_notes.get_my_credit_note(request))
                .credit_note
                .unwrap_or_default();
            Shown {
                customer_name: name(&note.customer),
                subject: LinkedSubject::CreditNote(note.into()),
                open_quote: false,
            }
        }
        "order" => {
            let request = billing::OrderRequest {
                order_id: id,
                link_id,
            };
            let order = linked!(holder, my_orders.get_my_order(request))
                .order
                .unwrap_or_default();
            Shown {
                customer_name: name(&order.customer),
                subject: LinkedSubject::Order(order.into()),
                open_quote: false,
            }
        }
        _ => return Err(token_invalid()),
    })
}

/// The organization's name and branding as its link pages show them.
async fn org_of(holder: &Call<LinkHolder>) -> Result<LinkedOrg, ApiError> {
    let branding =
        crate::routes::public::branding::branding(&holder.state, holder.link.org_id.clone())
            .await?;
    Ok(LinkedOrg {
        name: branding.company_name.clone().unwrap_or_default(),
        branding,
    })
}

async fn read(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    Path(token): Path<String>,
) -> Response {
    private(answer(&state, ip, &token).await.into_response())
}

async fn answer(
    state: &GatewayState,
    ip: IpAddr,
    token: &str,
) -> Result<axum::Json<Linked>, ApiError> {
    let holder = open(state, ip, token, "view").await?;
    let (shown, org) = tokio::try_join!(subject(&holder), org_of(&holder))?;
    let mut actions = vec!["download"];
    if shown.open_quote {
        actions.extend(["accept", "decline"]);
    }
    actions.extend(["end_access", "portal_access"]);
    let expires_at = crate::api::time(holder.link.expires_at.as_ref());
    Ok(axum::Json(Linked {
        org,
        customer: LinkedCustomer {
            name: shown.customer_name,
        },
        subject: shown.subject,
        expires_at,
        actions,
    }))
}

async fn download(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    (method, asked): (Method, HeaderMap),
    Path(token): Path<String>,
) -> Response {
    let pdf = async {
        let holder = open(&state, ip, &token, "download").await?;
        let (kind, id) = holder.subject();
        let request = billing::PdfRequest {
            kind,
            id,
            link_id: holder.link.id.clone(),
            ..Default::default()
        };
        Ok::<_, ApiError>(linked!(holder, my_pdfs.render_my_pdf(request)))
    };
    private(match pdf.await {
        Ok(found) => pdf_answer(&method, &asked, found),
        Err(err) => err.into_response(),
    })
}

async fn end(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    Path(token): Path<String>,
) -> Response {
    let ended = async {
        enforce_public_limit(&state, ip).await?;
        if !well_formed(&token) {
            return Err(token_invalid());
        }
        let request = from_client(ip, documents::LinkTokenRequest { token });
        state
            .clients
            .links
            .clone()
            .end_link(request)
            .await
            .map_err(dead)?;
        Ok::<_, ApiError>(StatusCode::NO_CONTENT)
    };
    private(ended.await.into_response())
}

/// Records a decision on the quote the link opens, as the portal's own route does (the
/// same rules and refusals), with `channel: "link"` and the link's id as evidence.
async fn decide(
    (state, ip, headers): (&GatewayState, IpAddr, &HeaderMap),
    token: &str,
    (accept, name, comment): (bool, String, String),
) -> Result<axum::Json<Quote>, ApiError> {
    let holder = open(state, ip, token, "").await?;
    let (kind, id) = holder.subject();
    if kind != "quote" {
        return Err(token_invalid());
    }
    let request = ActsFor::request(
        &holder.session,
        billing::DecideQuoteRequest {
            quote_id: id,
            accept,
            name,
            comment,
            client_ip: ip.to_string(),
            user_agent: user_agent(headers),
            link_id: holder.link.id.clone(),
        },
    );
    let decided = state.clients.my_quotes.clone().decide_quote(request).await;
    match decided {
        Ok(answer) => Ok(axum::Json(
            answer.into_inner().quote.unwrap_or_default().into(),
        )),
        // The quote's own refusals (expired, decided, a missing name) stand; a link that
        // no longer opens it answers as every dead token.
        Err(status)
            if matches!(
                status.code(),
                tonic::Code::NotFound | tonic::Code::PermissionDenied
            ) =>
        {
            Err(token_invalid())
        }
        Err(status) => Err(status.into()),
    }
}

async fn accept(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Path(token): Path<String>,
    Json(body): Json<AcceptQuote>,
) -> Response {
    let comment = body.comment.unwrap_or_default();
    let decided = decide((&state, ip, &headers), &token, (true, body.name, comment)).await;
    private(decided.into_response())
}

async fn decline(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Path(token): Path<String>,
    OptionalJson(body): OptionalJson<DeclineQuote>,
) -> Response {
    let reason = body.reason.unwrap_or_default();
    let decided = decide(
        (&state, ip, &headers),
        &token,
        (false, String::new(), reason),
    )
    .await;
    private(decided.into_response())
}
