//! Console invoices: the list with its filters, the editor of a draft (lines with live
//! totals where scripts run), issue and delete; on an issued invoice the payment, credit
//! note and void forms. Each calls the JSON route's own handler. A form that books money
//! carries an idempotency key made with the page, so sending it twice books it once.

use askama::Template;
use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use axum::Router;
use axum::extract::Query as UrlQuery;
use axum::response::Response;
use axum::routing::{get, post};

use super::bill_form::{self, minor_of};
use super::books::{
    Draft, Editor, ListQuery, NewPage, button, customers_of, draft_editor, key, today,
};
use super::{Search, chrome, first};
use crate::GatewayState;
use crate::api::billing::{
    AllocationBody, InvoiceDetail, InvoiceFilter, IssueInvoice, MoneyBody, NewCreditNote,
    NewInvoice, NewPayment, VoidInvoice,
};
use crate::api::{Page, Patch};
use crate::extract::{IdempotencyKey, Json, OptionalJson, PathId, Query};
use crate::pages::said::{Said, answer};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again, render};
use crate::routes::admin::{invoices, payments};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin/invoices", get(list_page).post(create))
        .route("/admin/invoices/new", get(new_page))
        .route("/admin/invoices/{id}", get(invoice_page).post(save))
        .route("/admin/invoices/{id}/issue", post(issue))
        .route("/admin/invoices/{id}/delete", post(delete))
        .route("/admin/invoices/{id}/payment", post(pay))
        .route("/admin/invoices/{id}/credit-note", post(credit))
        .route("/admin/invoices/{id}/void", post(void))
}

#[derive(Template)]
#[template(path = "admin/invoices.html")]
struct ListPage {
    c: Chrome,
    invoices: Vec<crate::api::billing::Invoice>,
    filter: ListQuery,
    can_edit: bool,
}

async fn list_page(
    page: StaffPage,
    UrlQuery(q): UrlQuery<ListQuery>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let filter = InvoiceFilter {
        status: q.status(),
        customer_id: q.customer(),
        overdue: None,
        q: None,
        paging: first("100"),
    };
    let found: Page<_> = invoices::list(again(&page.call), Query(filter))
        .await
        .on_page(lang)?
        .0;
    let view = ListPage {
        c: chrome(&page, lang.words().bill.invoices, "/admin/invoices"),
        invoices: found.items,
        filter: q,
        can_edit: page.call.role.allows(Permission::BillingManage),
    };
    Ok(render(http::StatusCode::OK, &view))
}

async fn new_page(page: StaffPage) -> Result<Response, PageError> {
    new_view(page, None, Said::default()).await
}

/// The empty editor, or the one just sent again with why it was refused.
async fn new_view(
    page: StaffPage,
    sent: Option<&PageForm>,
    said: Said,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let customers = customers_of(&page).await?;
    let mut e = Editor::blank(
        lang,
        customers,
        "/admin/invoices",
        lang.words().books.create_draft,
    );
    e.terms_days = Some(String::new());
    if let Some(form) = sent {
        e.refill(form, lang);
    }
    let mut c = chrome(&page, lang.words().books.new_invoice, "/admin/invoices");
    c.said = said;
    let back = ("/admin/invoices", lang.words().bill.invoices);
    Ok(render(c.said.status(), &NewPage { c, e, back }))
}

/// The editor's fields as the API's body of a new draft.
fn new_invoice(form: &PageForm, page: &StaffPage) -> Result<NewInvoice, ApiError> {
    let currency = form.text("currency").to_uppercase();
    let terms = match form.optional("payment_terms_days") {
        None => None,
        Some(days) => Some(days.parse::<i32>().map_err(|_| {
            ApiError::invalid_field("payment_terms_days", "must be a whole number of days")
        })?),
    };
    Ok(NewInvoice {
        customer_id: form.text("customer_id"),
        lines: bill_form::lines_of(form, &currency, page.lang)?,
        currency,
        project_id: None,
        notes: form.optional("notes"),
        payment_terms_days: terms,
    })
}

async fn create(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let lang = page.lang;
    let done = match new_invoice(&form, &page) {
        Ok(body) => invoices::create(again(&page.call), Json(body))
            .await
            .map(|(_, invoice)| invoice.0.id.0),
        Err(err) => Err(err),
    };
    let to = match &done {
        Ok(id) => format!("/admin/invoices/{id}?done=saved"),
        Err(_) => String::new(),
    };
    answer(lang, done, &to, |said| new_view(page, Some(&form), said)).await
}

#[derive(Template)]
#[template(path = "admin/invoice.html")]
struct InvoicePage {
    c: Chrome,
    d: InvoiceDetail,
    /// The draft's editor (drafts only, for members who may change billing).
    e: Option<Editor>,
    can_edit: bool,
    /// The key the money forms of this rendering book with.
    key: String,
    today: String,
    /// The amount due as the payment form offers it.
    due_field: String,
    links: Option<super::links::LinksPanel>,
}

async fn invoice_page(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    UrlQuery(search): UrlQuery<Search>,
) -> Result<Response, PageError> {
    let id = id.on_page(page.lang)?;
    let said = Said::notice(search.notice(page.lang.words().books.done));
    invoice_view(page, id, None, said).await
}

