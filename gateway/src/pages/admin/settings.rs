//! Console settings: features, branding with a live preview, default permissions,
//! default language and team visibility, saved as one document.

use askama::Template;
use atrium_common::error::ApiError;
use axum::Router;
use axum::extract::Query;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Search, chrome};
use crate::GatewayState;
use crate::api::settings::SettingsPatch;
use crate::extract::{Json, Upload};
use crate::pages::i18n::Words;
use crate::pages::said::{Said, answer, refusal};
use crate::pages::session::{PageForm, StaffPage};
use crate::pages::{Chrome, OnPage, PageError, again, render};
use crate::routes::admin::{logo, settings};

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/admin/settings", get(settings_page).post(save))
        .route("/admin/settings/logo", post(upload_logo))
}

const FEATURES: [&str; 6] = [
    "customer_portal",
    "approvals",
    "requests",
    "documents",
    "billing",
    "gallery",
];

const PERMISSIONS: [&str; 4] = [
    "can_view_invoices",
    "can_approve_work",
    "can_add_comments",
    "can_submit_requests",
];

/// One checkbox of the settings form.
struct Toggle {
    name: &'static str,
    label: &'static str,
    on: bool,
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    c: Chrome,
    features: Vec<Toggle>,
    permissions: Vec<Toggle>,
    branding: atrium_common::settings::Branding,
    show_team_members: bool,
    default_locale: &'static str,
}

fn label(w: &Words, name: &str) -> &'static str {
    match name {
        "customer_portal" => w.feature_customer_portal,
        "approvals" => w.feature_approvals,
        "requests" => w.feature_requests,
        "documents" => w.feature_documents,
        "billing" => w.feature_billing,
        "gallery" => w.feature_gallery,
        "can_view_invoices" => w.can_view_invoices,
        "can_approve_work" => w.can_approve_work,
        "can_add_comments" => w.can_add_comments,
        _ => w.can_submit_requests,
    }
}

/// The boxes of `names`, ticked as the document's `section` holds them.
fn toggles(w: &Words, names: &[&'static str], section: &Value) -> Vec<Toggle> {
    names
        .iter()
        .map(|&name| Toggle {
            name,
            label: label(w, name),
            on: section.get(name).and_then(Value::as_bool).unwrap_or(false),
        })
        .collect()
}

async fn settings_page(
    page: StaffPage,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    let said = Said::notice(search.notice(page.lang.words().saved));
    settings_view(page, said).await
}

async fn settings_view(page: StaffPage, said: Said) -> Result<Response, PageError> {
    let lang = page.lang;
    let w = lang.words();
    let settings = settings::read(again(&page.call))
        .await
        .on_page(lang)?
        .0
        .settings;
    let features = serde_json::to_value(&settings.features).unwrap_or_default();
    let features = toggles(w, &FEATURES, &features);
    let permissions = serde_json::to_value(settings.default_permissions).unwrap_or_default();
    let permissions = toggles(w, &PERMISSIONS, &permissions);
    let mut c = chrome(&page, w.settings, "/admin/settings");
    c.said = said;
    let view = SettingsPage {
        c,
        features,
        permissions,
        branding: settings.branding,
        show_team_members: settings.show_team_members,
        default_locale: settings.default_locale.as_str(),
    };
    Ok(render(view.c.said.status(), &view))
}

/// The whole settings document from the form (an unticked box is off, a blank text
/// cleared), sent as the API's PATCH body.
async fn save(page: StaffPage, form: PageForm) -> Result<Response, PageError> {
    let ticked = |names: &[&str]| -> Map<String, Value> {
        names
            .iter()
            .map(|n| ((*n).to_owned(), (form.text(n) == "on").into()))
            .collect()
    };
    let mut branding = form.fields(
        &[],
        &["company_name", "logo_url", "primary_color", "sender_name"],
    );
    branding.extend(ticked(&["show_logo", "show_name"]));
    let mut body = Map::new();
    body.insert("features".into(), ticked(&FEATURES).into());
    body.insert("branding".into(), branding.into());
    body.insert(
        "show_team_members".into(),
        (form.text("show_team_members") == "on").into(),
    );
    body.insert("default_locale".into(), form.text("default_locale").into());
    body.insert("default_permissions".into(), ticked(&PERMISSIONS).into());
    let done = settings::update(again(&page.call), Json(SettingsPatch(body.into()))).await;
    answer(page.lang, done, "/admin/settings?done=saved", |said| {
        settings_view(page, said)
    })
    .await
}

/// The logo form: its CSRF token, then the file.
#[derive(Debug, Default, Deserialize)]
struct LogoFields {
    #[serde(default)]
    csrf_token: String,
}

async fn upload_logo(
    page: StaffPage,
    upload: Result<Upload<LogoFields>, ApiError>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let upload = match upload {
        Ok(upload) => upload,
        Err(err) => {
            return settings_view(page, Said::refused(refusal(err, lang)?.on("file"))).await;
        }
    };
    page.check_csrf(&upload.fields.csrf_token)?;
    let done = logo::store(&page.call, upload).await.map(drop);
    answer(lang, done, "/admin/settings?done=saved", |said| {
        settings_view(page, said)
    })
    .await
}
