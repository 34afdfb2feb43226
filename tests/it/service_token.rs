use atrium_common::config::ServiceName;
use http::uri::PathAndQuery;
use tokio_stream::StreamExt;
use tonic::Code;
use tonic::metadata::MetadataValue;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

use crate::support::app::{SERVICE_TOKEN, TestApp};

/// Calls `path` with an empty message and the given bearer, answering the status code.
async fn call(addr: std::net::SocketAddr, path: &str, bearer: Option<&str>) -> Code {
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.unwrap();
    let mut request = tonic::Request::new(());
    if let Some(bearer) = bearer {
        request.metadata_mut().insert(
            "authorization",
            MetadataValue::try_from(format!("Bearer {bearer}")).unwrap(),
        );
    }
    let codec = tonic_prost::ProstCodec::<(), ()>::default();
    match grpc
        .unary(
            request,
            PathAndQuery::try_from(path.to_owned()).unwrap(),
            codec,
        )
        .await
    {
        Ok(_) => Code::Ok,
        Err(status) => status.code(),
    }
}

#[tokio::test]
async fn every_atrium_rpc_needs_the_service_token_on_every_service() {
    let app = TestApp::start().await;
    for name in ServiceName::ALL {
        let addr = app.service_addr(name);
        for service in name.grpc_services() {
            let path = format!("/{service}/AnyMethod");

            let anonymous = call(addr, &path, None).await;
            let wrong = call(addr, &path, Some("not-the-token")).await;
            let holder = call(addr, &path, Some(SERVICE_TOKEN)).await;

            assert_eq!(anonymous, Code::Unauthenticated, "{path} without a token");
            assert_eq!(wrong, Code::Unauthenticated, "{path} with a wrong token");
            assert_eq!(
                holder,
                Code::Unimplemented,
                "{path} with the token reaches the service"
            );
        }
    }
    // A real RPC, too: identity's GetOrganization.
    let identity = app.service_addr(ServiceName::Identity);
    assert_eq!(
        call(
            identity,
            "/atrium.identity.v1.OrganizationService/GetOrganization",
            None
        )
        .await,
        Code::Unauthenticated
    );
    assert_eq!(
        call(
            identity,
            "/atrium.identity.v1.OrganizationService/GetOrganization",
            Some(SERVICE_TOKEN)
        )
        .await,
        Code::NotFound
    );
}

#[tokio::test]
async fn health_and_reflection_answer_without_a_token() {
    let app = TestApp::start().await;
    for name in ServiceName::ALL {
        let addr = app.service_addr(name);
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
            .unwrap()
            .connect()
            .await
            .unwrap();

        let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
        let status = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: String::new(),
            })
            .await
            .unwrap();
        let mut reflection = ServerReflectionClient::new(channel);
        let request = ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::ListServices(String::new())),
        };
        let mut answers = reflection
            .server_reflection_info(tokio_stream::iter([request]))
            .await
            .unwrap()
            .into_inner();
        let answer = answers.next().await.unwrap().unwrap();

        assert_eq!(
            status.get_ref().status,
            tonic_health::pb::health_check_response::ServingStatus::Serving as i32
        );
        let Some(MessageResponse::ListServicesResponse(list)) = answer.message_response else {
            panic!("{name}: reflection did not list services");
        };
        let listed: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
        for service in name.grpc_services() {
            assert!(
                listed.iter().any(|l| l == service),
                "{service} not in {listed:?}"
            );
        }
    }
}

/// The services check the role too: a direct call with the service token and a `viewer`
/// principal cannot delete a project (PERMISSION_DENIED naming the permission), the same
/// call as `admin` can; a customer may not make it at all, and a staff member may not
/// make a call meant only for Atrium's own background jobs.
#[tokio::test]
async fn a_service_refuses_a_staff_call_the_role_does_not_allow() {
    use atrium_common::auth::Principal;
    use atrium_common::roles::Role;
    use atrium_proto::identity::v1 as identity;
    use atrium_proto::portal::v1 as portal;

    let app = TestApp::start().await;
    let (org_id, owner_id, token) = app.org_with_owner("acme").await;
    let created = app
        .staff_call(
            reqwest::Method::POST,
            "/api/admin/projects",
            &token,
            Some(&serde_json::json!({ "name": "Extension", "kind": "project" })),
        )
        .await;
    let project: serde_json::Value = created.json().await.unwrap();
    let project_id = project["id"].as_str().unwrap().to_owned();
    let (org, owner): (uuid::Uuid, uuid::Uuid) =
        (org_id.parse().unwrap(), owner_id.parse().unwrap());
    let mut projects = portal::project_service_client::ProjectServiceClient::new(
        app.service_channel(ServiceName::Portal),
    );
    let delete = |principal: Principal| {
        principal.request(portal::ProjectRequest {
            project_id: project_id.clone(),
        })
    };

    let as_viewer = projects
        .delete_project(delete(Principal::staff(org, owner, Role::Viewer)))
        .await
        .unwrap_err();
    let as_customer = projects
        .delete_project(delete(Principal::customer(org, owner)))
        .await
        .unwrap_err();
    let still_there = app
        .staff_call(
            reqwest::Method::GET,
            &format!("/api/admin/projects/{project_id}"),
            &token,
            None,
        )
        .await;
    let as_admin = projects
        .delete_project(delete(Principal::staff(org, owner, Role::Admin)))
        .await;
    let gone = app
        .staff_call(
            reqwest::Method::GET,
            &format!("/api/admin/projects/{project_id}"),
            &token,
            None,
        )
        .await;
    let mut audit = identity::audit_service_client::AuditServiceClient::new(
        app.service_channel(ServiceName::Identity),
    );
    let staff_recording = audit
        .record_audit(
            Principal::staff(org, owner, Role::Owner)
                .request(identity::RecordAuditRequest::default()),
        )
        .await
        .unwrap_err();

    assert_eq!(as_viewer.code(), Code::PermissionDenied);
    let answer = atrium_common::error::ApiError::from_status(&as_viewer);
    assert_eq!(answer.code, "PERMISSION_DENIED");
    assert_eq!(answer.permission.as_deref(), Some("projects.manage"));
    assert_eq!(as_customer.code(), Code::Unauthenticated, "tiers never mix");
    assert_eq!(still_there.status(), 200, "nothing was deleted");
    assert!(as_admin.is_ok(), "{as_admin:?}");
    assert_eq!(gone.status(), 404);
    assert_eq!(
        staff_recording.code(),
        Code::PermissionDenied,
        "internal only"
    );
}
