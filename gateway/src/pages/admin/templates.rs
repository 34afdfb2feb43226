//! Console email templates: the list, and one template's form with its three buttons:
//! Preview (rendered by the notifier with sample values, nothing saved), Save, Restore.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use http::StatusCode;

use super::{Search, chrome};
use crate::GatewayState;
use crate::extract::Json;
use crate::pages::said::{Said, refusal};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again, render};
use crate::routes::admin::templates;

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin/settings/templates", get(list))
        .route(
            "/admin/settings/templates/{key}/{locale}",
            get(template_page).post(action),
        )
}

#[derive(Template)]
#[template(path = "admin/templates.html")]
struct TemplatesPage {
    c: Chrome,
    items: Vec<templates::Template>,
}

async fn list(page: StaffPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let list = templates::list(again(&page.call)).await.on_page(lang)?.0;
    let c = chrome(
        &page,
        lang.words().email_templates,
        "/admin/settings/templates",
    );
    let view = TemplatesPage {
        c,
        items: list.items,
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template)]
#[template(path = "admin/template.html")]
struct TemplatePage {
    c: Chrome,
    template: templates::Template,
    preview: Option<templates::Preview>,
}

/// The template's page: as stored, or with what the form held (`typed`) over it.
async fn template_view(
    page: StaffPage,
    (key, locale): (String, String),
    typed: Option<templates::TemplateBody>,
    preview: Option<templates::Preview>,
    said: Said,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let here = format!("/admin/settings/templates/{key}/{locale}");
    let mut template = templates::read(again(&page.call), Path((key, locale)))
        .await
        .on_page(lang)?
        .0;
    if let Some(typed) = typed {
        (template.subject, template.text, template.html) = (typed.subject, typed.text, typed.html);
    }
    let mut c = chrome(&page, lang.words().email_templates, &here);
    c.said = said;
    let view = TemplatePage {
        c,
        template,
        preview,
    };
    Ok(render(view.c.said.status(), &view))
}

async fn template_page(
    page: StaffPage,
    Path(path): Path<(String, String)>,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    let said = Said::notice(search.notice(page.lang.words().saved));
    template_view(page, path, None, None, said).await
}

/// The template form's three buttons: preview (render, save nothing), save, restore.
async fn action(
    page: StaffPage,
    Path((key, locale)): Path<(String, String)>,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let body = || templates::TemplateBody {
        subject: form.text("subject"),
        text: form.secret("text"),
        html: form.secret("html"),
    };
    let path = || Path((key.clone(), locale.clone()));
    let done = match form.text("action").as_str() {
        "preview" => match templates::preview(again(&page.call), path(), Json(body())).await {
            Ok(Json(preview)) => {
                let (key, locale) = (key.clone(), locale.clone());
                let said = Said::default();
                return template_view(page, (key, locale), Some(body()), Some(preview), said).await;
            }
            Err(err) => Err(err),
        },
        "restore" => templates::restore(again(&page.call), path())
            .await
            .map(drop),
        _ => templates::replace(again(&page.call), path(), Json(body()))
            .await
            .map(drop),
    };
    match done {
        Ok(()) => {
            let to = format!("/admin/settings/templates/{key}/{locale}?done=saved");
            Ok(Redirect::to(&to).into_response())
        }
        Err(err) => {
            let said = Said::refused(refusal(err, lang)?);
            template_view(
                page,
                (key.clone(), locale.clone()),
                Some(body()),
                None,
                said,
            )
            .await
        }
    }
}
