//! A portal on port 0 with a fresh database and a manual clock, and callers for it.

use atrium_common::auth::Principal;
use atrium_common::clock::Clock;
use atrium_common::config::{Env, Settings};
use atrium_common::grpc::{ServiceChannel, channel};
use atrium_common::ids::OrgId;
use atrium_common::roles::Role;
use atrium_common::shutdown::Shutdown;
use atrium_common::testkit::{self, TestDatabase};
use atrium_portal::AppState;
use atrium_proto::portal::v1 as pb;
use secrecy::SecretString;
use uuid::Uuid;

pub const TOKEN: &str = "portal-test-service-token-0123456789ab";

pub struct TestPortal {
    pub channel: ServiceChannel,
    pub shutdown: Shutdown,
    _database: TestDatabase,
    _data_dir: tempfile::TempDir,
}

impl TestPortal {
    pub async fn start() -> TestPortal {
        testkit::init_test_tracing();
        let database = testkit::fresh_database().await.expect("database");
        let data_dir = tempfile::tempdir().expect("dir");
        let settings = Settings::resolve(Env {
            portal_listen: Some("127.0.0.1:0".into()),
            // Nothing answers there: these tests use no call that asks identity.
            identity_url: Some("http://127.0.0.1:9".into()),
            service_token: Some(SecretString::from(TOKEN)),
            ..testkit::service_env(&database, data_dir.path())
        })
        .expect("settings");
        let shutdown = Shutdown::new();
        let clock: Clock = testkit::manual_clock();
        let state = AppState::open(&settings, clock, shutdown.clone())
            .await
            .expect("portal opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(atrium_portal::serve(state, listener));
        TestPortal {
            channel: channel(&url, &SecretString::from(TOKEN)).expect("channel"),
            shutdown,
            _database: database,
            _data_dir: data_dir,
        }
    }

    pub fn projects(&self) -> pb::project_service_client::ProjectServiceClient<ServiceChannel> {
        pb::project_service_client::ProjectServiceClient::new(self.channel.clone())
    }

    pub fn settings(&self) -> pb::settings_service_client::SettingsServiceClient<ServiceChannel> {
        pb::settings_service_client::SettingsServiceClient::new(self.channel.clone())
    }
}

impl Drop for TestPortal {
    fn drop(&mut self) {
        self.shutdown.trigger();
    }
}

/// A staff member of a new organization with `role`.
pub fn staff(role: Role) -> Principal {
    Principal::staff(OrgId::new(), Uuid::new_v4(), role)
}

/// Another staff member of the same organization as `of`, with `role`.
pub fn colleague(of: &Principal, role: Role) -> Principal {
    Principal::staff(of.org_id, Uuid::new_v4(), role)
}

/// The stable code and the permission a refused call names.
pub fn refusal(status: &tonic::Status) -> (String, Option<String>) {
    let answer = atrium_common::error::ApiError::from_status(status);
    (answer.code.into_owned(), answer.permission)
}