async fn invoice_view(
    page: StaffPage,
    PathId(id): PathId,
    sent: Option<&PageForm>,
    said: Said,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let can_edit = page.call.role.allows(Permission::BillingManage);
    let d = invoices::read(again(&page.call), PathId(id))
        .await
        .on_page(lang)?
        .0;
    let i = &d.invoice;
    let e = if can_edit && i.status == "draft" {
        let draft = Draft {
            customer_id: &i.customer.id.0,
            currency: &i.currency,
            lines: &i.lines,
            notes: &i.notes,
        };
        let mut e = draft_editor(&page, &format!("/admin/invoices/{id}"), draft).await?;
        e.terms_days = Some(i.payment_terms_days.to_string());
        if let Some(form) = sent {
            e.refill(form, lang);
        }
        Some(e)
    } else {
        None
    };
    let title = match &i.number {
        Some(n) => format!("{} {n}", lang.words().bill.invoice),
        None => format!(
            "{} ({})",
            lang.words().bill.invoice,
            lang.words().books.draft
        ),
    };
    let mut c = chrome(&page, &title, "/admin/invoices");
    c.said = said;
    let due_field = bill_form::amount_field(i.amount_due.amount_minor, &i.currency, lang);
    let sendable = !matches!(i.status.as_str(), "draft" | "void");
    let links = super::links::panel(&page, ("invoice", "invoices"), id, sendable).await?;
    let view = InvoicePage {
        c,
        e,
        can_edit,
        key: key(),
        today: today(),
        due_field,
        d,
        links,
    };
    Ok(render(view.c.said.status(), &view))
}

/// The invoice again, saying why a button was refused.
pub(super) async fn shown(page: StaffPage, id: PathId, said: Said) -> Result<Response, PageError> {
    invoice_view(page, id, None, said).await
}

/// The draft's editor sent: every field replaced (a PATCH of all of them).
async fn save(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let done = match new_invoice(&form, &page) {
        Ok(body) => {
            let patch = crate::api::billing::InvoicePatch {
                customer_id: Patch::Set(body.customer_id),
                currency: Patch::Set(body.currency),
                lines: Patch::Set(body.lines),
                project_id: Patch::Absent,
                notes: body.notes.map_or(Patch::Clear, Patch::Set),
                payment_terms_days: body.payment_terms_days.map_or(Patch::Absent, Patch::Set),
            };
            invoices::update(again(&page.call), PathId(id), Json(patch)).await
        }
        Err(err) => Err(err),
    };
    let to = format!("/admin/invoices/{id}?done=saved");
    answer(lang, done, &to, |said| {
        invoice_view(page, PathId(id), Some(&form), said)
    })
    .await
}

async fn issue(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let act = |call, id| invoices::issue(call, id, OptionalJson(IssueInvoice::default()));
    button(
        page,
        id,
        act,
        "/admin/invoices/{id}?done=issue",
        |page, id, said| invoice_view(page, id, None, said),
    )
    .await
}

async fn delete(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    button(
        page,
        id,
        invoices::remove,
        "/admin/invoices?done=deleted",
        |page, id, said| invoice_view(page, id, None, said),
    )
    .await
}

/// An amount field of a money form, in the invoice's currency.
fn amount_in(form: &PageForm, currency: &str, page: &StaffPage) -> Result<i64, ApiError> {
    minor_of(&form.text("amount"), currency, page.lang)
        .ok_or_else(|| ApiError::invalid_field("amount", "must be an amount in the currency"))
}

async fn pay(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let invoice = invoices::read(again(&page.call), PathId(id))
        .await
        .on_page(lang)?
        .0
        .invoice;
    let currency = invoice.currency.clone();
    let booked = async {
        let amount_minor = amount_in(&form, &currency, &page)?;
        let body = NewPayment {
            customer_id: invoice.customer.id.0.to_string(),
            amount: MoneyBody {
                amount_minor,
                currency: currency.clone(),
            },
            received_on: form.text("received_on"),
            method: form.text("method"),
            reference: form.optional("reference"),
            allocations: vec![AllocationBody {
                invoice_id: id.to_string(),
                amount_minor,
            }],
        };
        let key = IdempotencyKey(form.text("idempotency_key"));
        payments::create(again(&page.call), key, Json(body)).await
    }
    .await;
    let to = format!("/admin/invoices/{id}?done=payment");
    answer(lang, booked, &to, |said| {
        invoice_view(page, PathId(id), None, said.within("payment"))
    })
    .await
}

async fn credit(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let PathId(id) = id.on_page(lang)?;
    let invoice = invoices::read(again(&page.call), PathId(id))
        .await
        .on_page(lang)?
        .0
        .invoice;
    let booked = async {
        let amount_minor = amount_in(&form, &invoice.currency, &page)?;
        let body = NewCreditNote {
            reason: form.text("reason"),
            lines: None,
            amount: Some(MoneyBody {
                amount_minor,
                currency: invoice.currency.clone(),
            }),
        };
        let key = IdempotencyKey(form.text("idempotency_key"));
        invoices::credit(again(&page.call), PathId(id), key, Json(body)).await
    }
    .await;
    let to = format!("/admin/invoices/{id}?done=credit");
    answer(lang, booked, &to, |said| {
        invoice_view(page, PathId(id), None, said.within("credit"))
    })
    .await
}

async fn void(
    page: StaffPage,
    id: Result<PathId, ApiError>,
    form: PageForm,
) -> Result<Response, PageError> {
    let reason = form.text("reason");
    let act = |call, id| invoices::void(call, id, Json(VoidInvoice { reason }));
    button(
        page,
        id,
        act,
        "/admin/invoices/{id}?done=void",
        |page, id, said| invoice_view(page, id, None, said.within("void")),
    )
    .await
}
