//! An organization's portal settings and a customer's permissions, as the API writes
//! them. A setting is one field in `Settings`, one in `SettingsPatch`, and its line in
//! each conversion below.

use atrium_common::error::ApiError;
use atrium_proto::portal::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Patch, Time, text, time};

/// A customer's `can_*` flags.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Flags {
    pub can_view_invoices: bool,
    pub can_approve_work: bool,
    pub can_add_comments: bool,
    pub can_submit_requests: bool,
}

impl From<pb::CustomerPermissions> for Flags {
    fn from(p: pb::CustomerPermissions) -> Flags {
        Flags {
            can_view_invoices: p.can_view_invoices,
            can_approve_work: p.can_approve_work,
            can_add_comments: p.can_add_comments,
            can_submit_requests: p.can_submit_requests,
        }
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
            effective: p.effective.unwrap_or_default().into(),
            overrides: p.overrides.unwrap_or_default().into(),
        }
    }
}

/// Which areas the organization has switched on.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Features {
    pub customer_portal: bool,
    pub approvals: bool,
    pub requests: bool,
    pub documents: bool,
    pub billing: bool,
    pub gallery: bool,
}

/// The organization's branding.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Branding {
    pub company_name: Option<String>,
    pub logo_url: Option<String>,
    pub primary_color: Option<String>,
    pub show_logo: bool,
    pub show_name: bool,
    pub sender_name: Option<String>,
}

impl Branding {
    /// The branding as stored; an empty company name falls back to `org_name` if known.
    pub fn of(b: pb::Branding, org_name: Option<String>) -> Branding {
        Branding {
            company_name: text(&b.company_name).or(org_name),
            logo_url: text(&b.logo_url),
            primary_color: text(&b.primary_color),
            show_logo: b.show_logo,
            show_name: b.show_name,
            sender_name: text(&b.sender_name),
        }
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
    pub features: Features,
    pub branding: Branding,
    pub show_team_members: bool,
    #[schemars(extend("enum" = ["en", "de"]))]
    pub default_locale: String,
    pub default_permissions: Flags,
    pub updated_at: Option<Time>,
}

impl From<pb::OrgSettings> for Settings {
    fn from(s: pb::OrgSettings) -> Settings {
        let f = s.features.unwrap_or_default();
        Settings {
            features: Features {
                customer_portal: f.customer_portal,
                approvals: f.approvals,
                requests: f.requests,
                documents: f.documents,
                billing: f.billing,
                gallery: f.gallery,
            },
            branding: Branding::of(s.branding.unwrap_or_default(), None),
            show_team_members: s.show_team_members,
            default_permissions: s.default_permissions.unwrap_or_default().into(),
            updated_at: time(s.updated_at.as_ref()),
            default_locale: s.default_locale,
        }
    }
}

/// A settings PATCH: absent leaves a setting; `null` clears a branding text, and is
/// refused for a flag or the locale (they are never unset).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct SettingsPatch {
    pub features: FeaturesPatch,
    pub branding: BrandingPatch,
    pub show_team_members: Patch<bool>,
    #[schemars(extend("enum" = ["en", "de"]))]
    pub default_locale: Patch<String>,
    pub default_permissions: FlagsPatch,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct FeaturesPatch {
    pub customer_portal: Patch<bool>,
    pub approvals: Patch<bool>,
    pub requests: Patch<bool>,
    pub documents: Patch<bool>,
    pub billing: Patch<bool>,
    pub gallery: Patch<bool>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct BrandingPatch {
    pub company_name: Patch<String>,
    pub logo_url: Patch<String>,
    pub primary_color: Patch<String>,
    pub show_logo: Patch<bool>,
    pub show_name: Patch<bool>,
    pub sender_name: Patch<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct FlagsPatch {
    pub can_view_invoices: Patch<bool>,
    pub can_approve_work: Patch<bool>,
    pub can_add_comments: Patch<bool>,
    pub can_submit_requests: Patch<bool>,
}

/// A PATCHed flag: absent stays, `null` is refused (a flag is never unset).
fn flag(field: &str, value: Patch<bool>) -> Result<Option<bool>, ApiError> {
    value.required(field, "must be true or false")
}

impl SettingsPatch {
    pub fn into_request(self) -> Result<pb::UpdateSettingsRequest, ApiError> {
        let (f, b, p) = (self.features, self.branding, self.default_permissions);
        Ok(pb::UpdateSettingsRequest {
            customer_portal: flag("features.customer_portal", f.customer_portal)?,
            approvals: flag("features.approvals", f.approvals)?,
            requests: flag("features.requests", f.requests)?,
            documents: flag("features.documents", f.documents)?,
            billing: flag("features.billing", f.billing)?,
            gallery: flag("features.gallery", f.gallery)?,
            company_name: b.company_name.text(),
            logo_url: b.logo_url.text(),
            primary_color: b.primary_color.text(),
            show_logo: flag("branding.show_logo", b.show_logo)?,
            show_name: flag("branding.show_name", b.show_name)?,
            sender_name: b.sender_name.text(),
            show_team_members: flag("show_team_members", self.show_team_members)?,
            default_locale: self
                .default_locale
                .required("default_locale", "must be en or de")?,
            can_view_invoices: flag("default_permissions.can_view_invoices", p.can_view_invoices)?,
            can_approve_work: flag("default_permissions.can_approve_work", p.can_approve_work)?,
            can_add_comments: flag("default_permissions.can_add_comments", p.can_add_comments)?,
            can_submit_requests: flag(
                "default_permissions.can_submit_requests",
                p.can_submit_requests,
            )?,
        })
    }
}
