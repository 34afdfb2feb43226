//! The notifier's errors and their place in the error table.

use atrium_common::error::{ErrorCode, ServiceError};

#[derive(Debug, thiserror::Error)]
pub enum NotifierError {
    #[error("{field} {problem}")]
    InvalidField {
        field: &'static str,
        problem: String,
    },
    #[error("email not found")]
    EmailNotFound,
    #[error("notification not found")]
    NotificationNotFound,
    #[error("template not found")]
    TemplateNotFound,
    #[error("only a failed message can be retried")]
    NotRetryable,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl NotifierError {
    pub fn invalid(field: &'static str, problem: impl Into<String>) -> NotifierError {
        NotifierError::InvalidField {
            field,
            problem: problem.into(),
        }
    }
}

impl ServiceError for NotifierError {
    fn code(&self) -> ErrorCode {
        match self {
            NotifierError::InvalidField { .. } => ErrorCode::InvalidArgument,
            NotifierError::EmailNotFound
            | NotifierError::NotificationNotFound
            | NotifierError::TemplateNotFound => ErrorCode::NotFound,
            NotifierError::NotRetryable => ErrorCode::FailedPrecondition,
            NotifierError::Database(err) if atrium_common::db::is_unavailable(err) => {
                ErrorCode::Unavailable
            }
            NotifierError::Database(_) | NotifierError::Internal(_) => ErrorCode::Internal,
        }
    }

    fn field_violations(&self) -> Vec<(String, String)> {
        match self {
            NotifierError::InvalidField { field, problem } => {
                vec![((*field).to_owned(), problem.clone())]
            }
            _ => Vec::new(),
        }
    }
}

impl From<NotifierError> for tonic::Status {
    fn from(err: NotifierError) -> tonic::Status {
        atrium_common::error::into_status(err)
    }
}
