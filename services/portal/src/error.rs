//! The portal's errors and their place in the error table.

use atrium_common::error::{ErrorCode, ServiceError};

#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error("{field} {problem}")]
    InvalidField {
        field: &'static str,
        problem: &'static str,
    },
    /// A settings change whose value has the wrong type or is missing.
    #[error("{} {}", .0.field, .0.problem)]
    Refused(atrium_common::settings::Refused),
    #[error("project not found")]
    ProjectNotFound,
    #[error("phase not found")]
    PhaseNotFound,
    #[error("request not found")]
    RequestNotFound,
    #[error("approval not found")]
    ApprovalNotFound,
    #[error("file not found")]
    ApprovalFileNotFound,
    /// The approval is decided (approved, or another decision came first).
    #[error("this approval is already decided")]
    ApprovalAlreadyDecided,
    /// A step the approval's status does not allow.
    #[error("this step is not possible in the approval's status")]
    InvalidTransition,
    /// Another change came between the read and the write.
    #[error("it changed meanwhile; ask again")]
    ChangedMeanwhile,
    #[error("customer not found")]
    CustomerNotFound,
    #[error("staff member not found")]
    StaffNotFound,
    #[error("a project with this slug already exists")]
    SlugTaken,
    /// The project was assigned to this customer and no longer is.
    #[error("this project is no longer shared with you")]
    AssignmentRevoked,
    /// The area's feature is off: its customer routes are 404.
    #[error("not found")]
    FeatureOff,
    /// The customer's flag for the area is off.
    #[error("this needs the permission {0}")]
    PermissionMissing(&'static str),
    /// A wrong gallery password.
    #[error("wrong password")]
    InvalidCredentials,
    /// No live guest session for this gallery.
    #[error("no guest access to this gallery")]
    GuestSessionInvalid,
    /// Identity could not be asked about the customers of a reconcile.
    #[error("checking customers with identity: {0}")]
    Identity(tonic::Status),
    /// The documents service could not be asked about a cover photo.
    #[error("checking the cover photo with documents: {0}")]
    Documents(tonic::Status),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ServiceError for PortalError {
    fn code(&self) -> ErrorCode {
        match self {
            PortalError::InvalidField { .. } | PortalError::Refused(_) => {
                ErrorCode::InvalidArgument
            }
            PortalError::ProjectNotFound
            | PortalError::PhaseNotFound
            | PortalError::RequestNotFound
            | PortalError::ApprovalNotFound
            | PortalError::ApprovalFileNotFound
            | PortalError::CustomerNotFound
            | PortalError::StaffNotFound => ErrorCode::NotFound,
            PortalError::SlugTaken => ErrorCode::AlreadyExists,
            PortalError::ApprovalAlreadyDecided
            | PortalError::InvalidTransition
            | PortalError::ChangedMeanwhile => ErrorCode::FailedPrecondition,
            PortalError::AssignmentRevoked | PortalError::PermissionMissing(_) => {
                ErrorCode::PermissionDenied
            }
            PortalError::FeatureOff => ErrorCode::NotFound,
            PortalError::InvalidCredentials | PortalError::GuestSessionInvalid => {
                ErrorCode::Unauthenticated
            }
            PortalError::Identity(status) | PortalError::Documents(status)
                if status.code() == tonic::Code::Unavailable =>
            {
                ErrorCode::Unavailable
            }
            PortalError::Database(err) if atrium_common::db::is_unavailable(err) => {
                ErrorCode::Unavailable
            }
            PortalError::Identity(_)
            | PortalError::Documents(_)
            | PortalError::Database(_)
            | PortalError::Internal(_) => ErrorCode::Internal,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            PortalError::AssignmentRevoked => "CUSTOMER_ASSIGNMENT_REVOKED",
            PortalError::InvalidCredentials => "INVALID_CREDENTIALS",
            PortalError::ApprovalAlreadyDecided => "APPROVAL_ALREADY_DECIDED",
            PortalError::InvalidTransition => "INVALID_TRANSITION",
            other => other.code().default_reason(),
        }
    }

    fn field_violations(&self) -> Vec<(String, String)> {
        match self {
            PortalError::InvalidField { field, problem } => {
                vec![((*field).to_owned(), (*problem).to_owned())]
            }
            PortalError::Refused(refused) => {
                vec![(refused.field.clone(), refused.problem.clone())]
            }
            _ => Vec::new(),
        }
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            PortalError::PermissionMissing(permission) => {
                vec![("permission", (*permission).to_owned())]
            }
            _ => Vec::new(),
        }
    }
}

impl From<PortalError> for tonic::Status {
    fn from(err: PortalError) -> tonic::Status {
        atrium_common::error::into_status(err)
    }
}
