//! Staff sending an issued invoice, quote, credit note, order or a customer's statement
//! by share link (`billing.manage`), or a published document (`documents.manage`): 202
//! with the new link (never its token, which only the mail carries); a subject's or a
//! customer's links with their views (`billing.view`, `projects.view` for documents);
//! and revoking one (the subject area's write permission, checked by the link store).

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::billing::v1 as billing;
use atrium_proto::documents::v1 as documents;
use axum::extract::MatchedPath;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::api::{Page, PageQuery, Time, time};
use crate::call;
use crate::extract::{Json, PathId, Query, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let (view, manage) = (Permission::BillingView, Permission::BillingManage);
    let refused = ["INVOICE_NOT_ISSUED", "INVALID_TRANSITION"];
    let listed = "The subject's share links, newest first, with their views and downloads";
    vec![
        Route::post("/api/admin/invoices/{id}/send", "Send an issued invoice by a new share link to the customer's address on file (a draft or void one: 409 INVOICE_NOT_ISSUED)", post(send_document))
            .staff(manage).answers::<Sent>(202).errors(&refused),
        Route::post("/api/admin/quotes/{id}/send", "Send an issued quote by a new share link (a draft: 409 INVALID_TRANSITION)", post(send_document))
            .staff(manage).answers::<Sent>(202).errors(&refused),
        Route::post("/api/admin/credit-notes/{id}/send", "Send a credit note by a new share link", post(send_document))
            .staff(manage).answers::<Sent>(202),
        Route::post("/api/admin/orders/{id}/send", "Send an order by a new share link", post(send_document))
            .staff(manage).answers::<Sent>(202),
        Route::post("/api/admin/customers/{id}/statement/send", "Send the customer's statement for a period in one currency by a new share link", post(send_statement))
            .staff(manage).body::<SendStatement>().answers::<Sent>(202),
        Route::post("/api/admin/documents/{id}/send", "Send a published document by a new share link to a customer its project is assigned to (not published: 409 INVALID_TRANSITION; a customer not assigned: 404)", post(send_file))
            .staff(Permission::DocumentsManage).body::<SendDocument>().answers::<Sent>(202).errors(&["INVALID_TRANSITION"]),
        Route::get("/api/admin/documents/{id}/links", listed, get(subject_links))
            .staff(Permission::ProjectsView).query::<PageQuery>().answers::<Page<Link>>(200),
        Route::get("/api/admin/invoices/{id}/links", listed, get(subject_links))
            .staff(view).query::<PageQuery>().answers::<Page<Link>>(200),
        Route::get("/api/admin/quotes/{id}/links", listed, get(subject_links))
            .staff(view).query::<PageQuery>().answers::<Page<Link>>(200),
        Route::get("/api/admin/credit-notes/{id}/links", listed, get(subject_links))
            .staff(view).query::<PageQuery>().answers::<Page<Link>>(200),
        Route::get("/api/admin/orders/{id}/links", listed, get(subject_links))
            .staff(view).query::<PageQuery>().answers::<Page<Link>>(200),
        Route::get("/api/admin/customers/{id}/links", "Every share link of the customer, newest first", get(customer_links))
            .staff(view).query::<PageQuery>().answers::<Page<Link>>(200),
        Route::delete("/api/admin/links/{id}", "Revoke a share link: it stops working at once", delete(revoke))
            .any_staff().no_content().errors(&["PERMISSION_DENIED"]),
    ]
}

/// The link a send made.
#[derive(Serialize, JsonSchema)]
pub struct Sent {
    pub link: SentLink,
}

#[derive(Serialize, JsonSchema)]
pub struct SentLink {
    pub id: String,
    pub expires_at: Option<Time>,
}

/// The body of `POST /api/admin/customers/{id}/statement/send`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SendStatement {
    /// `YYYY-MM-DD`, included.
    pub from: String,
    /// `YYYY-MM-DD`, included; at most 366 days after `from`.
    pub to: String,
    /// ISO 4217.
    pub currency: String,
}

/// The body of `POST /api/admin/documents/{id}/send`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SendDocument {
    /// A customer the document's project is assigned to.
    pub customer_id: String,
}

/// A share link as staff list it.
#[derive(Serialize, JsonSchema)]
pub struct Link {
    pub id: String,
    pub subject: LinkSubject,
    pub created_at: Option<Time>,
    pub expires_at: Option<Time>,
    pub ended_at: Option<Time>,
    pub revoked_at: Option<Time>,
    pub first_viewed_at: Option<Time>,
    pub last_viewed_at: Option<Time>,
    pub views: i64,
    pub downloads: i64,
}

#[derive(Serialize, JsonSchema)]
pub struct LinkSubject {
    /// invoice, quote, credit_note, order, statement or document.
    pub kind: String,
    pub id: String,
}

