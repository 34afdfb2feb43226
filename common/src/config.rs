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
    pub rate_limit_login_account: Option<String>,
    pub rate_limit_login_address: Option<String>,
    pub rate_limit_recovery_account: Option<String>,
    pub rate_limit_public_address: Option<String>,
    pub log_format: Option<String>,
    pub http_header_timeout_secs: Option<u64>,
    pub http_idle_timeout_secs: Option<u64>,
    pub max_connections: Option<usize>,
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

/// How the gateway treats slow and idle clients (DESIGN.md, Reliability: under faults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// A connection must send a whole request head within this long.
    pub header_timeout: Duration,
    /// A keep-alive connection with nothing in flight is closed after this long.
    pub idle_timeout: Duration,
    /// Open connections at most; at the cap the longest-idle one makes room.
    pub max_connections: usize,
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
    pub rate_limits: RateLimits,
    pub http: HttpLimits,
    pub log_json: bool,
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
        let trusted_proxies = env
            .trusted_proxies
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(parse_cidr)
            .collect::<anyhow::Result<Vec<_>>>()?;
        let bootstrap = match (
            env.bootstrap_org,
            env.bootstrap_email,
            env.bootstrap_password,
        ) {
            (None, None, None) => None,
            (Some(org), Some(email), Some(password)) => Some(Bootstrap {
                org,
                email,
                password,
            }),
            _ => bail!(
                "ATRIUM_BOOTSTRAP_ORG, ATRIUM_BOOTSTRAP_EMAIL and ATRIUM_BOOTSTRAP_PASSWORD go together"
            ),
        };
        let log_json = match env.log_format.as_deref() {
            None | Some("pretty") => false,
            Some("json") => true,
            Some(_) => bail!("ATRIUM_LOG_FORMAT must be pretty or json"),
        };
        Ok(Settings {
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

fn http_limits(
    header_secs: Option<u64>,
    idle_secs: Option<u64>,
    max_connections: Option<usize>,
) -> anyhow::Result<HttpLimits> {
    let header_secs = header_secs.unwrap_or(10);
    let idle_secs = idle_secs.unwrap_or(60);
    if header_secs == 0 || idle_secs == 0 {
        bail!("ATRIUM_HTTP_HEADER_TIMEOUT_SECS and ATRIUM_HTTP_IDLE_TIMEOUT_SECS must be positive");
    }
    let max_connections = match max_connections {
        Some(0) => bail!("ATRIUM_MAX_CONNECTIONS must be positive"),
        Some(count) => count,
        None => default_max_connections(open_files_limit()),
    };
    Ok(HttpLimits {
        header_timeout: Duration::from_secs(header_secs),
        idle_timeout: Duration::from_secs(idle_secs),
        max_connections,
    })
}

/// The connection cap below a file limit: a quarter of it (at most 256 files) stays for
/// databases, Redis, SMTP, service calls and logs, so the cap is reached before `accept`
/// fails for want of a file.
pub fn default_max_connections(open_files: u64) -> usize {
    let reserve = (open_files / 4).min(256);
    usize::try_from(open_files - reserve)
        .unwrap_or(usize::MAX)
        .max(16)
}

/// The process's soft limit on open files, from `/proc/self/limits` (1024, the common
/// default, where that cannot be read).
pub fn open_files_limit() -> u64 {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            limits
                .lines()
                .find(|line| line.starts_with("Max open files"))
                .and_then(|line| line.split_whitespace().nth(3))
                .and_then(|soft| soft.parse().ok())
        })
        .unwrap_or(1024)
}

/// Secrets shorter than this are refused: an empty or guessable token must not open a door.
pub const MIN_SECRET_BYTES: usize = 32;

fn long_enough(var: &str, secret: SecretString) -> anyhow::Result<SecretString> {
    if secrecy::ExposeSecret::expose_secret(&secret).len() < MIN_SECRET_BYTES {
        bail!("{var} must be at least {MIN_SECRET_BYTES} bytes (try: openssl rand -base64 32)");
    }
    Ok(secret)
}

