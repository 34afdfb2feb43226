//! Calls between the parts of one all-in-one process, made without the network.
//!
//! In the all-in-one binary the gateway and the five services share a process, so a
//! client may hand its request straight to the other service's routes: the same
//! encoding, service-token gate, trace span and deadline as over TCP, but no loopback
//! socket, no HTTP/2 framing and no hop between connection tasks. Each service still
//! listens on its port for health probes and for any process outside.

use std::convert::Infallible;
use std::sync::{Arc, OnceLock, Weak};
use std::task::{Context, Poll};

use secrecy::SecretString;
use tokio::sync::Notify;
use tonic::Status;
use tonic::body::Body;
use tonic::service::Routes;
use tonic::transport::Channel;
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceExt};

use crate::config::ServiceName;
use crate::grpc::{BoxFuture, CLIENT_TIMEOUT, STREAM_IDLE_TIMEOUT, bounded, gate};

type Routed = BoxCloneSyncService<http::Request<Body>, http::Response<Body>, Infallible>;

type Slots = [Slot; ServiceName::ALL.len()];

/// The services of one process, each registered once its state is open. The services
/// call one another in a cycle, so a client is made before its server is registered
/// and a call waits (within its deadline) until it is.
///
/// The process holds this; its parts hold [`InProcessLink`]s. A registered service's
/// state holds links to the others, so the registry holding its own users strongly
/// would keep every part (and its database pool) alive after the process stops.
#[derive(Default)]
pub struct InProcess {
    slots: Arc<Slots>,
}

impl InProcess {
    /// What the parts of the process register with and call through.
    pub fn link(&self) -> InProcessLink {
        InProcessLink {
            slots: Arc::downgrade(&self.slots),
        }
    }
}

/// A part's handle on its process's services; calls through it fail once the process
/// has let go of them.
#[derive(Clone)]
pub struct InProcessLink {
    slots: Weak<Slots>,
}

#[derive(Default)]
struct Slot {
    routes: OnceLock<Routed>,
    registered: Notify,
}

impl std::fmt::Debug for InProcessLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let registered: Vec<&str> = match self.slots.upgrade() {
            Some(slots) => ServiceName::ALL
                .into_iter()
                .filter(|name| slots[*name as usize].routes.get().is_some())
                .map(ServiceName::as_str)
                .collect(),
            None => Vec::new(),
        };
        f.debug_struct("InProcessLink")
            .field("registered", &registered)
            .finish()
    }
}

impl InProcessLink {
    /// Makes `routes` answer this process's calls to `name`, behind the same gate as its
    /// TCP server. A second registration of the same service is refused.
    pub fn register(
        &self,
        name: ServiceName,
        routes: Routes,
        service_token: &SecretString,
    ) -> anyhow::Result<()> {
        let slots = self
            .slots
            .upgrade()
            .ok_or_else(|| anyhow::anyhow!("this process has stopped"))?;
        let slot = &slots[name as usize];
        let routed = BoxCloneSyncService::new(gate(routes.prepare(), service_token, name));
        slot.routes
            .set(routed)
            .map_err(|_| anyhow::anyhow!("{name} is registered in this process already"))?;
        slot.registered.notify_waiters();
        Ok(())
    }

    /// Where calls to `name` go within this process.
    pub fn transport(&self, name: ServiceName) -> Transport {
        Transport::Local(Local {
            services: self.clone(),
            name,
        })
    }

    /// The routes of `name` once registered; `None` once the process has stopped.
    async fn routes(&self, name: ServiceName) -> Option<Routed> {
        let slots = self.slots.upgrade()?;
        let slot = &slots[name as usize];
        loop {
            let registered = slot.registered.notified();
            if let Some(routes) = slot.routes.get() {
                return Some(routes.clone());
            }
            registered.await;
        }
    }
}

/// How a client reaches a service: over the network, or within this process.
#[derive(Clone)]
pub enum Transport {
    Remote(Channel),
    Local(Local),
}

/// A service of this process, reached by calling its routes.
#[derive(Clone)]
pub struct Local {
    services: InProcessLink,
    name: ServiceName,
}