impl From<documents::ShareLink> for Link {
    fn from(l: documents::ShareLink) -> Link {
        let subject = l.subject.unwrap_or_default();
        Link {
            id: l.id,
            subject: LinkSubject {
                kind: subject.kind,
                id: subject.id,
            },
            created_at: time(l.created_at.as_ref()),
            expires_at: time(l.expires_at.as_ref()),
            ended_at: time(l.ended_at.as_ref()),
            revoked_at: time(l.revoked_at.as_ref()),
            first_viewed_at: time(l.first_viewed_at.as_ref()),
            last_viewed_at: time(l.last_viewed_at.as_ref()),
            views: l.views,
            downloads: l.downloads,
        }
    }
}

/// The subject kind of a route's path (`/api/admin/credit-notes/…` is `credit_note`).
fn kind_of(route: &MatchedPath) -> &'static str {
    let path = route.as_str();
    if path.starts_with("/api/admin/credit-notes/") {
        "credit_note"
    } else if path.starts_with("/api/admin/quotes/") {
        "quote"
    } else if path.starts_with("/api/admin/orders/") {
        "order"
    } else if path.starts_with("/api/admin/documents/") {
        "document"
    } else {
        "invoice"
    }
}

async fn send_document(
    staff: StaffCall,
    route: MatchedPath,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    let sent = send_kind(staff, kind_of(&route), PathId(id)).await?;
    Ok((StatusCode::ACCEPTED, Json(sent)).into_response())
}

/// Sends billing's document of `kind` (invoice, quote, credit_note, order) by a new link.
pub(crate) async fn send_kind(
    staff: StaffCall,
    kind: &str,
    PathId(id): PathId,
) -> Result<Sent, ApiError> {
    let request = billing::SendDocumentRequest {
        kind: kind.to_owned(),
        id: id.to_string(),
        ..Default::default()
    };
    let sent = call!(staff, sending.send_document(request));
    Ok(Sent {
        link: SentLink {
            id: sent.link_id,
            expires_at: time(sent.expires_at.as_ref()),
        },
    })
}

fn sent_answer(id: String, expires_at: Option<prost_types::Timestamp>) -> Response {
    let body = Sent {
        link: SentLink {
            id,
            expires_at: time(expires_at.as_ref()),
        },
    };
    (StatusCode::ACCEPTED, Json(body)).into_response()
}

async fn send_statement(
    staff: StaffCall,
    PathId(id): PathId,
    Json(body): Json<SendStatement>,
) -> Result<Response, ApiError> {
    let request = billing::SendDocumentRequest {
        kind: "statement".to_owned(),
        id: id.to_string(),
        from: body.from,
        to: body.to,
        currency: body.currency,
    };
    let sent = call!(staff, sending.send_document(request));
    Ok(sent_answer(sent.link_id, sent.expires_at))
}

async fn send_file(
    staff: StaffCall,
    PathId(id): PathId,
    Json(body): Json<SendDocument>,
) -> Result<Response, ApiError> {
    let request = documents::SendDocumentRequest {
        document_id: id.to_string(),
        customer_id: body.customer_id,
    };
    let link = call!(staff, documents.send_document(request));
    Ok(sent_answer(link.id, link.expires_at))
}

async fn links(staff: StaffCall, request: documents::ListLinksRequest) -> Answer<Page<Link>> {
    let found = call!(staff, links.list_links(request));
    Ok(Json(Page::of(
        found.items.into_iter().map(Link::from),
        found.next_page_token,
    )))
}

async fn subject_links(
    staff: StaffCall,
    route: MatchedPath,
    id: PathId,
    Query(page): Query<PageQuery>,
) -> Answer<Page<Link>> {
    links_of(staff, kind_of(&route), id, page).await
}

/// A page of the links of the organization's subject of `kind`, newest first.
pub(crate) async fn links_of(
    staff: StaffCall,
    kind: &str,
    PathId(id): PathId,
    page: PageQuery,
) -> Answer<Page<Link>> {
    let (page_size, page_token) = page.paging.size_and_token()?;
    let request = documents::ListLinksRequest {
        subject: Some(documents::LinkSubject {
            kind: kind.to_owned(),
            id: id.to_string(),
            extra: String::new(),
        }),
        customer_id: String::new(),
        page_size,
        page_token,
    };
    links(staff, request).await
}

async fn customer_links(
    staff: StaffCall,
    PathId(id): PathId,
    Query(page): Query<PageQuery>,
) -> Answer<Page<Link>> {
    let (page_size, page_token) = page.paging.size_and_token()?;
    let request = documents::ListLinksRequest {
        subject: None,
        customer_id: id.to_string(),
        page_size,
        page_token,
    };
    links(staff, request).await
}

pub(crate) async fn revoke(staff: StaffCall, PathId(id): PathId) -> Result<StatusCode, ApiError> {
    let request = documents::RevokeLinkRequest {
        link_id: id.to_string(),
    };
    call!(staff, links.revoke_link(request));
    Ok(StatusCode::NO_CONTENT)
}
