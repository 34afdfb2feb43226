//! The JSON the gateway speaks, as types: what routes take and answer, each with its
//! schema derived beside it, so `/api/openapi.json` describes exactly what is sent.
//! Conversions from the services' messages live here too.

pub mod approvals;
pub mod billing;
pub mod comments;
pub mod documents;
pub mod gallery;
pub mod people;
pub mod projects;
pub mod requests;
pub mod settings;

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};

/// A UUID as the API writes it (lowercase, hyphenated).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(pub String);

impl JsonSchema for Id {
    fn schema_name() -> Cow<'static, str> {
        "Id".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "uuid" })
    }

    fn inline_schema() -> bool {
        true
    }
}

impl From<String> for Id {
    fn from(text: String) -> Id {
        Id(text)
    }
}

impl From<&str> for Id {
    fn from(text: &str) -> Id {
        Id(text.to_owned())
    }
}

/// A moment in RFC 3339 UTC with `Z`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Time(pub String);

impl JsonSchema for Time {
    fn schema_name() -> Cow<'static, str> {
        "Time".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date-time" })
    }

    fn inline_schema() -> bool {
        true
    }
}

/// A protobuf time as the API writes it, if it has one.
pub fn time(at: Option<&prost_types::Timestamp>) -> Option<Time> {
    at.map(|at| Time(atrium_common::grpc::rfc3339(at)))
}

/// A service's text as JSON: `null` when empty (the services' "unset").
pub fn text(value: &str) -> Option<String> {
    Some(value).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// One page of a list, newest first unless the route says otherwise.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Page_{T}")]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The token of the next page; `null` on the last.
    pub next_page_token: Option<String>,
}

impl<T> Page<T> {
    /// A page of `items`; an empty `next_page_token` (the services' "no more") is `null`.
    pub fn of(items: impl IntoIterator<Item = T>, next_page_token: String) -> Page<T> {
        Page {
            items: items.into_iter().collect(),
            next_page_token: text(&next_page_token),
        }
    }
}

/// A plain answer with a message (`202` recovery answers).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Message {
    pub message: String,
}

/// A field of a PATCH body: absent leaves it, `null` clears it, a value sets it. Bodies
/// of them say `#[serde(default)]`, which also marks every field optional in the schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Patch<T> {
    #[default]
    Absent,
    Clear,
    Set(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Patch<T>, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            None => Patch::Clear,
            Some(value) => Patch::Set(value),
        })
    }
}

impl<T: JsonSchema> JsonSchema for Patch<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Patch_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        Option::<T>::json_schema(generator)
    }

    fn inline_schema() -> bool {
        true
    }
}

impl<T> Patch<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// Absent is `None`; `null` and a value are `Some`.
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Patch::Absent => None,
            Patch::Clear => Some(None),
            Patch::Set(value) => Some(Some(value)),
        }
    }

    /// The value to set, or else 422 on `field` for a `null` (this field cannot be
    /// cleared); absent is `None`.
    pub fn required(
        self,
        field: &str,
        problem: &str,
    ) -> Result<Option<T>, atrium_common::error::ApiError> {
        match self {
            Patch::Absent => Ok(None),
            Patch::Clear => Err(atrium_common::error::ApiError::invalid_field(
                field, problem,
            )),
            Patch::Set(value) => Ok(Some(value)),
        }
    }
}

impl Patch<String> {
    /// For a service's optional text: absent stays unset, `null` clears (empty text).
    pub fn text(self) -> Option<String> {
        self.into_option().map(Option::unwrap_or_default)
    }
}

/// The body of every error answer (DESIGN.md, Errors).
#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorDetail {
    /// One of DESIGN.md's codes, `NOT_FOUND`, `VALIDATION_FAILED`, …
    pub code: String,
    pub message: String,
    /// On 422: field → problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
    /// On a permission 403: the permission missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    pub request_id: String,
}

/// The query of a list: `page_size` (1–200, default 50) and the opaque `page_token`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct Paging {
    #[schemars(with = "Option<i32>", range(min = 1, max = 200))]
    pub page_size: Option<String>,
    pub page_token: Option<String>,
}

impl Paging {
    /// The size (0: the service's default) and token; a size that is not a number from
    /// 1 is 422 here, one over 200 is 422 from the service.
    pub fn size_and_token(&self) -> Result<(i32, String), atrium_common::error::ApiError> {
        let size = match self.page_size.as_deref().map(str::trim) {
            None | Some("") => 0,
            Some(text) => match text.parse::<i32>() {
                Ok(size) if size >= 1 => size,
                _ => {
                    return Err(atrium_common::error::ApiError::invalid_field(
                        "page_size",
                        "must be between 1 and 200",
                    ));
                }
            },
        };
        Ok((size, self.page_token.clone().unwrap_or_default()))
    }
}

/// A list's query that is only its page.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct PageQuery {
    #[serde(flatten)]
    pub paging: Paging,
}

/// The body of `…/password/forgot`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Forgot {
    pub org: String,
    pub email: String,
}

/// The body of `…/password/reset` and `…/invitations/accept`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct TokenAndPassword {
    pub token: String,
    pub password: String,
}

/// The body of a sign-in.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Login {
    pub org: String,
    pub email: String,
    pub password: String,
}

/// The body of a password change.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}
