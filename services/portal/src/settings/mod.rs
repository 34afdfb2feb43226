//! The organization's portal settings: which areas are on, branding, whether customers
//! see team members, the default locale, and the customers' default permissions.

pub mod store;

use uuid::Uuid;

use crate::AppState;
use crate::audit::Acting;
use crate::error::PortalError;
use crate::validate;
pub use store::SettingsRow;

/// What an organization that never saved its settings has.
pub fn defaults(org_id: Uuid) -> SettingsRow {
    SettingsRow {
        org_id,
        feature_customer_portal: true,
        feature_approvals: true,
        feature_requests: true,
        feature_documents: true,
        feature_billing: true,
        feature_gallery: true,
        company_name: None,
        logo_url: None,
        primary_color: None,
        show_logo: true,
        show_name: true,
        sender_name: None,
        show_team_members: true,
        default_locale: "en".to_owned(),
        can_view_invoices: true,
        can_approve_work: true,
        can_add_comments: true,
        can_submit_requests: true,
        updated_at: None,
    }
}

/// The organization's settings as they stand on this request.
pub async fn load(state: &AppState, org_id: Uuid) -> Result<SettingsRow, PortalError> {
    Ok(store::find_settings(&state.db, org_id)
        .await?
        .unwrap_or_else(|| defaults(org_id)))
}

/// A partial change: `None` leaves a setting as it is; an empty text clears a branding
/// field.
#[derive(Debug, Default)]
pub struct SettingsChange {
    pub customer_portal: Option<bool>,
    pub approvals: Option<bool>,
    pub requests: Option<bool>,
    pub documents: Option<bool>,
    pub billing: Option<bool>,
    pub gallery: Option<bool>,
    pub company_name: Option<String>,
    pub logo_url: Option<String>,
    pub primary_color: Option<String>,
    pub show_logo: Option<bool>,
    pub show_name: Option<bool>,
    pub sender_name: Option<String>,
    pub show_team_members: Option<bool>,
    pub default_locale: Option<String>,
    pub can_view_invoices: Option<bool>,
    pub can_approve_work: Option<bool>,
    pub can_add_comments: Option<bool>,
    pub can_submit_requests: Option<bool>,
}

/// The texts of a change, checked before anything is written.
struct CheckedTexts {
    company_name: Option<Option<String>>,
    logo_url: Option<Option<String>>,
    primary_color: Option<Option<String>>,
    sender_name: Option<Option<String>>,
    default_locale: Option<String>,
}

fn check_texts(change: &SettingsChange) -> Result<CheckedTexts, PortalError> {
    Ok(CheckedTexts {
        company_name: change
            .company_name
            .as_deref()
            .map(|t| validate::optional_name("branding.company_name", t))
            .transpose()?,
        logo_url: change
            .logo_url
            .as_deref()
            .map(|t| validate::https_url("branding.logo_url", t))
            .transpose()?,
        primary_color: change
            .primary_color
            .as_deref()
            .map(validate::color)
            .transpose()?,
        sender_name: change
            .sender_name
            .as_deref()
            .map(validate::sender_name)
            .transpose()?,
        default_locale: change
            .default_locale
            .as_deref()
            .map(validate::locale)
            .transpose()?,
    })
}

fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *slot = value;
    }
}

/// `PATCH /api/admin/settings`: applies a partial change in one transaction.
pub async fn update(
    state: &AppState,
    acting: &Acting<'_>,
    change: SettingsChange,
) -> Result<SettingsRow, PortalError> {
    let org_id = acting.principal.org_id;
    let texts = check_texts(&change)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let before = store::lock_settings(&mut tx, &defaults(org_id)).await?;
    let mut row = before.clone();
    set(&mut row.feature_customer_portal, change.customer_portal);
    set(&mut row.feature_approvals, change.approvals);
    set(&mut row.feature_requests, change.requests);
    set(&mut row.feature_documents, change.documents);
    set(&mut row.feature_billing, change.billing);
    set(&mut row.feature_gallery, change.gallery);
    set(&mut row.company_name, texts.company_name);
    set(&mut row.logo_url, texts.logo_url);
    set(&mut row.primary_color, texts.primary_color);
    set(&mut row.show_logo, change.show_logo);
    set(&mut row.show_name, change.show_name);
    set(&mut row.sender_name, texts.sender_name);
    set(&mut row.show_team_members, change.show_team_members);
    set(&mut row.default_locale, texts.default_locale);
    set(&mut row.can_view_invoices, change.can_view_invoices);
    set(&mut row.can_approve_work, change.can_approve_work);
    set(&mut row.can_add_comments, change.can_add_comments);
    set(&mut row.can_submit_requests, change.can_submit_requests);
    row.updated_at = Some(now);
    store::update_settings(&mut tx, &row).await?;
    acting
        .record(
            &mut tx,
            "settings.updated",
            ("organization", org_id.to_string()),
            now,
        )
        .await?;
    tx.commit().await?;
    state.relay.wake();
    Ok(row)
}

/// The branding of the organization with this id (the caller resolved it by its slug).
pub async fn branding(state: &AppState, org_id: &str) -> Result<SettingsRow, PortalError> {
    let org_id = Uuid::parse_str(org_id).map_err(|_| PortalError::InvalidField {
        field: "org_id",
        problem: "must be a UUID",
    })?;
    load(state, org_id).await
}
