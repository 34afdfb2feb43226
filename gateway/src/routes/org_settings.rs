//! The organization's portal settings (`settings.manage`): features, branding, whether
//! customers see team members, the default locale and the customers' default
//! permissions; and the branding anonymous login pages show.

use atrium_common::error::ApiError;
use atrium_common::grpc::rfc3339;
use atrium_common::roles::Permission;
use atrium_proto::identity::v1 as identity;
use atrium_proto::portal::v1 as pb;
use axum::extract::{Path, State};
use axum::routing::{get, patch};
use http::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Route, Security, non_empty, object, string};
use crate::GatewayState;
use crate::extract::{ActsFor, Json, StaffSession, patch_field, patched};

pub const FEATURES: [&str; 6] = [
    "customer_portal",
    "approvals",
    "requests",
    "documents",
    "billing",
    "gallery",
];

pub const PERMISSIONS: [&str; 4] = [
    "can_view_invoices",
    "can_approve_work",
    "can_add_comments",
    "can_submit_requests",
];

pub fn routes() -> Vec<Route> {
    let patch_schema = object(
        &[
            ("features", flags_schema(&FEATURES, false)),
            ("branding", branding_patch_schema()),
            ("show_team_members", json!({"type": "boolean"})),
            (
                "default_locale",
                json!({"type": "string", "enum": ["en", "de"]}),
            ),
            ("default_permissions", flags_schema(&PERMISSIONS, false)),
        ],
        &[],
    );
    vec![
        Route {
            method: Method::GET,
            path: "/api/admin/settings",
            summary: "The organization's portal settings",
            security: Security::Staff,
            request: None,
            response: (200, settings_schema()),
            errors: &["UNAUTHENTICATED", "PERMISSION_DENIED"],
            handler: get(read),
        },
        Route {
            method: Method::PATCH,
            path: "/api/admin/settings",
            summary: "Change some settings (absent: unchanged; null clears a branding text)",
            security: Security::Staff,
            request: Some(patch_schema),
            response: (200, settings_schema()),
            errors: &[
                "UNAUTHENTICATED",
                "PERMISSION_DENIED",
                "MALFORMED_JSON",
                "UNSUPPORTED_MEDIA_TYPE",
                "PAYLOAD_TOO_LARGE",
                "VALIDATION_FAILED",
            ],
            handler: patch(update),
        },
        Route {
            method: Method::GET,
            path: "/api/public/orgs/{org}/branding",
            summary: "Company name, logo and colour for the organization's login pages",
            security: Security::Public,
            request: None,
            response: (200, public_branding_schema()),
            errors: &[],
            handler: get(public_branding),
        },
    ]
}

/// An object of boolean flags, all required in answers.
pub fn flags_schema(names: &[&str], required: bool) -> Value {
    let properties: Vec<(&str, Value)> = names
        .iter()
        .map(|name| (*name, json!({"type": "boolean"})))
        .collect();
    object(&properties, if required { names } else { &[] })
}

fn nullable() -> Value {
    json!({"type": ["string", "null"]})
}

fn branding_patch_schema() -> Value {
    object(
        &[
            ("company_name", nullable()),
            ("logo_url", nullable()),
            ("primary_color", nullable()),
            ("show_logo", json!({"type": "boolean"})),
            ("show_name", json!({"type": "boolean"})),
            ("sender_name", nullable()),
        ],
        &[],
    )
}

pub fn branding_schema() -> Value {
    let mut schema = branding_patch_schema();
    schema["required"] = json!([
        "company_name",
        "logo_url",
        "primary_color",
        "show_logo",
        "show_name",
        "sender_name"
    ]);
    schema
}

fn public_branding_schema() -> Value {
    object(
        &[
            ("company_name", nullable()),
            ("logo_url", nullable()),
            ("primary_color", nullable()),
        ],
        &["company_name", "logo_url", "primary_color"],
    )
}

