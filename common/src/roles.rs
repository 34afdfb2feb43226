//! Staff roles and the permission table of DESIGN.md, in one place for the gateway and
//! every service: a permission is a [`Permission`], so a misspelt one does not compile.

use std::fmt;

/// Every staff permission, as named in DESIGN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    CustomersView,
    CustomersCreate,
    CustomersDelete,
    ProjectsView,
    ProjectsManage,
    DocumentsManage,
    BillingView,
    BillingManage,
    RequestsManage,
    StaffManage,
    SettingsManage,
    AuditView,
}

impl Permission {
    /// In DESIGN.md's table order.
    pub const ALL: [Permission; 12] = [
        Permission::CustomersView,
        Permission::CustomersCreate,
        Permission::CustomersDelete,
        Permission::ProjectsView,
        Permission::ProjectsManage,
        Permission::DocumentsManage,
        Permission::BillingView,
        Permission::BillingManage,
        Permission::RequestsManage,
        Permission::StaffManage,
        Permission::SettingsManage,
        Permission::AuditView,
    ];

    /// The name clients see (`"customers.create"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::CustomersView => "customers.view",
            Permission::CustomersCreate => "customers.create",
            Permission::CustomersDelete => "customers.delete",
            Permission::ProjectsView => "projects.view",
            Permission::ProjectsManage => "projects.manage",
            Permission::DocumentsManage => "documents.manage",
            Permission::BillingView => "billing.view",
            Permission::BillingManage => "billing.manage",
            Permission::RequestsManage => "requests.manage",
            Permission::StaffManage => "staff.manage",
            Permission::SettingsManage => "settings.manage",
            Permission::AuditView => "audit.view",
        }
    }

    pub fn parse(text: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Owner,
    Admin,
    Editor,
    Viewer,
    Accountant,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Admin,
        Role::Editor,
        Role::Viewer,
        Role::Accountant,
    ];

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
            Role::Accountant => "accountant",
        }
    }

    /// Tells whether this role holds `permission` (DESIGN.md's table).
    pub fn allows(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Role::Owner | Role::Admin => true,
            Role::Editor => matches!(
                permission,
                P::ProjectsView | P::ProjectsManage | P::DocumentsManage | P::RequestsManage
            ),
            Role::Viewer => permission == P::ProjectsView,
            Role::Accountant => matches!(
                permission,
                P::CustomersView | P::ProjectsView | P::BillingView | P::BillingManage
            ),
        }
    }

    /// The permissions of this role, in table order.
    pub fn permissions(self) -> Vec<Permission> {
        Permission::ALL
            .into_iter()
            .filter(|p| self.allows(*p))
            .collect()
    }
}

/// A role as the database stores it.
impl TryFrom<String> for Role {
    type Error = crate::text_enum::Unknown;

    fn try_from(text: String) -> Result<Role, crate::text_enum::Unknown> {
        Role::parse(&text).ok_or(crate::text_enum::Unknown {
            what: "role",
            value: text,
        })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_matches_design() {
        assert_eq!(Role::Owner.permissions().len(), 12);
        assert_eq!(Role::Admin.permissions().len(), 12);
        assert_eq!(Role::Viewer.permissions(), vec![Permission::ProjectsView]);
        assert!(Role::Accountant.allows(Permission::BillingManage));
        assert!(!Role::Accountant.allows(Permission::CustomersCreate));
        assert!(!Role::Editor.allows(Permission::CustomersView));
    }

    #[test]
    fn names_round_trip() {
        for permission in Permission::ALL {
            assert_eq!(Permission::parse(permission.as_str()), Some(permission));
        }
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Permission::parse("made.up"), None);
        assert_eq!(Role::parse("root"), None);
    }
}
