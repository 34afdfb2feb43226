use atrium_common::config::ServiceName;
use http::uri::PathAndQuery;
use tokio_stream::StreamExt;
use tonic::Code;
use tonic::metadata::MetadataValue;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

use crate::helpers::{SERVICE_TOKEN, TestApp};

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