fn settings_schema() -> Value {
    object(
        &[
            ("features", flags_schema(&FEATURES, true)),
            ("branding", branding_schema()),
            ("show_team_members", json!({"type": "boolean"})),
            ("default_locale", string()),
            ("default_permissions", flags_schema(&PERMISSIONS, true)),
            (
                "updated_at",
                json!({"type": ["string", "null"], "format": "date-time"}),
            ),
        ],
        &[
            "features",
            "branding",
            "show_team_members",
            "default_locale",
            "default_permissions",
            "updated_at",
        ],
    )
}

/// The branding as stored; an empty company name falls back to `org_name` when known.
pub fn branding_json(b: &pb::Branding, org_name: Option<&str>) -> Value {
    json!({
        "company_name": non_empty(&b.company_name).or(org_name),
        "logo_url": non_empty(&b.logo_url),
        "primary_color": non_empty(&b.primary_color),
        "show_logo": b.show_logo,
        "show_name": b.show_name,
        "sender_name": non_empty(&b.sender_name),
    })
}

pub fn permissions_json(p: &pb::CustomerPermissions) -> Value {
    json!({
        "can_view_invoices": p.can_view_invoices,
        "can_approve_work": p.can_approve_work,
        "can_add_comments": p.can_add_comments,
        "can_submit_requests": p.can_submit_requests,
    })
}

fn settings_json(s: &pb::OrgSettings) -> Value {
    let f = s.features.unwrap_or_default();
    json!({
        "features": {
            "customer_portal": f.customer_portal,
            "approvals": f.approvals,
            "requests": f.requests,
            "documents": f.documents,
            "billing": f.billing,
            "gallery": f.gallery,
        },
        "branding": branding_json(&s.branding.clone().unwrap_or_default(), None),
        "show_team_members": s.show_team_members,
        "default_locale": s.default_locale,
        "default_permissions": permissions_json(&s.default_permissions.unwrap_or_default()),
        "updated_at": s.updated_at.as_ref().map(rfc3339),
    })
}

