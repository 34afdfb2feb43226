use atrium_common::testkit::smtp::SmtpServer;
use tonic::Code;
use uuid::Uuid;

use crate::helpers::{TestNotifier, invitation};

#[tokio::test]
async fn bad_enqueue_requests_are_refused_naming_the_field_and_store_nothing() {
    let smtp = SmtpServer::start().await.unwrap();
    let notifier = TestNotifier::start(Some(&smtp)).await;
    let org = Uuid::new_v4();
    let base = || invitation(org, "k", "ann@example.test");

    let cases = vec![
        ("org_id", {
            let mut r = base();
            r.org_id = "not-a-uuid".into();
            r
        }),
        ("idempotency_key", {
            let mut r = base();
            r.idempotency_key = " ".into();
            r
        }),
        ("template_key", {
            let mut r = base();
            r.template_key = "no_such_template".into();
            r
        }),
        ("locale", {
            let mut r = base();
            r.locale = "fr".into();
            r
        }),
        ("org_locale", {
            let mut r = base();
            r.org_locale = "xx".into();
            r
        }),
        ("recipient_email", {
            let mut r = base();
            r.recipient_email = "nobody".into();
            r
        }),
        ("variables_json", {
            let mut r = base();
            r.variables_json = "[1, 2]".into();
            r
        }),
        ("variables_json", {
            let mut r = base();
            r.variables_json = "{not json".into();
            r
        }),
    ];
    for (field, request) in cases {
        let status = notifier.enqueue(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{field}");
        let details = tonic_types::StatusExt::get_error_details(&status);
        let violations = details
            .bad_request()
            .map(|b| b.field_violations.clone())
            .unwrap_or_default();
        assert!(
            violations.iter().any(|v| v.field == field),
            "{field} named in {violations:?}"
        );
    }
    assert!(notifier.outbox(org).await.is_empty());
}
