//! Configuration from `ATRIUM_*` environment variables (read with `envy`), resolved into
//! [`Settings`] with the embedded defaults of DESIGN.md, so a bare `cargo run` works.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use ipnet::IpNet;
use secrecy::SecretString;
use serde::Deserialize;

use crate::limits::RateLimit;
use crate::secrets;

mod parse;
mod storage;

pub use parse::{
    HttpLimits, MIN_SECRET_BYTES, connectable, default_max_connections, open_files_limit,
};
use parse::{
    bootstrap, default_addr, default_public_url, http_limits, long_enough, parse_addr, pool_size,
    trusted_proxies,
};
pub use storage::StorageSettings;

/// The five gRPC services, with their default ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceName {
    Identity,
    Portal,
    Documents,
    Billing,
    Notifier,
}

impl ServiceName {
    pub const ALL: [ServiceName; 5] = [
        ServiceName::Identity,
        ServiceName::Portal,
        ServiceName::Documents,
        ServiceName::Billing,
        ServiceName::Notifier,
    ];

    /// Returns the lowercase name used in commands, schemas, files and variables.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceName::Identity => "identity",
            ServiceName::Portal => "portal",
            ServiceName::Documents => "documents",
            ServiceName::Billing => "billing",
            ServiceName::Notifier => "notifier",
        }
    }

    pub fn default_port(self) -> u16 {
        match self {
            ServiceName::Identity => 50051,
            ServiceName::Portal => 50052,
            ServiceName::Documents => 50053,
            ServiceName::Billing => 50054,
            ServiceName::Notifier => 50055,
        }
    }

    /// The `grpc.health.v1` service names this service reports, besides the empty overall name.
    pub fn grpc_services(self) -> &'static [&'static str] {
        match self {
            ServiceName::Identity => &[
                "atrium.identity.v1.OrganizationService",
                "atrium.identity.v1.StaffAuthService",
                "atrium.identity.v1.StaffService",
                "atrium.identity.v1.CustomerAuthService",
                "atrium.identity.v1.CustomerService",
                "atrium.identity.v1.AuditService",
            ],
            ServiceName::Portal => &[
                "atrium.portal.v1.ProjectService",
                "atrium.portal.v1.AssignmentService",
                "atrium.portal.v1.CustomerProjectService",
                "atrium.portal.v1.SettingsService",
                "atrium.portal.v1.CustomerPermissionService",
                "atrium.portal.v1.DashboardService",
                "atrium.portal.v1.GuestGalleryService",
                "atrium.portal.v1.ErasureService",
            ],
            ServiceName::Documents => &[
                "atrium.documents.v1.DocumentService",
                "atrium.documents.v1.GalleryService",
                "atrium.documents.v1.ShareLinkService",
            ],
            ServiceName::Billing => &[
                "atrium.billing.v1.InvoiceService",
                "atrium.billing.v1.QuoteService",
                "atrium.billing.v1.LedgerService",
            ],
            ServiceName::Notifier => &[
                "atrium.notifier.v1.EmailService",
                "atrium.notifier.v1.NotificationService",
                "atrium.notifier.v1.TemplateService",
                "atrium.notifier.v1.ErasureService",
            ],
        }
    }

    pub fn parse(name: &str) -> Option<ServiceName> {
        ServiceName::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl std::fmt::Display for ServiceName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The raw environment, exactly as `envy` reads it under the `ATRIUM_` prefix. Flat on
/// purpose: envy reads flattened numbers as strings (softprops/envy#26).
#[derive(Debug, Default, Deserialize)]
pub struct Env {
    pub listen: Option<String>,
    pub public_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<SecretString>,
    pub database_pool_size: Option<u32>,
    pub redis_url: Option<SecretString>,
    pub smtp_url: Option<SecretString>,
    pub mail_from: Option<String>,
    pub identity_listen: Option<String>,
    pub portal_listen: Option<String>,
    pub documents_listen: Option<String>,
    pub billing_listen: Option<String>,
    pub notifier_listen: Option<String>,
    pub identity_url: Option<String>,
    pub portal_url: Option<String>,
    pub documents_url: Option<String>,
    pub billing_url: Option<String>,
    pub notifier_url: Option<String>,
    pub service_token: Option<SecretString>,
    pub jwt_secret: Option<SecretString>,
    pub platform_token: Option<SecretString>,
    pub bootstrap_org: Option<String>,
    pub bootstrap_email: Option<String>,
    pub bootstrap_password: Option<SecretString>,
    pub trusted_proxies: Option<String>,
    pub session_idle_secs: Option<u64>,
    pub session_absolute_secs: Option<u64>,
    pub share_link_ttl_secs: Option<u64>,
    pub rate_limit_login_account: Option<String>,
    pub rate_limit_login_address: Option<String>,
    pub rate_limit_recovery_account: Option<String>,
    pub rate_limit_public_address: Option<String>,
    pub log_format: Option<String>,
    pub http_header_timeout_secs: Option<u64>,
    pub http_idle_timeout_secs: Option<u64>,
    pub max_connections: Option<usize>,
    pub storage_url: Option<String>,
    pub upload_max_bytes: Option<u64>,
    pub image_max_pixels: Option<u64>,
}

impl Env {
    /// Reads every `ATRIUM_*` variable of the process environment.
    pub fn from_process() -> anyhow::Result<Env> {
        from_env("ATRIUM_")
    }
}

/// Reads a flat config struct from the process environment under `prefix`.
pub fn from_env<T: serde::de::DeserializeOwned>(prefix: &str) -> anyhow::Result<T> {
    envy::prefixed(prefix)
        .from_env::<T>()
        .with_context(|| format!("reading {prefix}* environment variables"))
}

/// Where the SQL lives.
#[derive(Debug, Clone)]
pub enum DatabaseTarget {
    /// One SQLite file per service in this directory.
    Sqlite { dir: PathBuf },
    /// One PostgreSQL database, one schema per service.
    Postgres { url: SecretString },
}

/// Where one service listens and where its callers reach it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub listen: SocketAddr,
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct Bootstrap {
    pub org: String,
    pub email: String,
    pub password: SecretString,
}

#[derive(Debug, Clone)]
pub struct RateLimits {
    pub login_account: RateLimit,
    pub login_address: RateLimit,
    pub recovery_account: RateLimit,
    pub public_address: RateLimit,
}

/// The resolved configuration every process of Atrium runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub public_url: String,
    pub data_dir: PathBuf,
    pub database: DatabaseTarget,
    /// PostgreSQL connections each service may hold at once.
    pub database_pool_size: u32,
    pub redis_url: Option<SecretString>,
    pub smtp_url: Option<SecretString>,
    pub mail_from: String,
    pub identity: Endpoint,
    pub portal: Endpoint,
    pub documents: Endpoint,
    pub billing: Endpoint,
    pub notifier: Endpoint,
    pub service_token: SecretString,
    pub jwt_secret: SecretString,
    pub platform_token: Option<SecretString>,
    pub bootstrap: Option<Bootstrap>,
    pub trusted_proxies: Vec<IpNet>,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// How long a share link opens its document (design/links.md).
    pub share_link_ttl: Duration,
    pub rate_limits: RateLimits,
    pub http: HttpLimits,
    pub log_json: bool,
    pub storage: StorageSettings,
    /// Set by the all-in-one process: its services, which its clients call directly.
    pub in_process: Option<crate::in_process::InProcessLink>,
}

