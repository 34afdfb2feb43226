//! Which template a message renders with: the organization's override of a key and
//! locale when it has one, else the built-in default.

use uuid::Uuid;

use crate::AppState;
use crate::error::NotifierError;
use crate::store;
use crate::templates::{TemplateSource, default_template};

pub async fn effective_template(
    state: &AppState,
    org_id: Uuid,
    key: &str,
    locale: &str,
) -> Result<TemplateSource, NotifierError> {
    if let Some(row) = store::find_template_override(&state.db, org_id, key, locale).await? {
        return Ok(TemplateSource {
            subject: row.subject,
            text: row.text_body,
            html: row.html_body,
        });
    }
    default_template(key, locale)
        .map(TemplateSource::from)
        .ok_or_else(|| NotifierError::invalid("template_key", "is not a known template"))
}
