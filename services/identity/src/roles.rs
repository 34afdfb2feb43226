//! Staff roles and the permission table of DESIGN.md, in one place.

/// Every staff permission, as named in DESIGN.md.
pub const PERMISSIONS: &[&str] = &[
    "customers.view",
    "customers.create",
    "customers.delete",
    "projects.view",
    "projects.manage",
    "documents.manage",
    "billing.view",
    "billing.manage",
    "requests.manage",
    "staff.manage",
    "settings.manage",
    "audit.view",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Admin,
    Editor,
    Viewer,
    Accountant,
}

impl Role {
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "editor" => Some(Role::Editor),
            "viewer" => Some(Role::Viewer),
            "accountant" => Some(Role::Accountant),
            _ => None,
        }
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

    /// Tells whether this role holds `permission`.
    pub fn allows(self, permission: &str) -> bool {
        match self {
            Role::Owner | Role::Admin => PERMISSIONS.contains(&permission),
            Role::Editor => matches!(
                permission,
                "projects.view" | "projects.manage" | "documents.manage" | "requests.manage"
            ),
            Role::Viewer => permission == "projects.view",
            Role::Accountant => matches!(
                permission,
                "customers.view" | "projects.view" | "billing.view" | "billing.manage"
            ),
        }
    }

    /// Returns the permissions of this role, in table order.
    pub fn permissions(self) -> Vec<&'static str> {
        PERMISSIONS
            .iter()
            .copied()
            .filter(|p| self.allows(p))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_matches_design() {
        assert_eq!(Role::Owner.permissions().len(), 12);
        assert_eq!(Role::Admin.permissions().len(), 12);
        assert_eq!(Role::Viewer.permissions(), vec!["projects.view"]);
        assert!(Role::Accountant.allows("billing.manage"));
        assert!(!Role::Accountant.allows("customers.create"));
        assert!(!Role::Editor.allows("customers.view"));
        assert!(!Role::Owner.allows("made.up"));
    }
}
