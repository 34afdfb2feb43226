//! Reading the values of the environment: addresses, networks, secrets, the HTTP limits
//! and the defaults derived from the machine.

use super::*;

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

pub(super) fn http_limits(
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

/// `ATRIUM_DATABASE_POOL_SIZE`: PostgreSQL connections per service, 10 unless set.
pub(super) fn pool_size(size: Option<u32>) -> anyhow::Result<u32> {
    match size {
        Some(0) => bail!("ATRIUM_DATABASE_POOL_SIZE must be positive"),
        Some(size) => Ok(size),
        None => Ok(crate::db::POOL_SIZE),
    }
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

pub(super) fn long_enough(var: &str, secret: SecretString) -> anyhow::Result<SecretString> {
    if secrecy::ExposeSecret::expose_secret(&secret).len() < MIN_SECRET_BYTES {
        bail!("{var} must be at least {MIN_SECRET_BYTES} bytes (try: openssl rand -base64 32)");
    }
    Ok(secret)
}

pub(super) fn default_addr(port: u16) -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)
}

pub(super) fn parse_addr(
    var: &str,
    value: Option<&str>,
    default: SocketAddr,
) -> anyhow::Result<SocketAddr> {
    match value {
        None => Ok(default),
        Some(text) => text
            .parse()
            .with_context(|| format!("{var} must be host:port, like 127.0.0.1:8080")),
    }
}

pub(super) fn parse_cidr(text: &str) -> anyhow::Result<IpNet> {
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

pub(super) fn default_public_url(listen: SocketAddr) -> String {
    if listen.ip().is_unspecified() || listen.ip().is_loopback() {
        format!("http://localhost:{}", listen.port())
    } else {
        format!("http://{listen}")
    }
}

/// `ATRIUM_TRUSTED_PROXIES`: comma-separated networks (none when unset).
pub(super) fn trusted_proxies(text: Option<&str>) -> anyhow::Result<Vec<IpNet>> {
    text.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_cidr)
        .collect()
}

/// The first organization to create on start: all three variables, or none.
pub(super) fn bootstrap(
    org: Option<String>,
    email: Option<String>,
    password: Option<SecretString>,
) -> anyhow::Result<Option<Bootstrap>> {
    match (org, email, password) {
        (None, None, None) => Ok(None),
        (Some(org), Some(email), Some(password)) => Ok(Some(Bootstrap {
            org,
            email,
            password,
        })),
        _ => bail!(
            "ATRIUM_BOOTSTRAP_ORG, ATRIUM_BOOTSTRAP_EMAIL and ATRIUM_BOOTSTRAP_PASSWORD go together"
        ),
    }
}
