//! Share links (design/links.md): one document opened by the token an email carried,
//! with no sign-in. Every route here ignores cookies (no session is read, no CSRF token
//! asked); the documents service says whether the token is live and whose it is, and
//! the subject's owner, asked as that organization's customer with the link's id,
//! checks the link again and answers the customer's view. Every dead, unknown or
//! foreign token answers the same 422 `TOKEN_INVALID`, and every answer is `no-store`,
//! `no-referrer` and `noindex`.

mod holder;
pub mod recovery;
pub mod view;

use std::net::IpAddr;

use atrium_common::error::ApiError;
use atrium_proto::billing::v1 as billing;
use atrium_proto::documents::v1 as documents;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderMap, Method, StatusCode};

pub use holder::{LinkHolder, private, token_invalid, well_formed};
use holder::{dead, linked, open};
use view::Linked;

use crate::GatewayState;
use crate::api::Message;
use crate::api::billing::{AcceptQuote, DeclineQuote, Quote};
use crate::extract::{
    ActsFor, Call, ClientAddr, Json, OptionalJson, enforce_public_limit, from_client, user_agent,
};
use crate::routes::Route;
use crate::routes::admin::pdfs::pdf_answer;
use crate::routes::files::{self, Disposition};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let dead = ["TOKEN_INVALID"];
    let decided = ["TOKEN_INVALID", "QUOTE_EXPIRED", "QUOTE_NOT_OPEN"];
    vec![
        Route::get("/api/links/{token}", "The document a share link opens, in the customer's view, with what the holder may do", get(read))
            .answers::<Linked>(200).limited().errors(&dead),
        Route::get("/api/links/{token}/download", "The PDF of the invoice, quote, credit note, order or statement a share link opens, or the sent document's file", get(download))
            .file().limited().errors(&dead),
        Route::post("/api/links/{token}/end", "End access: the link stops working for good", post(end))
            .no_content().limited().errors(&dead),
        Route::post("/api/links/{token}/accept", "Accept the sent, unexpired quote a link opens, with your typed name", post(accept))
            .body::<AcceptQuote>().answers::<Quote>(200).limited().errors(&decided),
        Route::post("/api/links/{token}/decline", "Decline the sent, unexpired quote a link opens", post(decline))
            .body::<DeclineQuote>().answers::<Quote>(200).limited().errors(&decided),
        Route::post("/api/links/request-access", "Request access: fresh links to the open invoices and quotes of the organization's customer with this email, mailed to the address on file if there is one; the same 202 either way", post(recovery::request_access))
            .body::<recovery::AccessRequest>().answers::<Message>(202).limited(),
        Route::post("/api/links/{token}/renew", "Send again: a new link to the same document, mailed to the customer's address on file if the token is known; the same 202 either way", post(recovery::renew))
            .answers::<Message>(202).limited(),
        Route::post("/api/links/{token}/portal-access", "Get portal access: the invitation again, or a reset link, mailed to the customer's address on file if the token is known; the same 202 either way", post(recovery::portal_access))
            .answers::<Message>(202).limited(),
    ]
}

async fn read(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    Path(token): Path<String>,
) -> Response {
    let answer = view::view(&state, ip, &token, "view").await;
    private(answer.map(|(_, linked)| axum::Json(linked)).into_response())
}

async fn download(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    (method, asked): (Method, HeaderMap),
    Path(token): Path<String>,
) -> Response {
    let answer = async {
        let holder = open(&state, ip, &token, "download").await?;
        let (kind, id) = holder.subject();
        if kind == "document" {
            return file(&holder, id, (&method, &asked)).await;
        }
        let (from, to, currency) = match kind.as_str() {
            "statement" => view::period_of(&holder),
            _ => Default::default(),
        };
        let request = billing::PdfRequest {
            kind,
            id,
            from,
            to,
            currency,
            link_id: holder.link.id.clone(),
        };
        let found = linked!(holder, my_pdfs.render_my_pdf(request));
        Ok::<_, ApiError>(pdf_answer(&method, &asked, found))
    };
    private(answer.await.unwrap_or_else(IntoResponse::into_response))
}

/// A sent document's file, as the customer's own download answers it (ranges, ETag),
/// logged with the link.
async fn file(
    holder: &Call<LinkHolder>,
    id: String,
    (method, asked): (&Method, &HeaderMap),
) -> Result<Response, ApiError> {
    let link_id = holder.link.id.clone();
    let request = documents::DocumentRequest {
        document_id: id.clone(),
        link_id: link_id.clone(),
    };
    let found = linked!(holder, my_documents.get_my_document(request));
    let file = found.document.unwrap_or_default().file.unwrap_or_default();
    files::answer(method, asked, (file, Disposition::Attachment), |range| {
        let request = documents::DownloadMyDocumentRequest {
            document_id: id,
            range,
            link_id,
        };
        async move { Ok(linked!(holder, my_documents.download_my_document(request))) }
    })
    .await
}

async fn end(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    Path(token): Path<String>,
) -> Response {
    let ended = end_link(&state, ip, token).await;
    private(ended.map(|()| StatusCode::NO_CONTENT).into_response())
}

/// "End access": the live link `token` names ends for good.
pub async fn end_link(state: &GatewayState, ip: IpAddr, token: String) -> Result<(), ApiError> {
    enforce_public_limit(state, ip).await?;
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
    Ok(())
}

/// Records a decision on the quote the link opens, as the portal's own route does (the
/// same rules and refusals), with `channel: "link"` and the link's id as evidence.
pub async fn decide(
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
