//! The error table, in one place: a service error becomes a gRPC status carrying an
//! `ErrorInfo` reason (and `BadRequest` field violations), and the gateway turns that
//! status into DESIGN.md's HTTP status and JSON body.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode};
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// The `ErrorInfo.domain` of every Atrium error.
pub const ERROR_DOMAIN: &str = "atrium";
/// `ErrorInfo.metadata` key naming the missing staff permission.
pub const META_PERMISSION: &str = "permission";
/// `ErrorInfo.metadata` key carrying `Retry-After` seconds.
pub const META_RETRY_AFTER: &str = "retry_after";

tokio::task_local! {
    /// The request id of the HTTP request being served, for error bodies.
    pub static REQUEST_ID: String;
}

/// The classes of failure, each with one gRPC code and one HTTP status (STYLE.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidArgument,
    Unauthenticated,
    PermissionDenied,
    NotFound,
    AlreadyExists,
    FailedPrecondition,
    ResourceExhausted,
    Unavailable,
    DeadlineExceeded,
    Internal,
}

impl ErrorCode {
    pub fn grpc(self) -> Code {
        match self {
            ErrorCode::InvalidArgument => Code::InvalidArgument,
            ErrorCode::Unauthenticated => Code::Unauthenticated,
            ErrorCode::PermissionDenied => Code::PermissionDenied,
            ErrorCode::NotFound => Code::NotFound,
            ErrorCode::AlreadyExists => Code::AlreadyExists,
            ErrorCode::FailedPrecondition => Code::FailedPrecondition,
            ErrorCode::ResourceExhausted => Code::ResourceExhausted,
            ErrorCode::Unavailable => Code::Unavailable,
            ErrorCode::DeadlineExceeded => Code::DeadlineExceeded,
            ErrorCode::Internal => Code::Internal,
        }
    }

    /// Classifies a gRPC code; anything without a row of its own is internal.
    pub fn from_grpc(code: Code) -> ErrorCode {
        match code {
            Code::InvalidArgument | Code::OutOfRange => ErrorCode::InvalidArgument,
            Code::Unauthenticated => ErrorCode::Unauthenticated,
            Code::PermissionDenied => ErrorCode::PermissionDenied,
            Code::NotFound => ErrorCode::NotFound,
            Code::AlreadyExists => ErrorCode::AlreadyExists,
            Code::FailedPrecondition | Code::Aborted => ErrorCode::FailedPrecondition,
            Code::ResourceExhausted => ErrorCode::ResourceExhausted,
            Code::Unavailable | Code::Cancelled => ErrorCode::Unavailable,
            Code::DeadlineExceeded => ErrorCode::DeadlineExceeded,
            _ => ErrorCode::Internal,
        }
    }

    /// The HTTP status; FAILED_PRECONDITION is a 409 conflict, unlike grpc-gateway's 400.
    pub fn http(self) -> StatusCode {
        match self {
            ErrorCode::InvalidArgument => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorCode::PermissionDenied => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::AlreadyExists | ErrorCode::FailedPrecondition => StatusCode::CONFLICT,
            ErrorCode::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The JSON `code` when the error names no more specific reason.
    pub fn default_reason(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "VALIDATION_FAILED",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::PermissionDenied => "PERMISSION_DENIED",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::AlreadyExists => "ALREADY_EXISTS",
            ErrorCode::FailedPrecondition => "CONFLICT",
            ErrorCode::ResourceExhausted => "RATE_LIMITED",
            ErrorCode::Unavailable => "UNAVAILABLE",
            ErrorCode::DeadlineExceeded => "DEADLINE_EXCEEDED",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

/// What every service's error enum implements, so [`into_status`] can encode it.
pub trait ServiceError: std::error::Error + Send + Sync + 'static {
    fn code(&self) -> ErrorCode;

    /// The JSON `code` (an `ErrorInfo.reason`), e.g. `INVITATION_PENDING`.
    fn reason(&self) -> &'static str {
        self.code().default_reason()
    }

    /// Field name → problem, for 422 answers.
    fn field_violations(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    /// Extra `ErrorInfo.metadata`, e.g. the missing `permission`.
    fn metadata(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// Encodes a service error as a gRPC status. An internal error is logged here, once, with
/// its cause chain, and the caller learns only "internal error".
pub fn into_status<E: ServiceError>(err: E) -> Status {
    let code = err.code();
    let message = if code == ErrorCode::Internal {
        tracing::error!(error = %error_chain(&err), "internal error");
        "internal error".to_owned()
    } else {
        err.to_string()
    };
    let metadata: HashMap<String, String> = err
        .metadata()
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect();
    let mut details = ErrorDetails::new();
    details.set_error_info(err.reason(), ERROR_DOMAIN, metadata);
    for (field, description) in err.field_violations() {
        details.add_bad_request_violation(field, description);
    }
    Status::with_error_details(code.grpc(), message, details)
}

/// Renders `err: cause: cause` for logs.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A general-purpose service error for the cases a service enum does not need to name.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Problem {
    pub code: ErrorCode,
    pub reason: &'static str,
    pub message: String,
    pub fields: Vec<(String, String)>,
    /// Extra `ErrorInfo.metadata`, e.g. the missing `permission`.
    pub metadata: Vec<(&'static str, String)>,
}

impl Problem {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Problem {
        Problem {
            code,
            reason: code.default_reason(),
            message: message.into(),
            fields: Vec::new(),
            metadata: Vec::new(),
        }
    }

    pub fn invalid_field(field: &str, problem: &str) -> Problem {
        Problem {
            fields: vec![(field.to_owned(), problem.to_owned())],
            ..Problem::new(ErrorCode::InvalidArgument, format!("{field} {problem}"))
        }
    }
}

impl ServiceError for Problem {
    fn code(&self) -> ErrorCode {
        self.code
    }

    fn reason(&self) -> &'static str {
        self.reason
    }

    fn field_violations(&self) -> Vec<(String, String)> {
        self.fields.clone()
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        self.metadata.clone()
    }
}

/// An HTTP error answer: `{"error": {code, message, fields?, permission?, request_id}}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub message: String,
    pub fields: BTreeMap<String, String>,
    pub permission: Option<String>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status: code.http(),
            code: Cow::Borrowed(code.default_reason()),
            message: message.into(),
            fields: BTreeMap::new(),
            permission: None,
            retry_after: None,
        }
    }

    /// An answer with a specific code, e.g. `(StatusCode::BAD_REQUEST, "MALFORMED_JSON")`.
    pub fn with_code(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            code: Cow::Borrowed(code),
            ..ApiError::new(ErrorCode::Internal, message)
        }
    }

