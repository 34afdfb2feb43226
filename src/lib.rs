//! Assembles Atrium's processes: all five services and the gateway in one process (the
//! embedded default), or any one of them alone (`atrium serve <name>`). The same code
//! path serves the binary and the end-to-end tests.

use std::net::SocketAddr;

use anyhow::Context;
use atrium_common::clock::Clock;
use atrium_common::config::{ServiceName, Settings};
use atrium_common::in_process::InProcess;
use atrium_common::limits::LimitStore;
use atrium_common::shutdown::Shutdown;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

/// One of the six things `atrium serve` can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    Service(ServiceName),
    Gateway,
}

impl Component {
    pub fn parse(name: &str) -> Option<Component> {
        if name == "gateway" {
            return Some(Component::Gateway);
        }
        ServiceName::parse(name).map(Component::Service)
    }
}

/// The running parts of a process and where they listen.
pub struct Stack {
    pub gateway: Option<SocketAddr>,
    pub services: Vec<(ServiceName, SocketAddr)>,
    shutdown: Shutdown,
    services_shutdown: Shutdown,
    gateway_task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    service_tasks: JoinSet<anyhow::Result<()>>,
    /// The services the parts of an all-in-one process call directly; dropped with the
    /// stack, which frees every part and its database pool.
    in_process: Option<InProcess>,
}

impl Stack {
    /// The address a service listens on, after binding (port 0 becomes a real port).
    pub fn service_addr(&self, name: ServiceName) -> Option<SocketAddr> {
        self.services
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, addr)| *addr)
    }

    /// The shutdown that stops this stack (SIGTERM trips it in the binary).
    pub fn shutdown(&self) -> &Shutdown {
        &self.shutdown
    }

    /// Runs until shutdown: the gateway drains its in-flight requests first, while the
    /// services still answer them; then the services drain and stop. A part that fails
    /// stops the whole process.
    pub async fn wait(mut self) -> anyhow::Result<()> {
        let mut first_error = None;
        if let Some(mut gateway) = self.gateway_task.take() {
            let gateway_result = tokio::select! {
                result = &mut gateway => result,
                Some(result) = self.service_tasks.join_next() => {
                    if let Err(err) = flatten(result) { first_error = Some(err); }
                    // A service stopped: stop the gateway too, and let it drain first.
                    self.shutdown.trigger();
                    gateway.await
                }
            };
            if let Err(err) = flatten(gateway_result) {
                first_error.get_or_insert(err);
            }
        } else if let Some(result) = self.service_tasks.join_next().await
            && let Err(err) = flatten(result)
        {
            first_error = Some(err);
        }
        self.shutdown.trigger();
        self.services_shutdown.trigger();
        while let Some(result) = self.service_tasks.join_next().await {
            if let Err(err) = flatten(result) {
                first_error.get_or_insert(err);
            }
        }
        // Every part has stopped: let go of them (and their database pools).
        drop(self.in_process.take());
        match first_error {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }
}

fn flatten(result: Result<anyhow::Result<()>, tokio::task::JoinError>) -> anyhow::Result<()> {
    result.context("a server task panicked")?
}

/// Starts all five services and the gateway in this process. In one process each
/// service's URL follows the address it actually bound.
pub async fn start_all(
    mut settings: Settings,
    clock: Clock,
    shutdown: Shutdown,
    limits: Option<LimitStore>,
) -> anyhow::Result<Stack> {
    let mut listeners = Vec::new();
    for name in ServiceName::ALL {
        let listener = bind(settings.endpoint(name).listen, name.as_str()).await?;
        let addr = listener.local_addr()?;
        settings.endpoint_mut(name).url =
            format!("http://{}", atrium_common::config::connectable(addr));
        listeners.push((name, listener));
    }
    let gateway_listener = bind(settings.listen, "gateway").await?;
    // The parts of this process call one another directly, not through their ports.
    let in_process = InProcess::default();
    settings.in_process = Some(in_process.link());
    let services_shutdown = Shutdown::new();
    let mut stack = Stack {
        gateway: Some(gateway_listener.local_addr()?),
        services: Vec::new(),
        shutdown: shutdown.clone(),
        services_shutdown: services_shutdown.clone(),
        gateway_task: None,
        service_tasks: JoinSet::new(),
        in_process: Some(in_process),
    };
    // One store for the whole process: identity's session cache and the gateway's limits.
    let limits = match limits {
        Some(limits) => limits,
        None => LimitStore::connect(settings.redis_url.as_ref(), clock.clone()).await?,
    };
    for (name, listener) in listeners {
        stack.services.push((name, listener.local_addr()?));
        spawn_service(&mut stack, name, listener, &settings, &clock, Some(&limits)).await?;
    }
    stack.gateway_task =
        Some(spawn_gateway(gateway_listener, &settings, clock, shutdown, Some(limits)).await?);
    Ok(stack)
}

