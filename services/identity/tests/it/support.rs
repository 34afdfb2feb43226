//! An identity server on port 0 with a fresh database, a manual clock and its session
//! store (Redis with ATRIUM_TEST_REDIS_URL, else in-process), and callers for it.

use atrium_common::auth::Principal;
use atrium_common::config::{Env, Settings};
use atrium_common::grpc::{ServiceChannel, channel};
use atrium_common::roles::Role;
use atrium_common::shutdown::Shutdown;
use atrium_common::testkit::{self, TestDatabase};
use atrium_identity::AppState;
use atrium_proto::identity::v1 as pb;
use secrecy::SecretString;

pub const TOKEN: &str = "identity-test-service-token-0123456789";
pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestIdentity {
    pub channel: ServiceChannel,
    pub shutdown: Shutdown,
    _database: TestDatabase,
    _data_dir: tempfile::TempDir,
}

/// An organization made over gRPC, with its owner acting in it.
pub struct Org {
    pub slug: String,
    pub owner: Principal,
}

impl TestIdentity {
    pub async fn start() -> TestIdentity {
        testkit::init_test_tracing();
        let database = testkit::fresh_database().await.expect("database");
        let data_dir = tempfile::tempdir().expect("dir");
        let settings = Settings::resolve(Env {
            identity_listen: Some("127.0.0.1:0".into()),
            service_token: Some(SecretString::from(TOKEN)),
            jwt_secret: Some(SecretString::from(
                "identity-test-jwt-secret-0123456789abcdef",
            )),
            ..testkit::service_env(&database, data_dir.path())
        })
        .expect("settings");
        let shutdown = Shutdown::new();
        let clock = testkit::manual_clock();
        let store = testkit::limit_store(clock.clone())
            .await
            .expect("session store");
        let state = AppState::open(&settings, clock, shutdown.clone(), Some(store))
            .await
            .expect("identity opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(atrium_identity::serve(state, listener));
        TestIdentity {
            channel: channel(&url, &SecretString::from(TOKEN)).expect("channel"),
            shutdown,
            _database: database,
            _data_dir: data_dir,
        }
    }

    pub fn organizations(
        &self,
    ) -> pb::organization_service_client::OrganizationServiceClient<ServiceChannel> {
        pb::organization_service_client::OrganizationServiceClient::new(self.channel.clone())
    }

    pub fn staff_auth(
        &self,
    ) -> pb::staff_auth_service_client::StaffAuthServiceClient<ServiceChannel> {
        pb::staff_auth_service_client::StaffAuthServiceClient::new(self.channel.clone())
    }

    pub fn customers(&self) -> pb::customer_service_client::CustomerServiceClient<ServiceChannel> {
        pb::customer_service_client::CustomerServiceClient::new(self.channel.clone())
    }

    /// Makes an organization `slug` whose owner signs in with [`PASSWORD`].
    pub async fn organization(&self, slug: &str) -> Org {
        let made = self
            .organizations()
            .create_organization(Principal::service().request(pb::CreateOrganizationRequest {
                slug: slug.to_owned(),
                name: format!("{slug} Ltd"),
                owner_email: format!("owner@{slug}.test"),
                owner_password: PASSWORD.to_owned(),
                if_absent: false,
            }))
            .await
            .expect("organization made")
            .into_inner();
        let org = made.organization.expect("organization");
        let owner = made.owner.expect("owner");
        Org {
            slug: org.slug,
            owner: Principal::staff(
                atrium_common::ids::OrgId::parse(&org.id).expect("org id"),
                uuid::Uuid::parse_str(&owner.id).expect("owner id"),
                Role::Owner,
            ),
        }
    }
}

impl Drop for TestIdentity {
    fn drop(&mut self) {
        self.shutdown.trigger();
    }
}

/// The stable code, the fields and the permission of a refused call.
pub fn refusal(status: &tonic::Status) -> atrium_common::error::ApiError {
    atrium_common::error::ApiError::from_status(status)
}
