//! The SQL of an organization's template overrides.

use super::*;
use crate::template_admin::TemplateOverride;

pub async fn find_template_override(
    db: &Db,
    org_id: OrgId,
    key: &str,
    locale: &str,
) -> Result<Option<TemplateOverride>, NotifierError> {
    Ok(sql!(db db, query_as(
        "select template_key, locale, subject, text_body, html_body, updated_at from email_template where org_id = $1 and template_key = $2 and locale = $3"
    ) [org_id, key, locale] fetch_optional)?)
}

pub async fn list_template_overrides(
    db: &Db,
    org_id: OrgId,
) -> Result<Vec<TemplateOverride>, NotifierError> {
    Ok(sql!(db db, query_as(
        "select template_key, locale, subject, text_body, html_body, updated_at from email_template \
         where org_id = $1"
    ) [org_id] fetch_all)?)
}

/// Saves an org's override of one key and locale, replacing an earlier one.
pub async fn upsert_template_override(
    db: &Db,
    org_id: OrgId,
    row: &TemplateOverride,
) -> Result<(), NotifierError> {
    sql!(db db, query(
        "insert into email_template (org_id, template_key, locale, subject, text_body, html_body, \
         created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7) \
         on conflict (org_id, template_key, locale) do update set subject = excluded.subject, \
         text_body = excluded.text_body, html_body = excluded.html_body, updated_at = excluded.updated_at"
    ) [
        org_id, &row.template_key, &row.locale, &row.subject, &row.text_body, &row.html_body,
        row.updated_at,
    ] execute)?;
    Ok(())
}

pub async fn delete_template_override(
    db: &Db,
    org_id: OrgId,
    key: &str,
    locale: &str,
) -> Result<(), NotifierError> {
    sql!(db db, query(
        "delete from email_template where org_id = $1 and template_key = $2 and locale = $3"
    ) [org_id, key, locale] execute)?;
    Ok(())
}
