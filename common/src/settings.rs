//! An organization's portal settings: one type, stored by the portal as one document,
//! carried over gRPC in its JSON form, and answered (with its schema) by the gateway.
//! A new setting is one field here with its default, and its check in the portal if
//! its values need one; no column, message or conversion besides.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What an organization has set; every field has its default, so a document written
/// before a field existed reads with that field's default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct OrgSettings {
    pub features: Features,
    pub branding: Branding,
    /// Whether customers see the team of their projects.
    pub show_team_members: bool,
    /// The language of mails to customers who have not chosen one.
    pub default_locale: Locale,
    /// What customers may do unless their own overrides say otherwise.
    pub default_permissions: CustomerFlags,
}

impl Default for OrgSettings {
    fn default() -> OrgSettings {
        OrgSettings {
            features: Features::default(),
            branding: Branding::default(),
            show_team_members: true,
            default_locale: Locale::En,
            default_permissions: CustomerFlags::default(),
        }
    }
}

/// Which areas are switched on; an area that is off makes its customer routes 404
/// (`customer_portal` only hides admin surfaces).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Features {
    pub customer_portal: bool,
    pub approvals: bool,
    pub requests: bool,
    pub documents: bool,
    pub billing: bool,
    pub gallery: bool,
}

impl Default for Features {
    fn default() -> Features {
        Features {
            customer_portal: true,
            approvals: true,
            requests: true,
            documents: true,
            billing: true,
            gallery: true,
        }
    }
}

/// How the portal and its mails present the organization; `null` texts fall back (the
/// company name to the organization's name, the sender to the company name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Branding {
    pub company_name: Option<String>,
    /// An https URL.
    pub logo_url: Option<String>,
    /// `#rrggbb`.
    pub primary_color: Option<String>,
    pub show_logo: bool,
    pub show_name: bool,
    /// The display name of mails' From.
    pub sender_name: Option<String>,
}

impl Default for Branding {
    fn default() -> Branding {
        Branding {
            company_name: None,
            logo_url: None,
            primary_color: None,
            show_logo: true,
            show_name: true,
            sender_name: None,
        }
    }
}

/// What a customer may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct CustomerFlags {
    pub can_view_invoices: bool,
    pub can_approve_work: bool,
    pub can_add_comments: bool,
    pub can_submit_requests: bool,
}

impl Default for CustomerFlags {
    fn default() -> CustomerFlags {
        CustomerFlags {
            can_view_invoices: true,
            can_approve_work: true,
            can_add_comments: true,
            can_submit_requests: true,
        }
    }
}

/// A language Atrium writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    En,
    De,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
        }
    }
}

/// Why a change was refused: the dotted path of the field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub field: String,
    pub problem: String,
}

impl OrgSettings {
    /// These settings with `patch` applied as a PATCH body says: a field absent stays,
    /// a value replaces it, `null` clears a text (and is refused where a value must
    /// stand); fields Atrium does not know are ignored. Values are checked for their
    /// type here and for their content by the portal.
    pub fn patched(&self, patch: &serde_json::Value) -> Result<OrgSettings, Refused> {
        if !patch.is_object() {
            return Err(Refused {
                field: "body".to_owned(),
                problem: "must be a JSON object".to_owned(),
            });
        }
        let mut document = serde_json::to_value(self).expect("settings serialize");
        merge(&mut document, patch);
        serde_path_to_error::deserialize(document).map_err(|err| {
            let problem = err.inner().to_string();
            Refused {
                field: err.path().to_string(),
                problem: problem
                    .split(" at line")
                    .next()
                    .unwrap_or(&problem)
                    .to_owned(),
            }
        })
    }
}

/// Lays `patch` over `target`, object by object; anything else, `null` included,
/// replaces what stood (so a `null` reaches the type, which decides whether it may).
fn merge(target: &mut serde_json::Value, patch: &serde_json::Value) {
    match (target, patch) {
        (serde_json::Value::Object(target), serde_json::Value::Object(patch)) => {
            for (key, value) in patch {
                match target.get_mut(key) {
                    Some(slot) if slot.is_object() && value.is_object() => merge(slot, value),
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_patch_changes_what_it_names_and_keeps_the_rest() {
        let before = OrgSettings::default();
        let after = before
            .patched(&json!({
                "features": {"gallery": false},
                "branding": {"company_name": "Acme", "unknown": 1},
                "default_locale": "de",
                "whatever": true
            }))
            .unwrap();
        assert!(!after.features.gallery);
        assert!(after.features.billing);
        assert_eq!(after.branding.company_name.as_deref(), Some("Acme"));
        assert_eq!(after.default_locale, Locale::De);
        let cleared = after
            .patched(&json!({"branding": {"company_name": null}}))
            .unwrap();
        assert_eq!(cleared.branding.company_name, None);
        assert_eq!(cleared.default_locale, Locale::De);
    }

    #[test]
    fn a_wrong_type_or_a_null_where_a_value_must_stand_names_its_field() {
        let settings = OrgSettings::default();
        for (patch, field) in [
            (json!({"features": {"gallery": null}}), "features.gallery"),
            (json!({"features": {"gallery": "no"}}), "features.gallery"),
            (json!({"features": 5}), "features"),
            (json!({"default_locale": "fr"}), "default_locale"),
            (json!({"default_locale": null}), "default_locale"),
            (json!({"show_team_members": 1}), "show_team_members"),
            (json!([1]), "body"),
        ] {
            assert_eq!(
                settings.patched(&patch).unwrap_err().field,
                field,
                "{patch}"
            );
        }
    }

    #[test]
    fn a_document_from_before_a_field_existed_reads_with_its_default() {
        let old: OrgSettings =
            serde_json::from_value(json!({"features": {"gallery": false}})).unwrap();
        assert!(!old.features.gallery);
        assert!(old.features.documents);
        assert!(old.show_team_members);
        assert_eq!(old.default_permissions, CustomerFlags::default());
    }
}
