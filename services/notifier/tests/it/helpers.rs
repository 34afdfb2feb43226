//! A notifier on port 0 with a fresh database, a manual clock and a service-token client.

use std::time::Duration;

use atrium_common::auth::Principal;
use atrium_common::clock::Clock;
use atrium_common::config::{Env, Settings};
use atrium_common::grpc::{ServiceChannel, channel};
use atrium_common::roles::Role;
use atrium_common::shutdown::Shutdown;
use atrium_common::testkit::{self, TestDatabase, smtp::SmtpServer};
use atrium_notifier::AppState;
use atrium_proto::notifier::v1 as pb;
use atrium_proto::notifier::v1::email_service_client::EmailServiceClient;
use secrecy::SecretString;
use uuid::Uuid;

pub const TOKEN: &str = "notifier-test-service-token-0123456789";

pub struct TestNotifier {
    pub client: EmailServiceClient<ServiceChannel>,
    /// A service-token channel to the notifier, for its other services.
    pub channel: ServiceChannel,
    pub clock: Clock,
    pub shutdown: Shutdown,
    pub database: TestDatabase,
    /// The dispatcher's doorbell, for waiting until it is quiet.
    pub wake: atrium_notifier::Wake,
    /// The server task: it ends after shutdown, once the notifier has stopped.
    pub served: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _data_dir: tempfile::TempDir,
}

/// The settings of a notifier on `database` that sends to `smtp` (or holds mail).
pub fn settings(
    database: &TestDatabase,
    data_dir: &std::path::Path,
    smtp: Option<&SmtpServer>,
) -> Settings {
    Settings::resolve(Env {
        notifier_listen: Some("127.0.0.1:0".into()),
        service_token: Some(SecretString::from(TOKEN)),
        smtp_url: smtp.map(|s| SecretString::from(s.url())),
        mail_from: Some("Atrium Test <no-reply@atrium.test>".into()),
        ..testkit::service_env(database, data_dir)
    })
    .expect("settings")
}

impl TestNotifier {
    pub async fn start(smtp: Option<&SmtpServer>) -> TestNotifier {
        testkit::init_test_tracing();
        let database = testkit::fresh_database().await.expect("database");
        TestNotifier::start_on(database, smtp, testkit::manual_clock()).await
    }

    /// Starts a notifier process-equivalent on an existing database and clock.
    pub async fn start_on(
        database: TestDatabase,
        smtp: Option<&SmtpServer>,
        clock: Clock,
    ) -> TestNotifier {
        let data_dir = tempfile::tempdir().expect("dir");
        let settings = settings(&database, data_dir.path(), smtp);
        let shutdown = Shutdown::new();
        let mut state = AppState::open(&settings, clock.clone(), shutdown.clone())
            .await
            .expect("notifier opens");
        // The notifier alone: mails keep the names their senders gave.
        state.branding = None;
        let wake = state.wake.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let served = tokio::spawn(atrium_notifier::serve(state, listener));
        let channel = channel(&url, &SecretString::from(TOKEN)).expect("channel");
        TestNotifier {
            client: EmailServiceClient::new(channel.clone()),
            channel,
            clock,
            shutdown,
            database,
            wake,
            served: Some(served),
            _data_dir: data_dir,
        }
    }

    pub async fn enqueue(
        &self,
        request: pb::EnqueueEmailRequest,
    ) -> Result<pb::EnqueueEmailResponse, tonic::Status> {
        self.client
            .clone()
            .enqueue_email(atrium_common::auth::Principal::service().request(request))
            .await
            .map(tonic::Response::into_inner)
    }

    /// Queues `request` and answers the id of its message.
    pub async fn enqueue_id(&self, request: pb::EnqueueEmailRequest) -> String {
        self.enqueue(request).await.expect("enqueued").email_id
    }

    /// Asks for `email_id` to be sent again, as staff of `org`.
    pub async fn retry(&self, org: Uuid, email_id: &str) -> Result<pb::OutboxEntry, tonic::Status> {
        let mut request = tonic::Request::new(pb::RetryEmailRequest {
            email_id: email_id.into(),
        });
        staff_of(org).write_to(request.metadata_mut());
        let retried = self.client.clone().retry_email(request).await?;
        Ok(retried.into_inner().entry.expect("the retried entry"))
    }

    /// The outbox of `org` as its staff see it.
    pub async fn outbox(&self, org: Uuid) -> Vec<pb::OutboxEntry> {
        let mut request = tonic::Request::new(pb::ListOutboxRequest::default());
        staff_of(org).write_to(request.metadata_mut());
        self.client
            .clone()
            .list_outbox(request)
            .await
            .expect("list")
            .into_inner()
            .items
    }

    /// Waits until `check` holds for the org's outbox, moving the clock `step` each round.
    pub async fn wait_for_outbox(
        &self,
        org: Uuid,
        step: Duration,
        check: impl Fn(&[pb::OutboxEntry]) -> bool,
    ) -> Vec<pb::OutboxEntry> {
        for _ in 0..200 {
            let entries = self.outbox(org).await;
            if check(&entries) {
                return entries;
            }
            // Time moves only while no message is due or being sent: a jump past the
            // lease of a message in flight would let a second claim send it again.
            let now = self.clock.now();
            let settled = entries.iter().all(|e| {
                e.status != "queued"
                    || e.next_attempt_at
                        .as_ref()
                        .and_then(atrium_common::grpc::from_timestamp)
                        .is_some_and(|at| at > now)
            });
            if settled {
                self.clock.advance(step);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "outbox never reached the expected state: {:?}",
            self.outbox(org).await
        );
    }
}

impl Drop for TestNotifier {
    fn drop(&mut self) {
        self.shutdown.trigger();
    }
}

pub fn staff_of(org: Uuid) -> Principal {
    Principal::staff(org, Uuid::new_v4(), Role::Owner)
}

pub const LINK: &str = "https://portal.test/customer/accept-invitation?token=SECRET-TOKEN-abc123";

/// An invitation for `to` in `org`, keyed `key`.
pub fn invitation(org: Uuid, key: &str, to: &str) -> pb::EnqueueEmailRequest {
    pb::EnqueueEmailRequest {
        org_id: org.to_string(),
        idempotency_key: key.into(),
        template_key: "customer_invitation".into(),
        locale: String::new(),
        org_locale: String::new(),
        recipient_email: to.into(),
        recipient_name: "Ann Example".into(),
        variables_json: serde_json::json!({ "link": LINK, "expires_at": "2030-01-22 09:00 UTC" })
            .to_string(),
        org_name: "Acme Photo".into(),
        logo_url: String::new(),
        sender_name: "Bea".into(),
    }
}

/// The decoded text and HTML parts of a captured message.
pub fn parts(mail: &testkit::smtp::ReceivedMail) -> (String, String) {
    mail.parts()
}

/// A decoded header of a captured message.
pub fn header(mail: &testkit::smtp::ReceivedMail, name: &str) -> String {
    mail.decoded_header(name)
}