fn default_addr(port: u16) -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)
}

fn parse_addr(var: &str, value: Option<&str>, default: SocketAddr) -> anyhow::Result<SocketAddr> {
    match value {
        None => Ok(default),
        Some(text) => text
            .parse()
            .with_context(|| format!("{var} must be host:port, like 127.0.0.1:8080")),
    }
}

fn parse_cidr(text: &str) -> anyhow::Result<IpNet> {
    if let Ok(net) = text.parse::<IpNet>() {
        return Ok(net);
    }
    let addr: IpAddr = text
        .parse()
        .with_context(|| format!("ATRIUM_TRUSTED_PROXIES: {text:?} is not a CIDR or address"))?;
    Ok(IpNet::from(addr))
}

/// Returns an address a client can dial: `0.0.0.0` and `::` become loopback.
pub fn connectable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => default_addr(addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

fn default_public_url(listen: SocketAddr) -> String {
    if listen.ip().is_unspecified() || listen.ip().is_loopback() {
        format!("http://localhost:{}", listen.port())
    } else {
        format!("http://{listen}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_cap_stays_below_the_file_limit() {
        assert_eq!(default_max_connections(1024), 768);
        assert_eq!(default_max_connections(65_536), 65_280);
        assert_eq!(default_max_connections(40), 30);
    }

    fn resolve(env: Env) -> anyhow::Result<Settings> {
        let dir = tempfile::tempdir().unwrap();
        Settings::resolve(Env {
            data_dir: Some(dir.path().to_owned()),
            ..env
        })
    }

    #[test]
    fn defaults_need_no_configuration() {
        let settings = resolve(Env::default()).unwrap();
        assert_eq!(settings.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.public_url, "http://localhost:8080");
        assert_eq!(settings.identity.url, "http://127.0.0.1:50051");
        assert_eq!(settings.notifier.listen.port(), 50055);
        assert!(matches!(settings.database, DatabaseTarget::Sqlite { .. }));
        assert_eq!(settings.session_idle, Duration::from_secs(1800));
        assert_eq!(settings.rate_limits.login_account.count, 10);
    }

    #[test]
    fn a_bad_address_names_its_variable() {
        let err = resolve(Env {
            portal_listen: Some("nope".into()),
            ..Env::default()
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("ATRIUM_PORTAL_LISTEN"));
    }

    #[test]
    fn short_secrets_are_refused() {
        let env = Env {
            service_token: Some(SecretString::from("")),
            ..Env::default()
        };
        assert!(format!("{:#}", resolve(env).unwrap_err()).contains("ATRIUM_SERVICE_TOKEN"));
        let env = Env {
            platform_token: Some(SecretString::from("short")),
            ..Env::default()
        };
        assert!(resolve(env).is_err());
    }

    #[test]
    fn a_partial_bootstrap_is_refused() {
        let env = Env {
            bootstrap_org: Some("acme".into()),
            ..Env::default()
        };
        assert!(resolve(env).is_err());
    }

    #[test]
    fn trusted_proxies_take_cidrs_and_plain_addresses() {
        let env = Env {
            trusted_proxies: Some("10.0.0.0/8, 127.0.0.1".into()),
            ..Env::default()
        };
        let settings = resolve(env).unwrap();
        assert_eq!(settings.trusted_proxies.len(), 2);
        assert!(settings.trusted_proxies[1].contains(&"127.0.0.1".parse::<IpAddr>().unwrap()));
    }

    #[test]
    fn an_unspecified_listen_address_is_dialled_on_loopback() {
        let env = Env {
            billing_listen: Some("0.0.0.0:6000".into()),
            ..Env::default()
        };
        let settings = resolve(env).unwrap();
        assert_eq!(settings.billing.url, "http://127.0.0.1:6000");
    }
}
