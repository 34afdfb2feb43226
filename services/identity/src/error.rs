//! Identity's errors and their place in the error table.

use atrium_common::error::{ErrorCode, ServiceError};

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("{field} {problem}")]
    InvalidField {
        field: &'static str,
        problem: &'static str,
    },
    #[error("an organization with this slug already exists")]
    OrganizationExists,
    #[error("organization not found")]
    OrganizationNotFound,
    /// Wrong email, wrong password, unknown org or deactivated account: one answer.
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("the session has ended or the token is invalid")]
    SessionInvalid,
    #[error("staff member not found")]
    StaffNotFound,
    #[error("customer not found")]
    CustomerNotFound,
    #[error("invitation not found")]
    InvitationNotFound,
    #[error("session not found")]
    SessionNotFound,
    #[error("the customer is not active")]
    CustomerNotActive,
    #[error("a customer with this email already exists")]
    CustomerExists,
    #[error("an invitation for this email is pending")]
    InvitationPending,
    #[error("a staff member with this email already exists")]
    StaffExists,
    /// The caller's role lacks the permission, or an admin reached for an owner.
    #[error("this needs the {0} permission")]
    PermissionDenied(atrium_common::roles::Permission),
    #[error("the organization's last active owner cannot be removed, demoted or deactivated")]
    LastOwner,
    /// Unknown, expired, used and cancelled tokens: one answer.
    #[error("the link is invalid or has expired")]
    TokenInvalid,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ServiceError for IdentityError {
    fn code(&self) -> ErrorCode {
        match self {
            IdentityError::InvalidField { .. } => ErrorCode::InvalidArgument,
            IdentityError::OrganizationExists => ErrorCode::AlreadyExists,
            IdentityError::OrganizationNotFound
            | IdentityError::StaffNotFound
            | IdentityError::CustomerNotFound
            | IdentityError::InvitationNotFound
            | IdentityError::SessionNotFound => ErrorCode::NotFound,
            IdentityError::CustomerExists
            | IdentityError::StaffExists
            | IdentityError::InvitationPending => ErrorCode::AlreadyExists,
            IdentityError::PermissionDenied(_) => ErrorCode::PermissionDenied,
            IdentityError::LastOwner => ErrorCode::FailedPrecondition,
            IdentityError::TokenInvalid => ErrorCode::InvalidArgument,
            IdentityError::CustomerNotActive => ErrorCode::FailedPrecondition,
            IdentityError::InvalidCredentials | IdentityError::SessionInvalid => {
                ErrorCode::Unauthenticated
            }
            IdentityError::Database(err) if atrium_common::db::is_unavailable(err) => {
                ErrorCode::Unavailable
            }
            IdentityError::Database(_) | IdentityError::Internal(_) => ErrorCode::Internal,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            IdentityError::InvalidCredentials => "INVALID_CREDENTIALS",
            IdentityError::InvitationPending => "INVITATION_PENDING",
            IdentityError::TokenInvalid => "TOKEN_INVALID",
            other => other.code().default_reason(),
        }
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            IdentityError::PermissionDenied(permission) => vec![(
                atrium_common::error::META_PERMISSION,
                permission.as_str().to_owned(),
            )],
            _ => Vec::new(),
        }
    }

    fn field_violations(&self) -> Vec<(String, String)> {
        match self {
            IdentityError::InvalidField { field, problem } => {
                vec![((*field).to_owned(), (*problem).to_owned())]
            }
            _ => Vec::new(),
        }
    }
}

impl From<IdentityError> for tonic::Status {
    fn from(err: IdentityError) -> tonic::Status {
        atrium_common::error::into_status(err)
    }
}
