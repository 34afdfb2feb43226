//! Typed ids: a `StaffId` cannot be passed where a `CustomerId` is wanted. Each is a
//! UUID underneath, stored and bound as one on both backends and written as one in JSON
//! and protobuf (the lowercase hyphenated form).

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
            serde::Serialize, serde::Deserialize, sqlx::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new random id.
            pub fn new() -> $name {
                $name(Uuid::new_v4())
            }

            /// The id a text names, if it is a UUID.
            pub fn parse(text: &str) -> Option<$name> {
                Uuid::parse_str(text).ok().map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(text: &str) -> Result<$name, uuid::Error> {
                Uuid::parse_str(text).map($name)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> $name {
                $name(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    )*};
}

typed_id! {
    /// An organization (a tenant).
    OrgId;
    /// A staff member of an organization.
    StaffId;
    /// A customer of an organization.
    CustomerId;
    /// A customer invitation.
    InvitationId;
    /// A staff member's server-side session.
    StaffSessionId;
    /// A customer's session behind the cookie.
    CustomerSessionId;
    /// A project or gallery.
    ProjectId;
    /// A phase of a project.
    PhaseId;
    /// A message in the notifier's mail queue.
    EmailId;
    /// An in-app notification.
    NotificationId;
    /// A project document.
    DocumentId;
    /// A kind of document (with whether it needs approval).
    DocumentTypeId;
    /// A stored file (its object is `<org_id>/<file_id>`).
    FileId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_and_writes_as_its_uuid() {
        let id = StaffId::new();
        assert_eq!(StaffId::parse(&id.to_string()), Some(id));
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{id}\""));
        assert_eq!(StaffId::parse("not-a-uuid"), None);
    }
}