async fn read(
    State(state): State<GatewayState>,
    session: StaffSession,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::SettingsManage)?;
    let response = state
        .clients
        .settings
        .clone()
        .get_settings(session.request(pb::GetSettingsRequest {}))
        .await?
        .into_inner();
    Ok(axum::Json(settings_json(
        &response.settings.unwrap_or_default(),
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FeaturesPatch {
    #[serde(deserialize_with = "patch_field")]
    customer_portal: Option<Option<bool>>,
    #[serde(deserialize_with = "patch_field")]
    approvals: Option<Option<bool>>,
    #[serde(deserialize_with = "patch_field")]
    requests: Option<Option<bool>>,
    #[serde(deserialize_with = "patch_field")]
    documents: Option<Option<bool>>,
    #[serde(deserialize_with = "patch_field")]
    billing: Option<Option<bool>>,
    #[serde(deserialize_with = "patch_field")]
    gallery: Option<Option<bool>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BrandingPatch {
    #[serde(deserialize_with = "patch_field")]
    company_name: Option<Option<String>>,
    #[serde(deserialize_with = "patch_field")]
    logo_url: Option<Option<String>>,
    #[serde(deserialize_with = "patch_field")]
    primary_color: Option<Option<String>>,
    #[serde(deserialize_with = "patch_field")]
    show_logo: Option<Option<bool>>,
    #[serde(deserialize_with = "patch_field")]
    show_name: Option<Option<bool>>,
    #[serde(deserialize_with = "patch_field")]
    sender_name: Option<Option<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PermissionFlags {
    #[serde(deserialize_with = "patch_field")]
    pub can_view_invoices: Option<Option<bool>>,
    #[serde(deserialize_with = "patch_field")]
    pub can_approve_work: Option<Option<bool>>,
    #[serde(deserialize_with = "patch_field")]
    pub can_add_comments: Option<Option<bool>>,
    #[serde(deserialize_with = "patch_field")]
    pub can_submit_requests: Option<Option<bool>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SettingsPatch {
    features: FeaturesPatch,
    branding: BrandingPatch,
    #[serde(deserialize_with = "patch_field")]
    show_team_members: Option<Option<bool>>,
    #[serde(deserialize_with = "patch_field")]
    default_locale: Option<Option<String>>,
    default_permissions: PermissionFlags,
}

/// A PATCHed flag: absent stays, `null` is refused (a flag is never unset).
fn flag(field: &'static str, value: Option<Option<bool>>) -> Result<Option<bool>, ApiError> {
    match value {
        Some(None) => Err(ApiError::invalid_field(field, "must be true or false")),
        Some(Some(on)) => Ok(Some(on)),
        None => Ok(None),
    }
}

async fn update(
    State(state): State<GatewayState>,
    session: StaffSession,
    Json(body): Json<SettingsPatch>,
) -> Result<axum::Json<Value>, ApiError> {
    session.require(Permission::SettingsManage)?;
    let (f, b, p) = (body.features, body.branding, body.default_permissions);
    let default_locale = match body.default_locale {
        Some(None) => {
            return Err(ApiError::invalid_field(
                "default_locale",
                "must be en or de",
            ));
        }
        other => patched(other),
    };
    let request = pb::UpdateSettingsRequest {
        customer_portal: flag("features.customer_portal", f.customer_portal)?,
        approvals: flag("features.approvals", f.approvals)?,
        requests: flag("features.requests", f.requests)?,
        documents: flag("features.documents", f.documents)?,
        billing: flag("features.billing", f.billing)?,
        gallery: flag("features.gallery", f.gallery)?,
        company_name: patched(b.company_name),
        logo_url: patched(b.logo_url),
        primary_color: patched(b.primary_color),
        show_logo: flag("branding.show_logo", b.show_logo)?,
        show_name: flag("branding.show_name", b.show_name)?,
        sender_name: patched(b.sender_name),
        show_team_members: flag("show_team_members", body.show_team_members)?,
        default_locale,
        can_view_invoices: flag("default_permissions.can_view_invoices", p.can_view_invoices)?,
        can_approve_work: flag("default_permissions.can_approve_work", p.can_approve_work)?,
        can_add_comments: flag("default_permissions.can_add_comments", p.can_add_comments)?,
        can_submit_requests: flag(
            "default_permissions.can_submit_requests",
            p.can_submit_requests,
        )?,
    };
    let response = state
        .clients
        .settings
        .clone()
        .update_settings(session.request(request))
        .await?
        .into_inner();
    Ok(axum::Json(settings_json(
        &response.settings.unwrap_or_default(),
    )))
}

/// The login pages' branding. An unknown organization answers an unbranded page, as
/// the login itself never says whether an organization exists.
async fn public_branding(
    State(state): State<GatewayState>,
    Path(org): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    let found = state
        .clients
        .organizations
        .clone()
        .get_organization(identity::GetOrganizationRequest { slug: org })
        .await;
    let organization = match found {
        Ok(response) => response.into_inner().organization.unwrap_or_default(),
        Err(status) if status.code() == tonic::Code::NotFound => {
            return Ok(axum::Json(
                json!({"company_name": null, "logo_url": null, "primary_color": null}),
            ));
        }
        Err(status) => return Err(status.into()),
    };
    let branding = state
        .clients
        .settings
        .clone()
        .get_branding(pb::GetBrandingRequest {
            org_id: organization.id,
        })
        .await?
        .into_inner()
        .branding
        .unwrap_or_default();
    let company = non_empty(&branding.company_name).unwrap_or(&organization.name);
    Ok(axum::Json(json!({
        "company_name": Some(company).filter(|_| branding.show_name),
        "logo_url": non_empty(&branding.logo_url).filter(|_| branding.show_logo),
        "primary_color": non_empty(&branding.primary_color),
    })))
}