/// Starts one component alone, as `atrium serve <name>` does.
pub async fn start_one(
    component: Component,
    settings: Settings,
    clock: Clock,
    shutdown: Shutdown,
) -> anyhow::Result<Stack> {
    let mut stack = Stack {
        gateway: None,
        services: Vec::new(),
        shutdown: shutdown.clone(),
        services_shutdown: shutdown.clone(),
        gateway_task: None,
        service_tasks: JoinSet::new(),
        in_process: None,
    };
    match component {
        Component::Gateway => {
            let listener = bind(settings.listen, "gateway").await?;
            stack.gateway = Some(listener.local_addr()?);
            stack.gateway_task =
                Some(spawn_gateway(listener, &settings, clock, shutdown, None).await?);
        }
        Component::Service(name) => {
            let listener = bind(settings.endpoint(name).listen, name.as_str()).await?;
            stack.services.push((name, listener.local_addr()?));
            spawn_service(&mut stack, name, listener, &settings, &clock, None).await?;
        }
    }
    Ok(stack)
}

async fn bind(addr: SocketAddr, what: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {what} to {addr}"))
}

async fn spawn_service(
    stack: &mut Stack,
    name: ServiceName,
    listener: TcpListener,
    settings: &Settings,
    clock: &Clock,
    limits: Option<&LimitStore>,
) -> anyhow::Result<()> {
    let shutdown = stack.services_shutdown.clone();
    let clock = clock.clone();
    match name {
        ServiceName::Identity => {
            let state =
                atrium_identity::AppState::open(settings, clock, shutdown, limits.cloned()).await?;
            if let Some(bootstrap) = &settings.bootstrap {
                bootstrap_org(&state, bootstrap).await?;
            }
            stack
                .service_tasks
                .spawn(atrium_identity::serve(state, listener));
        }
        ServiceName::Portal => {
            let state = atrium_portal::AppState::open(settings, clock, shutdown).await?;
            stack
                .service_tasks
                .spawn(atrium_portal::serve(state, listener));
        }
        ServiceName::Documents => {
            let state = atrium_documents::AppState::open(settings, clock, shutdown).await?;
            stack
                .service_tasks
                .spawn(atrium_documents::serve(state, listener));
        }
        ServiceName::Billing => {
            let state = atrium_billing::AppState::open(settings, clock, shutdown).await?;
            stack
                .service_tasks
                .spawn(atrium_billing::serve(state, listener));
        }
        ServiceName::Notifier => {
            let state = atrium_notifier::AppState::open(settings, clock, shutdown).await?;
            stack
                .service_tasks
                .spawn(atrium_notifier::serve(state, listener));
        }
    }
    Ok(())
}

async fn spawn_gateway(
    listener: TcpListener,
    settings: &Settings,
    clock: Clock,
    shutdown: Shutdown,
    limits: Option<LimitStore>,
) -> anyhow::Result<tokio::task::JoinHandle<anyhow::Result<()>>> {
    let state = match limits {
        Some(limits) => {
            atrium_gateway::GatewayState::with_limits(settings, clock, shutdown, limits)?
        }
        None => atrium_gateway::GatewayState::open(settings, clock, shutdown).await?,
    };
    Ok(tokio::spawn(atrium_gateway::serve(state, listener)))
}

/// Creates the bootstrap organization and its owner unless the slug exists already.
pub async fn bootstrap_org(
    state: &atrium_identity::AppState,
    bootstrap: &atrium_common::config::Bootstrap,
) -> anyhow::Result<()> {
    let input = atrium_identity::NewOrganization {
        slug: bootstrap.org.clone(),
        name: bootstrap.org.clone(),
        owner_email: bootstrap.email.clone(),
        owner_password: secrecy::ExposeSecret::expose_secret(&bootstrap.password).to_owned(),
    };
    let onboarded = atrium_identity::create_organization(state, input, true)
        .await
        .map_err(|err| anyhow::anyhow!("bootstrapping organization {}: {err}", bootstrap.org))?;
    if onboarded.created {
        tracing::info!(org = %bootstrap.org, "bootstrap organization created");
    } else {
        tracing::info!(org = %bootstrap.org, "bootstrap organization exists, left unchanged");
    }
    Ok(())
}
