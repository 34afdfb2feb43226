//! Staff, customers, their invitations and sessions, as the API writes them.

use atrium_proto::identity::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::settings::Flags;
use super::{Id, Patch, Time, text, time};

/// A staff member.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Staff {
    pub id: Id,
    pub org_id: Id,
    pub email: String,
    pub name: String,
    pub title: String,
    pub phone: String,
    #[schemars(extend("enum" = ["owner", "admin", "editor", "viewer", "accountant"]))]
    pub role: String,
    #[schemars(extend("enum" = ["invited", "active", "deactivated"]))]
    pub status: String,
    pub created_at: Option<Time>,
    /// What the role allows, in DESIGN.md's table order.
    pub permissions: Vec<String>,
    /// The member's own language; `null`: the organization's default.
    #[schemars(extend("enum" = ["en", "de", null]))]
    pub locale: Option<String>,
}

impl From<pb::Staff> for Staff {
    fn from(staff: pb::Staff) -> Staff {
        Staff {
            id: staff.id.into(),
            org_id: staff.org_id.into(),
            created_at: time(staff.created_at.as_ref()),
            email: staff.email,
            name: staff.name,
            title: staff.title,
            phone: staff.phone,
            role: staff.role,
            status: staff.status,
            permissions: staff.permissions,
            locale: text(&staff.locale),
        }
    }
}

/// A staff access token.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Token {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds the token is good for.
    pub expires_in: i64,
}

impl From<pb::LoginStaffResponse> for Token {
    fn from(response: pb::LoginStaffResponse) -> Token {
        Token {
            access_token: response.access_token,
            token_type: "Bearer".into(),
            expires_in: response.expires_in,
        }
    }
}

/// A customer as staff and the customer see them.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Customer {
    pub id: Id,
    pub email: String,
    pub name: String,
    pub company: String,
    pub phone: String,
    pub address: String,
    #[schemars(extend("enum" = ["en", "de", null]))]
    pub locale: Option<String>,
    #[schemars(extend("enum" = ["no_account", "invited", "active", "deactivated"]))]
    pub status: String,
    pub created_at: Option<Time>,
    pub updated_at: Option<Time>,
    pub account_manager_id: Option<Id>,
}

impl From<pb::Customer> for Customer {
    fn from(customer: pb::Customer) -> Customer {
        Customer {
            id: customer.id.into(),
            locale: text(&customer.locale),
            created_at: time(customer.created_at.as_ref()),
            updated_at: time(customer.updated_at.as_ref()),
            account_manager_id: text(&customer.account_manager_id).map(Id),
            email: customer.email,
            name: customer.name,
            company: customer.company,
            phone: customer.phone,
            address: customer.address,
            status: customer.status,
        }
    }
}

/// A customer's invitation.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Invitation {
    pub id: Id,
    pub customer_id: Id,
    pub email: String,
    #[schemars(extend("enum" = ["pending", "accepted", "cancelled"]))]
    pub status: String,
    pub expires_at: Option<Time>,
    pub created_at: Option<Time>,
}

impl From<pb::CustomerInvitation> for Invitation {
    fn from(invitation: pb::CustomerInvitation) -> Invitation {
        Invitation {
            id: invitation.id.into(),
            customer_id: invitation.customer_id.into(),
            expires_at: time(invitation.expires_at.as_ref()),
            created_at: time(invitation.created_at.as_ref()),
            email: invitation.email,
            status: invitation.status,
        }
    }
}

/// A new invitation and the customer it made.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Invited {
    pub invitation: Invitation,
    pub customer: Customer,
}

/// What a customer's sign-in answers (with the session cookie).
#[derive(Debug, Serialize, JsonSchema)]
pub struct SignedIn {
    pub customer: Customer,
    pub csrf_token: String,
}

/// The signed-in customer's own profile.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Me {
    #[serde(flatten)]
    pub customer: Customer,
    /// The customer's effective `can_*` flags.
    pub permissions: Flags,
    pub csrf_token: String,
}

/// A new CSRF token (with a new session cookie).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Csrf {
    pub csrf_token: String,
}

/// One of the customer's live sessions.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Session {
    pub id: Id,
    pub created_at: Option<Time>,
    pub last_seen_at: Option<Time>,
    pub user_agent: String,
    pub ip: String,
    /// The session this request came with.
    pub current: bool,
}

/// What an invitation link is for.
#[derive(Debug, Serialize, JsonSchema)]
pub struct InvitationPreview {
    pub org_name: String,
    pub email: String,
    pub expires_at: Option<Time>,
}

/// A staff member as customers see them: a contact.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Contact {
    pub name: String,
    pub title: Option<String>,
    pub email: String,
    pub phone: Option<String>,
}

impl Contact {
    pub fn new(name: &str, title: &str, email: &str, phone: &str) -> Contact {
        Contact {
            name: name.to_owned(),
            title: text(title),
            email: email.to_owned(),
            phone: text(phone),
        }
    }
}

/// An invitation or a customer without an account: who they are.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewCustomer {
    #[schemars(length(max = 254))]
    pub email: String,
    pub name: Option<String>,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    #[schemars(extend("enum" = ["en", "de"]))]
    pub locale: Option<String>,
}

/// A profile PATCH; only staff may send `email`, nobody `status` (deactivate and
/// reactivate change it).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ProfilePatch {
    pub email: Patch<String>,
    pub name: Patch<String>,
    pub company: Patch<String>,
    pub phone: Patch<String>,
    pub address: Patch<String>,
    #[schemars(extend("enum" = ["en", "de", null]))]
    pub locale: Patch<String>,
    /// Not for this route: changes through deactivate and reactivate.
    #[schemars(skip)]
    pub status: Patch<serde_json::Value>,
    /// Staff only: one of the organization's active staff, or `null`.
    pub account_manager_id: Patch<String>,
}

impl ProfilePatch {
    pub fn into_request(self, customer_id: String) -> pb::UpdateCustomerRequest {
        pb::UpdateCustomerRequest {
            customer_id,
            email: self.email.text(),
            name: self.name.text(),
            company: self.company.text(),
            phone: self.phone.text(),
            address: self.address.text(),
            locale: self.locale.text(),
            account_manager_id: self.account_manager_id.text(),
        }
    }
}

/// A staff member's own profile PATCH.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct OwnProfilePatch {
    /// May be changed, not cleared.
    pub name: Patch<String>,
    pub title: Patch<String>,
    pub phone: Patch<String>,
    /// `en` or `de`; `null`: the organization's default.
    #[schemars(extend("enum" = ["en", "de", null]))]
    pub locale: Patch<String>,
}

/// A staff invitation.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewStaff {
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[schemars(extend("enum" = ["owner", "admin", "editor", "viewer", "accountant"]))]
    pub role: String,
}

/// A change of a member's role or status.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct StaffChange {
    #[schemars(extend("enum" = ["owner", "admin", "editor", "viewer", "accountant"]))]
    pub role: Option<String>,
    #[schemars(extend("enum" = ["active", "deactivated"]))]
    pub status: Option<String>,
}
