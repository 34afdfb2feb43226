//! Which template a message renders with (the organization's override of a key and locale
//! when it has one, else the built-in default), and the staff actions on overrides. An
//! override is rendered with sample variables before it is saved, so a broken one is
//! refused then, not discovered when sending.

use atrium_common::ids::OrgId;
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::error::NotifierError;
use crate::store;
use crate::templates::{
    self, DEFAULTS, Rendered, SAMPLE_LINK, TemplateSource, default_template, variables_of,
};

/// An organization's own text of one template in one locale.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TemplateOverride {
    pub template_key: String,
    pub locale: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub updated_at: DateTime<Utc>,
}

pub async fn effective_template(
    state: &AppState,
    org_id: OrgId,
    key: &str,
    locale: &str,
) -> Result<TemplateSource, NotifierError> {
    if let Some(row) = store::find_template_override(&state.db, org_id, key, locale).await? {
        return Ok(row.into());
    }
    default_template(key, locale)
        .map(TemplateSource::from)
        .ok_or_else(|| NotifierError::invalid("template_key", "is not a known template"))
}

/// A template as staff see it.
#[derive(Debug, Clone)]
pub struct TemplateView {
    pub key: String,
    pub locale: String,
    pub source: TemplateSource,
    pub overridden: bool,
    pub variables: Vec<&'static str>,
    pub updated_at: Option<DateTime<Utc>>,
}

fn default_view(key: &str, locale: &str) -> Result<TemplateView, NotifierError> {
    let template = default_template(key, locale).ok_or(NotifierError::TemplateNotFound)?;
    Ok(TemplateView {
        key: template.key.to_owned(),
        locale: template.locale.to_owned(),
        source: template.into(),
        overridden: false,
        variables: variables_of(template.key),
        updated_at: None,
    })
}

impl From<TemplateOverride> for TemplateSource {
    fn from(row: TemplateOverride) -> TemplateSource {
        TemplateSource {
            subject: row.subject,
            text: row.text_body,
            html: row.html_body,
        }
    }
}

fn override_view(row: TemplateOverride) -> TemplateView {
    TemplateView {
        variables: variables_of(&row.template_key),
        key: row.template_key.clone(),
        locale: row.locale.clone(),
        updated_at: Some(row.updated_at),
        overridden: true,
        source: row.into(),
    }
}

/// Every key in every locale, each as the org has it now.
pub async fn list(state: &AppState, org_id: OrgId) -> Result<Vec<TemplateView>, NotifierError> {
    let mut overrides = store::list_template_overrides(&state.db, org_id).await?;
    DEFAULTS
        .iter()
        .map(|template| {
            let found = overrides
                .iter()
                .position(|o| o.template_key == template.key && o.locale == template.locale);
            match found {
                Some(index) => Ok(override_view(overrides.swap_remove(index))),
                None => default_view(template.key, template.locale),
            }
        })
        .collect()
}

pub async fn get(
    state: &AppState,
    org_id: OrgId,
    key: &str,
    locale: &str,
) -> Result<TemplateView, NotifierError> {
    let default = default_view(key, locale)?;
    Ok(
        store::find_template_override(&state.db, org_id, key, locale)
            .await?
            .map_or(default, override_view),
    )
}

/// Saves the org's override after checking that it renders.
pub async fn put(
    state: &AppState,
    org_id: OrgId,
    key: &str,
    locale: &str,
    source: TemplateSource,
) -> Result<TemplateView, NotifierError> {
    let (default, source, _) = checked(key, locale, source)?;
    let row = TemplateOverride {
        template_key: default.key.clone(),
        locale: default.locale.clone(),
        subject: source.subject,
        text_body: source.text,
        html_body: source.html,
        updated_at: state.clock.now(),
    };
    store::upsert_template_override(&state.db, org_id, &row).await?;
    Ok(override_view(row))
}

/// What an override would look like with sample variables, after the checks of [`put`];
/// saves nothing.
pub fn preview(key: &str, locale: &str, source: TemplateSource) -> Result<Rendered, NotifierError> {
    checked(key, locale, source).map(|(_, _, rendered)| rendered)
}

/// The checks of an override: lengths, that every part renders with the key's sample
/// variables, that a template with a link shows it. Answers the default it overrides,
/// the source as saved and its sample rendering.
fn checked(
    key: &str,
    locale: &str,
    source: TemplateSource,
) -> Result<(TemplateView, TemplateSource, Rendered), NotifierError> {
    let default = default_view(key, locale)?;
    let subject = source.subject.trim();
    for (field, text, max) in [
        ("subject", subject, 200),
        ("text", source.text.as_str(), 20_000),
        ("html", source.html.as_str(), 40_000),
    ] {
        let count = text.chars().count();
        if text.trim().is_empty() || count > max {
            return Err(NotifierError::invalid(
                field,
                format!("must be 1-{max} characters"),
            ));
        }
    }
    let source = TemplateSource {
        subject: subject.to_owned(),
        ..source
    };
    let sample = templates::sample_variables(key);
    templates::check(&source, locale, &sample)
        .map_err(|(field, problem)| NotifierError::invalid(field, problem))?;
    let rendered = templates::render(&source, locale, &sample)
        .map_err(|err| NotifierError::invalid("text", format!("does not render: {err}")))?;
    if default.variables.contains(&"link") && !rendered.text.contains(SAMPLE_LINK) {
        return Err(NotifierError::invalid("text", "must show {{ link }}"));
    }
    Ok((default, source, rendered))
}

/// Drops the org's override; answers the default now in effect.
pub async fn restore_default(
    state: &AppState,
    org_id: OrgId,
    key: &str,
    locale: &str,
) -> Result<TemplateView, NotifierError> {
    let default = default_view(key, locale)?;
    store::delete_template_override(&state.db, org_id, key, locale).await?;
    Ok(default)
}
