//! The organization's portal settings ([`OrgSettings`]: which areas are on, branding,
//! whether customers see team members, the default locale and the customers' default
//! permissions), and what their values must be.

pub mod store;

use atrium_common::ids::OrgId;
use atrium_common::settings::{OrgSettings, Refused};
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::audit::Acting;
use crate::error::PortalError;
use crate::validate;

/// The organization's settings as they stand on this request.
pub async fn load(state: &AppState, org_id: OrgId) -> Result<OrgSettings, PortalError> {
    Ok(load_saved(state, org_id).await?.0)
}

/// The settings with when they were last saved (`None`: the defaults, never saved).
pub async fn load_saved(
    state: &AppState,
    org_id: OrgId,
) -> Result<(OrgSettings, Option<DateTime<Utc>>), PortalError> {
    Ok(match store::find_settings(&state.db, org_id).await? {
        Some(saved) => (saved.settings, Some(saved.updated_at)),
        None => (OrgSettings::default(), None),
    })
}

/// `PATCH /api/admin/settings`: applies a PATCH body (JSON) in one transaction, after
/// checking every value it sets.
pub async fn update(
    state: &AppState,
    acting: &Acting,
    patch: &str,
) -> Result<(OrgSettings, DateTime<Utc>), PortalError> {
    let patch: serde_json::Value = serde_json::from_str(patch).map_err(|_| {
        PortalError::Refused(Refused {
            field: "body".to_owned(),
            problem: "must be a JSON object".to_owned(),
        })
    })?;
    let org_id = acting.principal.org_id;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let before = store::lock_settings(&mut tx, org_id, now).await?;
    let after = checked(
        before.patched(&patch).map_err(PortalError::Refused)?,
        &state.public_url,
    )?;
    store::save_settings(&mut tx, org_id, &after, now).await?;
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
    Ok((after, now))
}

/// The settings with their texts checked; an empty text clears its field. A logo URL is
/// an https URL, or the stored logo's own address under `public_url`.
fn checked(mut settings: OrgSettings, public_url: &str) -> Result<OrgSettings, PortalError> {
    fn text(
        value: Option<String>,
        check: impl FnOnce(&str) -> Result<Option<String>, PortalError>,
    ) -> Result<Option<String>, PortalError> {
        value.as_deref().map(check).transpose().map(Option::flatten)
    }
    let branding = &mut settings.branding;
    branding.company_name = text(branding.company_name.take(), |t| {
        validate::optional_name("branding.company_name", t)
    })?;
    let stored_logo = format!("{}/api/public/orgs/", public_url.trim_end_matches('/'));
    branding.logo_url = text(branding.logo_url.take(), |t| {
        let own = t.starts_with(&stored_logo)
            && t.len() <= 2000
            && !t.chars().any(|c| c.is_whitespace() || c.is_control());
        if own {
            Ok(Some(t.to_owned()))
        } else {
            validate::https_url("branding.logo_url", t)
        }
    })?;
    branding.primary_color = text(branding.primary_color.take(), validate::color)?;
    branding.sender_name = text(branding.sender_name.take(), validate::sender_name)?;
    Ok(settings)
}

/// The branding of the organization with this id (the caller resolved it by its slug).
pub async fn branding(state: &AppState, org_id: &str) -> Result<OrgSettings, PortalError> {
    let org_id = OrgId::parse(org_id).ok_or(PortalError::InvalidField {
        field: "org_id",
        problem: "must be a UUID",
    })?;
    load(state, org_id).await
}
