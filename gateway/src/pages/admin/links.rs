//! The console's share links of an invoice or a quote: "Send by link" (the send route's
//! own handler: one mail to the customer's address on file), the document's links with
//! their views and downloads, and revoking one. Each calls the JSON route's handler.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use uuid::Uuid;

use super::books::button;
use super::first;
use crate::GatewayState;
use crate::api::PageQuery;
use crate::extract::PathId;
use crate::pages::i18n::Lang;
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{OnPage, PageError, again};
use crate::routes::admin::links::{self, Link};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin/invoices/{id}/send", post(send_invoice))
        .route("/admin/quotes/{id}/send", post(send_quote))
        .route("/admin/links/{id}/revoke", post(revoke))
}

/// One link as the panel shows it.
pub struct LinkRow {
    pub id: String,
    pub created: String,
    pub expires: String,
    /// Live, expired, ended or revoked, in the page's language.
    pub state: &'static str,
    pub live: bool,
    pub views: i64,
    pub downloads: i64,
    pub last_viewed: String,
}

/// The links panel of one document.
pub struct LinksPanel {
    /// Where "Send by link" posts (empty: the document cannot be sent, or not by them).
    pub send_to: String,
    /// The page revoking comes back to.
    pub back: String,
    pub rows: Vec<LinkRow>,
    pub can_revoke: bool,
}

fn row(link: Link, lang: Lang, now: chrono::DateTime<chrono::Utc>) -> LinkRow {
    let w = lang.words();
    let at = |t: &Option<crate::api::Time>| t.as_ref().map(|t| lang.time(&t.0)).unwrap_or_default();
    let expired = link
        .expires_at
        .as_ref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t.0).ok())
        .is_some_and(|t| t <= now);
    let (state, live) = if link.revoked_at.is_some() {
        (w.link.state_revoked, false)
    } else if link.ended_at.is_some() {
        (w.link.state_ended, false)
    } else if expired {
        (w.link.state_expired, false)
    } else {
        (w.link.state_live, true)
    };
    LinkRow {
        created: at(&link.created_at),
        expires: at(&link.expires_at),
        last_viewed: at(&link.last_viewed_at),
        id: link.id,
        state,
        live,
        views: link.views,
        downloads: link.downloads,
    }
}

/// The links of the organization's `kind` (`invoice`, `quote`) `id`, for a member who
/// may see billing; `sendable`: the document is issued, so "Send by link" is offered to
/// those who may change billing.
pub async fn panel(
    page: &StaffPage,
    (kind, path): (&str, &str),
    id: Uuid,
    sendable: bool,
) -> Result<Option<LinksPanel>, PageError> {
    if !page.call.role.allows(Permission::BillingView) {
        return Ok(None);
    }
    let query = PageQuery {
        paging: first("50"),
    };
    let found = links::links_of(again(&page.call), kind, PathId(id), query)
        .await
        .on_page(page.lang)?
        .0;
    // The clock the services run on (the page's own has no say in what is expired).
    let now = page.call.state.clock.now();
    let can_manage = page.call.role.allows(Permission::BillingManage);
    let base = format!("/admin/{path}/{id}");
    Ok(Some(LinksPanel {
        send_to: if sendable && can_manage {
            format!("{base}/send")
        } else {
            String::new()
        },
        rows: found
            .items
            .into_iter()
            .map(|l| row(l, page.lang, now))
            .collect(),
        back: base,
        can_revoke: can_manage,
    }))
}

async fn send_invoice(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let act = |call, id| links::send_kind(call, "invoice", id);
    let to = "/admin/invoices/{id}?done=sent#links";
    button(page, id, act, to, super::invoices::shown).await
}

async fn send_quote(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let act = |call, id| links::send_kind(call, "quote", id);
    let to = "/admin/quotes/{id}?done=sent#links";
    button(page, id, act, to, super::quotes::shown).await
}

/// Revokes a link and goes back to the console page it was listed on.
async fn revoke(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let id = id.on_page(lang)?;
    links::revoke(again(&page.call), id).await.on_page(lang)?;
    let back = form.text("back");
    let back = if back.starts_with("/admin/") && !back.contains("//") && !back.contains('\\') {
        back
    } else {
        "/admin".to_owned()
    };
    Ok(Redirect::to(&format!("{back}?done=revoked#links")).into_response())
}
