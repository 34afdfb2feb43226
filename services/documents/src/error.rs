//! The documents service's errors and their place in the error table.

use atrium_common::error::{ErrorCode, Problem, ServiceError};

use crate::document::workflow::Refused;
use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum DocumentsError {
    #[error("{field} {problem}")]
    InvalidField {
        field: &'static str,
        problem: &'static str,
    },
    /// A bad page size or token.
    #[error(transparent)]
    Page(Problem),
    #[error("project not found")]
    ProjectNotFound,
    /// The customer's project was assigned to them and is no more.
    #[error("this project is no longer shared with you")]
    AssignmentRevoked,
    #[error("document not found")]
    DocumentNotFound,
    /// Sending a document that is not published.
    #[error("only a published document can be sent")]
    NotPublished,
    /// A customer of another organization, or one the document's project is not
    /// assigned to.
    #[error("customer not found")]
    CustomerNotFound,
    /// A share link that is unknown, expired, ended, revoked or another's: all alike.
    #[error("this link is not valid")]
    TokenInvalid,
    /// A staff member's share link (revoke) of another organization, or none.
    #[error("link not found")]
    LinkNotFound,
    /// A staff role without the permission the link's subject needs.
    #[error("this needs the {0} permission")]
    Denied(atrium_common::roles::Permission),
    #[error("gallery item not found")]
    ItemNotFound,
    /// A guest whose gallery session ended (or never was).
    #[error("the gallery session has ended")]
    Unauthenticated,
    #[error("document type not found")]
    TypeNotFound,
    #[error("a document type of this name already exists")]
    NameTaken,
    #[error("documents use this type")]
    TypeInUse,
    #[error(transparent)]
    Refused(#[from] Refused),
    /// Another change came first (a move or a new version decided on an older state).
    #[error("the document changed meanwhile")]
    Changed,
    #[error("the file is larger than {0} bytes")]
    TooLarge(u64),
    #[error("the file is empty, or its type is not accepted here")]
    Unsupported,
    /// Identity, asked about a customer, answered with an error of its own.
    #[error("asking identity about the customer: {0}")]
    Identity(tonic::Status),
    /// The portal, asked about the project, answered with an error of its own.
    #[error("asking the portal about the project: {0}")]
    Portal(tonic::Status),
    #[error(transparent)]
    Storage(StorageError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<StorageError> for DocumentsError {
    fn from(err: StorageError) -> DocumentsError {
        match err {
            StorageError::TooLarge { limit } => DocumentsError::TooLarge(limit),
            StorageError::Empty | StorageError::Unsupported => DocumentsError::Unsupported,
            StorageError::NotFound => DocumentsError::DocumentNotFound,
            StorageError::OutOfRange => DocumentsError::InvalidField {
                field: "range",
                problem: "must lie within the file",
            },
            other => DocumentsError::Storage(other),
        }
    }
}

impl ServiceError for DocumentsError {
    fn code(&self) -> ErrorCode {
        match self {
            DocumentsError::InvalidField { .. }
            | DocumentsError::TokenInvalid
            | DocumentsError::TooLarge(_)
            | DocumentsError::Unsupported => ErrorCode::InvalidArgument,
            DocumentsError::Page(problem) => problem.code(),
            DocumentsError::AssignmentRevoked | DocumentsError::Denied(_) => {
                ErrorCode::PermissionDenied
            }
            DocumentsError::Unauthenticated => ErrorCode::Unauthenticated,
            DocumentsError::ProjectNotFound
            | DocumentsError::DocumentNotFound
            | DocumentsError::CustomerNotFound
            | DocumentsError::ItemNotFound
            | DocumentsError::LinkNotFound
            | DocumentsError::TypeNotFound => ErrorCode::NotFound,
            DocumentsError::NameTaken => ErrorCode::AlreadyExists,
            DocumentsError::TypeInUse => ErrorCode::FailedPrecondition,
            DocumentsError::Refused(_) | DocumentsError::Changed | DocumentsError::NotPublished => {
                ErrorCode::FailedPrecondition
            }
            DocumentsError::Portal(status) | DocumentsError::Identity(status) => {
                ErrorCode::from_grpc(status.code())
            }
            DocumentsError::Storage(StorageError::Source(_)) => ErrorCode::Unavailable,
            DocumentsError::Storage(_) => ErrorCode::Internal,
            DocumentsError::Database(err) if atrium_common::db::is_unavailable(err) => {
                ErrorCode::Unavailable
            }
            DocumentsError::Database(_) => ErrorCode::Internal,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            DocumentsError::TooLarge(_) => "PAYLOAD_TOO_LARGE",
            DocumentsError::Page(problem) => problem.reason(),
            DocumentsError::AssignmentRevoked => "CUSTOMER_ASSIGNMENT_REVOKED",
            DocumentsError::TokenInvalid => "TOKEN_INVALID",
            DocumentsError::Unsupported => "UNSUPPORTED_MEDIA_TYPE",
            DocumentsError::Refused(Refused::ApprovalRequired) => "APPROVAL_REQUIRED",
            DocumentsError::Refused(Refused::InvalidTransition { .. })
            | DocumentsError::Changed
            | DocumentsError::NotPublished => "INVALID_TRANSITION",
            other => other.code().default_reason(),
        }
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            DocumentsError::Denied(permission) => vec![(
                atrium_common::error::META_PERMISSION,
                permission.as_str().to_owned(),
            )],
            _ => Vec::new(),
        }
    }

    fn field_violations(&self) -> Vec<(String, String)> {
        match self {
            DocumentsError::InvalidField { field, problem } => {
                vec![((*field).to_owned(), (*problem).to_owned())]
            }
            DocumentsError::Page(problem) => problem.field_violations(),
            DocumentsError::TooLarge(_) | DocumentsError::Unsupported => {
                vec![("file".to_owned(), self.to_string())]
            }
            _ => Vec::new(),
        }
    }
}

impl From<DocumentsError> for tonic::Status {
    fn from(err: DocumentsError) -> tonic::Status {
        atrium_common::error::into_status(err)
    }
}
