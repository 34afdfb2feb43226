use super::*;

#[derive(Debug, thiserror::Error)]
#[error("invitation pending")]
struct Pending;

impl ServiceError for Pending {
    fn code(&self) -> ErrorCode {
        ErrorCode::AlreadyExists
    }
    fn reason(&self) -> &'static str {
        "INVITATION_PENDING"
    }
}

#[test]
fn every_code_round_trips_through_grpc() {
    for code in [
        ErrorCode::InvalidArgument,
        ErrorCode::Unauthenticated,
        ErrorCode::PermissionDenied,
        ErrorCode::NotFound,
        ErrorCode::AlreadyExists,
        ErrorCode::FailedPrecondition,
        ErrorCode::ResourceExhausted,
        ErrorCode::Unavailable,
        ErrorCode::DeadlineExceeded,
        ErrorCode::Internal,
    ] {
        assert_eq!(ErrorCode::from_grpc(code.grpc()), code);
    }
    assert_eq!(ErrorCode::FailedPrecondition.http(), StatusCode::CONFLICT);
    assert_eq!(
        ErrorCode::from_grpc(Code::Unimplemented),
        ErrorCode::Internal
    );
}

#[test]
fn a_specific_reason_survives_the_trip_to_http() {
    let api = ApiError::from_status(&into_status(Pending));
    assert_eq!(api.status, StatusCode::CONFLICT);
    assert_eq!(api.code, "INVITATION_PENDING");
}

#[test]
fn field_violations_become_fields() {
    let api = ApiError::from_status(&into_status(Problem::invalid_field("email", "is too long")));
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api.code, "VALIDATION_FAILED");
    assert_eq!(
        api.fields.get("email").map(String::as_str),
        Some("is too long")
    );
}

#[test]
fn internal_errors_hide_their_cause() {
    let api = ApiError::from_status(&into_status(Problem::new(
        ErrorCode::Internal,
        "db password is hunter2",
    )));
    assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(api.message, "internal error");
}

#[test]
fn a_refused_upload_keeps_its_own_http_status() {
    for (reason, status) in [
        ("PAYLOAD_TOO_LARGE", StatusCode::PAYLOAD_TOO_LARGE),
        ("UNSUPPORTED_MEDIA_TYPE", StatusCode::UNSUPPORTED_MEDIA_TYPE),
    ] {
        let refused = Problem {
            reason,
            fields: vec![("file".to_owned(), "is refused".to_owned())],
            ..Problem::new(ErrorCode::InvalidArgument, "the file is refused")
        };
        let api = ApiError::from_status(&into_status(refused));
        assert_eq!((api.status, api.code.as_ref()), (status, reason));
        assert!(api.fields.contains_key("file"));
    }
}