    /// A 422 `VALIDATION_FAILED` naming one field.
    pub fn invalid_field(field: &str, problem: &str) -> ApiError {
        let mut err = ApiError::new(ErrorCode::InvalidArgument, format!("{field} {problem}"));
        err.fields.insert(field.to_owned(), problem.to_owned());
        err
    }

    pub fn not_found() -> ApiError {
        ApiError::new(ErrorCode::NotFound, "not found")
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(ErrorCode::Unauthenticated, "authentication required")
    }

    /// A 500 whose cause is logged here and never shown.
    pub fn internal(cause: &dyn std::error::Error) -> ApiError {
        tracing::error!(error = %error_chain(cause), "internal error");
        ApiError::new(ErrorCode::Internal, "internal error")
    }

    /// Decodes a gRPC status from a service into the answer the browser gets.
    pub fn from_status(status: &Status) -> ApiError {
        // tonic reports its own client deadline as CANCELLED "Timeout expired".
        let timed_out = status.code() == Code::Cancelled
            && status.message().to_ascii_lowercase().contains("timeout");
        let code = if timed_out {
            ErrorCode::DeadlineExceeded
        } else {
            ErrorCode::from_grpc(status.code())
        };
        let details = status.get_error_details();
        let mut err = ApiError::new(code, status.message());
        if code == ErrorCode::Internal {
            // The service logged the cause; an unknown code from elsewhere is logged here.
            if details.error_info().is_none() {
                tracing::error!(grpc.code = ?status.code(), message = status.message(), "internal error from a service");
            }
            err.message = "internal error".into();
            return err;
        }
        if matches!(code, ErrorCode::Unavailable | ErrorCode::DeadlineExceeded) {
            err.message = "a service is unavailable, try again".into();
        }
        if let Some(info) = details.error_info() {
            if is_reason(&info.reason) {
                err.code = Cow::Owned(info.reason.clone());
            }
            // Two refusals of a body have HTTP statuses of their own (DESIGN's table).
            match info.reason.as_str() {
                "PAYLOAD_TOO_LARGE" => err.status = StatusCode::PAYLOAD_TOO_LARGE,
                "UNSUPPORTED_MEDIA_TYPE" => err.status = StatusCode::UNSUPPORTED_MEDIA_TYPE,
                _ => {}
            }
            err.permission = info.metadata.get(META_PERMISSION).cloned();
            err.retry_after = info
                .metadata
                .get(META_RETRY_AFTER)
                .and_then(|s| s.parse().ok());
        }
        if let Some(bad_request) = details.bad_request() {
            for violation in &bad_request.field_violations {
                err.fields
                    .insert(violation.field.clone(), violation.description.clone());
            }
        }
        err
    }
}

fn is_reason(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 63
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

impl From<Status> for ApiError {
    fn from(status: Status) -> ApiError {
        ApiError::from_status(&status)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = serde_json::Map::new();
        error.insert("code".into(), self.code.as_ref().into());
        error.insert("message".into(), self.message.into());
        if self.status == StatusCode::UNPROCESSABLE_ENTITY {
            let fields: serde_json::Map<_, _> = self
                .fields
                .into_iter()
                .map(|(k, v)| (k, v.into()))
                .collect();
            error.insert("fields".into(), fields.into());
        }
        if let Some(permission) = self.permission {
            error.insert("permission".into(), permission.into());
        }
        let request_id = REQUEST_ID.try_with(Clone::clone).unwrap_or_default();
        error.insert("request_id".into(), request_id.into());
        let body = serde_json::json!({ "error": error });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests;
