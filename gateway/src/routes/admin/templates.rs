//! The organization's email templates (`settings.manage`): list, read, override (one
//! that does not render is refused), restore the default.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::notifier::v1 as pb;
use axum::extract::Path;
use axum::routing::{delete, get, post, put};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::api::{Page, Time, time};
use crate::call;
use crate::extract::{Json, StaffCall};
use crate::routes::{Answer, Route};

const TEMPLATE: &str = "/api/admin/settings/email-templates/{key}/{locale}";

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let manage = Permission::SettingsManage;
    vec![
        Route::get("/api/admin/settings/email-templates", "Every email template in every locale, as the organization has it now", get(list))
            .staff(manage).answers::<Page<Template>>(200),
        Route::get(TEMPLATE, "One email template (the organization's override, else the default)", get(read))
            .staff(manage).answers::<Template>(200),
        Route::put(TEMPLATE, "Override an email template; one that does not render is refused", put(replace))
            .staff(manage).body::<TemplateBody>().answers::<Template>(200),
        Route::delete(TEMPLATE, "Restore the default email template", delete(restore))
            .staff(manage).no_content(),
        Route::post("/api/admin/settings/email-templates/{key}/{locale}/preview", "Render an override with sample variables, checked as a save is; saves nothing", post(preview))
            .staff(manage).body::<TemplateBody>().answers::<Preview>(200),
    ]
}

/// An email template as the organization has it.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Template {
    pub key: String,
    #[schemars(extend("enum" = ["en", "de"]))]
    pub locale: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The organization's own, not the default.
    pub overridden: bool,
    /// The variables the template may use.
    pub variables: Vec<String>,
    pub updated_at: Option<Time>,
}

impl From<pb::EmailTemplate> for Template {
    fn from(template: pb::EmailTemplate) -> Template {
        Template {
            updated_at: time(template.updated_at.as_ref()),
            key: template.key,
            locale: template.locale,
            subject: template.subject,
            text: template.text,
            html: template.html,
            overridden: template.overridden,
            variables: template.variables,
        }
    }
}

#[derive(Deserialize, JsonSchema)]
pub(crate) struct TemplateBody {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub(crate) async fn list(staff: StaffCall) -> Answer<Page<Template>> {
    let response = call!(staff, templates.list_templates(pb::ListTemplatesRequest {}));
    let items = response.items.into_iter().map(Template::from);
    Ok(Json(Page::of(items, String::new())))
}

pub(crate) async fn read(
    staff: StaffCall,
    Path((key, locale)): Path<(String, String)>,
) -> Answer<Template> {
    let request = pb::GetTemplateRequest { key, locale };
    let response = call!(staff, templates.get_template(request));
    Ok(Json(response.template.unwrap_or_default().into()))
}

pub(crate) async fn replace(
    staff: StaffCall,
    Path((key, locale)): Path<(String, String)>,
    Json(body): Json<TemplateBody>,
) -> Answer<Template> {
    let request = body.into_request(key, locale);
    let response = call!(staff, templates.put_template(request));
    Ok(Json(response.template.unwrap_or_default().into()))
}

pub(crate) async fn restore(
    staff: StaffCall,
    Path((key, locale)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let request = pb::DeleteTemplateRequest { key, locale };
    call!(staff, templates.delete_template(request));
    Ok(StatusCode::NO_CONTENT)
}

/// A template rendered with sample variables.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Preview {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub(crate) async fn preview(
    staff: StaffCall,
    Path((key, locale)): Path<(String, String)>,
    Json(body): Json<TemplateBody>,
) -> Answer<Preview> {
    let request = body.into_request(key, locale);
    let response = call!(staff, templates.preview_template(request));
    Ok(Json(Preview {
        subject: response.subject,
        text: response.text,
        html: response.html,
    }))
}

impl TemplateBody {
    /// The override as the notifier takes it, to save or to preview.
    fn into_request(self, key: String, locale: String) -> pb::PutTemplateRequest {
        pb::PutTemplateRequest {
            key,
            locale,
            subject: self.subject,
            text: self.text,
            html: self.html,
        }
    }
}
