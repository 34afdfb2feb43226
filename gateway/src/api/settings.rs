//! An organization's portal settings and a customer's permissions, as the API writes
//! them. The settings are [`OrgSettings`] itself (atrium-common), so a new setting needs
//! nothing here: the portal sends its document, the PATCH body is forwarded whole.

use atrium_common::error::ApiError;
use atrium_proto::portal::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use atrium_common::settings::{Branding, CustomerFlags, OrgSettings};

use super::{Time, text, time};

/// A customer's `can_*` flags.
pub type Flags = CustomerFlags;

pub fn flags(p: pb::CustomerPermissions) -> Flags {
    CustomerFlags {
        can_view_invoices: p.can_view_invoices,
        can_approve_work: p.can_approve_work,
        can_add_comments: p.can_add_comments,
        can_submit_requests: p.can_submit_requests,
    }
}

/// A customer's own overrides of the organization's defaults; `null`: the default.
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Overrides {
    pub can_view_invoices: Option<bool>,
    pub can_approve_work: Option<bool>,
    pub can_add_comments: Option<bool>,
    pub can_submit_requests: Option<bool>,
}

impl From<pb::PermissionOverrides> for Overrides {
    fn from(o: pb::PermissionOverrides) -> Overrides {
        Overrides {
            can_view_invoices: o.can_view_invoices,
            can_approve_work: o.can_approve_work,
            can_add_comments: o.can_add_comments,
            can_submit_requests: o.can_submit_requests,
        }
    }
}

impl From<Overrides> for pb::PermissionOverrides {
    fn from(o: Overrides) -> pb::PermissionOverrides {
        pb::PermissionOverrides {
            can_view_invoices: o.can_view_invoices,
            can_approve_work: o.can_approve_work,
            can_add_comments: o.can_add_comments,
            can_submit_requests: o.can_submit_requests,
        }
    }
}

/// A customer's permissions: in force, and their own overrides.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CustomerPermissions {
    pub effective: Flags,
    pub overrides: Overrides,
}

impl From<pb::CustomerPermissionsResponse> for CustomerPermissions {
    fn from(p: pb::CustomerPermissionsResponse) -> CustomerPermissions {
        CustomerPermissions {
            effective: flags(p.effective.unwrap_or_default()),
            overrides: p.overrides.unwrap_or_default().into(),
        }
    }
}

/// The organization's branding as a service sends it; an empty company name falls back
/// to `org_name` if known.
pub fn branding_of(b: pb::Branding, org_name: Option<String>) -> Branding {
    Branding {
        company_name: text(&b.company_name).or(org_name),
        logo_url: text(&b.logo_url),
        primary_color: text(&b.primary_color),
        show_logo: b.show_logo,
        show_name: b.show_name,
        sender_name: text(&b.sender_name),
    }
}

/// What the login pages of an organization show.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct PublicBranding {
    pub company_name: Option<String>,
    pub logo_url: Option<String>,
    pub primary_color: Option<String>,
}

/// The organization's portal settings.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Settings {
    #[serde(flatten)]
    pub settings: OrgSettings,
    pub updated_at: Option<Time>,
}

impl TryFrom<pb::OrgSettings> for Settings {
    type Error = ApiError;

    fn try_from(s: pb::OrgSettings) -> Result<Settings, ApiError> {
        let settings = serde_json::from_str(&s.document).map_err(|err| ApiError::internal(&err))?;
        Ok(Settings {
            settings,
            updated_at: time(s.updated_at.as_ref()),
        })
    }
}

/// A settings PATCH, forwarded whole to the portal, which checks it: absent leaves a
/// setting; `null` clears a branding text, and is refused for a flag or the locale
/// (they are never unset). Its schema is that of [`OrgSettings`], every field optional.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct SettingsPatch(pub serde_json::Value);

impl JsonSchema for SettingsPatch {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        OrgSettings::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        OrgSettings::json_schema(generator)
    }
}