impl Settings {
    /// Resolves the environment, creating the data dir and any generated secret in it.
    pub fn resolve(env: Env) -> anyhow::Result<Settings> {
        let listen = parse_addr("ATRIUM_LISTEN", env.listen.as_deref(), default_addr(8080))?;
        let public_url = match env.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => default_public_url(listen),
        };
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("ATRIUM_PUBLIC_URL must start with http:// or https://");
        }
        let data_dir = env.data_dir.unwrap_or_else(|| PathBuf::from("./data"));
        std::fs::create_dir_all(&data_dir)
            .with_context(|| format!("creating the data dir {}", data_dir.display()))?;
        let database = match env.database_url {
            Some(url) => {
                let scheme_ok = secrecy::ExposeSecret::expose_secret(&url).starts_with("postgres");
                if !scheme_ok {
                    bail!("ATRIUM_DATABASE_URL must be a postgres:// URL (unset it for SQLite)");
                }
                DatabaseTarget::Postgres { url }
            }
            None => DatabaseTarget::Sqlite {
                dir: data_dir.clone(),
            },
        };
        let endpoint = |name: ServiceName, listen: Option<String>, url: Option<String>| {
            let var = format!("ATRIUM_{}_LISTEN", name.as_str().to_uppercase());
            let listen = parse_addr(&var, listen.as_deref(), default_addr(name.default_port()))?;
            let url = url.unwrap_or_else(|| format!("http://{}", connectable(listen)));
            anyhow::Ok(Endpoint { listen, url })
        };
        let rate = |var: &str, value: Option<String>, default: &str| {
            RateLimit::parse(value.as_deref().unwrap_or(default))
                .with_context(|| format!("{var} must look like 10/15m"))
        };
        let trusted_proxies = trusted_proxies(env.trusted_proxies.as_deref())?;
        let bootstrap = bootstrap(
            env.bootstrap_org,
            env.bootstrap_email,
            env.bootstrap_password,
        )?;
        let log_json = match env.log_format.as_deref() {
            None | Some("pretty") => false,
            Some("json") => true,
            Some(_) => bail!("ATRIUM_LOG_FORMAT must be pretty or json"),
        };
        let storage = StorageSettings::resolve(
            env.storage_url,
            env.upload_max_bytes,
            env.image_max_pixels,
            &data_dir,
        )?;
        Ok(Settings {
            storage,
            listen,
            public_url,
            database,
            redis_url: env.redis_url,
            smtp_url: env.smtp_url,
            mail_from: env
                .mail_from
                .unwrap_or_else(|| "Atrium <no-reply@localhost>".into()),
            identity: endpoint(ServiceName::Identity, env.identity_listen, env.identity_url)?,
            portal: endpoint(ServiceName::Portal, env.portal_listen, env.portal_url)?,
            documents: endpoint(
                ServiceName::Documents,
                env.documents_listen,
                env.documents_url,
            )?,
            billing: endpoint(ServiceName::Billing, env.billing_listen, env.billing_url)?,
            notifier: endpoint(ServiceName::Notifier, env.notifier_listen, env.notifier_url)?,
            service_token: match env.service_token {
                Some(token) => long_enough("ATRIUM_SERVICE_TOKEN", token)?,
                None => secrets::load_or_generate(&data_dir, "service-token")?,
            },
            jwt_secret: match env.jwt_secret {
                Some(secret) => long_enough("ATRIUM_JWT_SECRET", secret)?,
                None => secrets::load_or_generate(&data_dir, "jwt-secret")?,
            },
            platform_token: env
                .platform_token
                .map(|token| long_enough("ATRIUM_PLATFORM_TOKEN", token))
                .transpose()?,
            bootstrap,
            trusted_proxies,
            session_idle: Duration::from_secs(env.session_idle_secs.unwrap_or(1800)),
            session_absolute: Duration::from_secs(env.session_absolute_secs.unwrap_or(43_200)),
            share_link_ttl: Duration::from_secs(env.share_link_ttl_secs.unwrap_or(86_400)),
            rate_limits: RateLimits {
                login_account: rate(
                    "ATRIUM_RATE_LIMIT_LOGIN_ACCOUNT",
                    env.rate_limit_login_account,
                    "10/15m",
                )?,
                login_address: rate(
                    "ATRIUM_RATE_LIMIT_LOGIN_ADDRESS",
                    env.rate_limit_login_address,
                    "30/1m",
                )?,
                recovery_account: rate(
                    "ATRIUM_RATE_LIMIT_RECOVERY_ACCOUNT",
                    env.rate_limit_recovery_account,
                    "3/1h",
                )?,
                public_address: rate(
                    "ATRIUM_RATE_LIMIT_PUBLIC_ADDRESS",
                    env.rate_limit_public_address,
                    "60/1m",
                )?,
            },
            http: http_limits(
                env.http_header_timeout_secs,
                env.http_idle_timeout_secs,
                env.max_connections,
            )?,
            log_json,
            database_pool_size: pool_size(env.database_pool_size)?,
            in_process: None,
            data_dir,
        })
    }

    /// Reads and resolves the process environment.
    pub fn from_process() -> anyhow::Result<Settings> {
        Settings::resolve(Env::from_process()?)
    }

    pub fn endpoint(&self, name: ServiceName) -> &Endpoint {
        match name {
            ServiceName::Identity => &self.identity,
            ServiceName::Portal => &self.portal,
            ServiceName::Documents => &self.documents,
            ServiceName::Billing => &self.billing,
            ServiceName::Notifier => &self.notifier,
        }
    }

    pub fn endpoint_mut(&mut self, name: ServiceName) -> &mut Endpoint {
        match name {
            ServiceName::Identity => &mut self.identity,
            ServiceName::Portal => &mut self.portal,
            ServiceName::Documents => &mut self.documents,
            ServiceName::Billing => &mut self.billing,
            ServiceName::Notifier => &mut self.notifier,
        }
    }
}

#[cfg(test)]
mod tests;