impl Service<http::Request<Body>> for Transport {
    type Response = http::Response<Body>;
    type Error = tower::BoxError;
    type Future = BoxFuture<Result<http::Response<Body>, tower::BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        match self {
            Transport::Remote(channel) => channel.poll_ready(cx).map_err(Into::into),
            Transport::Local(_) => Poll::Ready(Ok(())),
        }
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let transport = self.clone();
        // The clone that was polled ready is the one that must take the call.
        let mut transport = std::mem::replace(self, transport);
        Box::pin(bounded(
            request,
            CLIENT_TIMEOUT,
            STREAM_IDLE_TIMEOUT,
            move |request| async move {
                match &mut transport {
                    Transport::Remote(channel) => channel.call(request).await.map_err(Into::into),
                    Transport::Local(local) => {
                        let Some(routes) = local.services.routes(local.name).await else {
                            return Ok(Status::unavailable("this process has stopped").into_http());
                        };
                        match routes.oneshot(request).await {
                            Ok(response) => Ok(response),
                            Err(never) => match never {},
                        }
                    }
                }
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tonic::service::Interceptor;
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_check_response::ServingStatus;
    use tonic_health::pb::health_client::HealthClient;

    use super::*;
    use crate::grpc::Outgoing;

    fn health_routes() -> Routes {
        let (_reporter, health) = tonic_health::server::health_reporter();
        Routes::new(health)
    }

    #[tokio::test]
    async fn a_call_made_before_its_service_is_registered_waits_and_is_answered() {
        let process = InProcess::default();
        let services = process.link();
        let mut client = HealthClient::new(services.transport(ServiceName::Portal));
        let call = tokio::spawn(async move {
            client
                .check(HealthCheckRequest {
                    service: String::new(),
                })
                .await
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !call.is_finished(),
            "answered before anything was registered"
        );

        let token = SecretString::from("t".repeat(32));
        services
            .register(ServiceName::Portal, health_routes(), &token)
            .unwrap();
        let answer = call.await.unwrap().unwrap();
        assert_eq!(answer.get_ref().status, ServingStatus::Serving as i32);
        assert!(
            services
                .register(ServiceName::Portal, health_routes(), &token)
                .is_err()
        );
    }

    #[tokio::test]
    async fn direct_calls_pass_the_same_service_token_gate_as_tcp_ones() {
        let process = InProcess::default();
        let services = process.link();
        let token = SecretString::from("t".repeat(32));
        services
            .register(ServiceName::Identity, health_routes(), &token)
            .unwrap();
        let call = |authorized: bool| {
            let mut transport = services.transport(ServiceName::Identity);
            let token = token.clone();
            async move {
                let mut request = tonic::Request::new(());
                if authorized {
                    request = Outgoing::new(&token).unwrap().call(request).unwrap();
                }
                let mut http = http::Request::new(Body::empty());
                *http.uri_mut() = "/atrium.identity.v1.OrganizationService/GetOrganization"
                    .parse()
                    .unwrap();
                *http.headers_mut() = request.metadata().clone().into_headers();
                let response = transport.call(http).await.unwrap();
                response.headers()["grpc-status"]
                    .to_str()
                    .unwrap()
                    .to_owned()
            }
        };
        // 16 UNAUTHENTICATED without the token; with it the gate lets the (open) call
        // through to routing, which has no such method here (12 UNIMPLEMENTED).
        assert_eq!(call(false).await, "16");
        assert_eq!(call(true).await, "12");
    }

    #[tokio::test]
    async fn once_the_process_lets_go_calls_answer_unavailable_instead_of_waiting() {
        let process = InProcess::default();
        let services = process.link();
        let token = SecretString::from("t".repeat(32));
        services
            .register(ServiceName::Notifier, health_routes(), &token)
            .unwrap();
        let mut client = HealthClient::new(services.transport(ServiceName::Notifier));
        drop(process);
        let status = client
            .check(HealthCheckRequest {
                service: String::new(),
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), tonic::Code::Unavailable);
        assert!(
            services
                .register(ServiceName::Portal, health_routes(), &token)
                .is_err()
        );
    }
}
