//! The one Redis connection of a store, behind a breaker. A command that fails takes the
//! connection down; from then on every call answers at once (the caller falls back)
//! while one background task probes Redis, so no request pays a reconnect attempt. A
//! connection is never re-established under a caller: each new one gets a new id, so a
//! caller can tell that Redis may have lost or rolled back what it held (a restart, a
//! restore, a failover) since it last looked.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, FromRedisValue, RedisError};

use super::{ConnectionId, StoreUnavailable};

/// How long a connect or a command may take before Redis counts as down.
const REDIS_TIMEOUT: Duration = Duration::from_millis(500);
/// How often the breaker tries Redis again while it is down.
pub const PROBE_EVERY: Duration = Duration::from_millis(500);

pub(super) struct RedisLink {
    client: redis::Client,
    config: AsyncConnectionConfig,
    current: RwLock<Option<(ConnectionId, MultiplexedConnection)>>,
    next_id: AtomicU64,
    probing: AtomicBool,
}

impl RedisLink {
    /// A link to `client`, connected if Redis answers now, else probing in the background.
    pub(super) async fn open(client: redis::Client) -> Arc<RedisLink> {
        let link = Arc::new(RedisLink {
            client,
            config: AsyncConnectionConfig::new()
                .set_connection_timeout(Some(REDIS_TIMEOUT))
                .set_response_timeout(Some(REDIS_TIMEOUT)),
            current: RwLock::new(None),
            next_id: AtomicU64::new(1),
            probing: AtomicBool::new(false),
        });
        if let Err(err) = link.reconnect().await {
            tracing::warn!(error = %crate::error::error_chain(&err), "redis does not answer at start: running degraded until it does");
            link.start_probe();
        }
        link
    }

    /// The live connection's id, or `None` while the breaker is open.
    pub(super) fn connection_id(&self) -> Option<ConnectionId> {
        self.current
            .read()
            .expect("redis link lock")
            .as_ref()
            .map(|(id, _)| *id)
    }

    fn live(&self) -> Option<(ConnectionId, MultiplexedConnection)> {
        self.current.read().expect("redis link lock").clone()
    }

    /// Runs one command on the live connection; answers its result and the connection's id.
    pub(super) async fn command<T: FromRedisValue>(
        self: &Arc<Self>,
        command: &redis::Cmd,
    ) -> Result<(T, ConnectionId), StoreUnavailable> {
        let (id, mut connection) = self.live().ok_or(StoreUnavailable::Down)?;
        match command.query_async(&mut connection).await {
            Ok(value) => Ok((value, id)),
            Err(err) => Err(self.trip(id, err)),
        }
    }

    /// Runs a pipeline on the live connection; answers its result and the connection's id.
    pub(super) async fn pipeline<T: FromRedisValue>(
        self: &Arc<Self>,
        pipeline: &redis::Pipeline,
    ) -> Result<(T, ConnectionId), StoreUnavailable> {
        let (id, mut connection) = self.live().ok_or(StoreUnavailable::Down)?;
        match pipeline.query_async(&mut connection).await {
            Ok(value) => Ok((value, id)),
            Err(err) => Err(self.trip(id, err)),
        }
    }

    /// Takes connection `id` down (unless a newer one replaced it) and starts probing,
    /// when `err` says the connection or the server cannot serve; a refusal of the one
    /// command (a wrong type, out of memory) leaves the connection up.
    fn trip(self: &Arc<Self>, id: ConnectionId, err: RedisError) -> StoreUnavailable {
        if !cannot_serve(&err) {
            return StoreUnavailable::Failed(err);
        }
        let mut current = self.current.write().expect("redis link lock");
        if current.as_ref().is_some_and(|(live, _)| *live == id) {
            *current = None;
            tracing::warn!(error = %crate::error::error_chain(&err), "redis failed: degraded to per-process rate limits and database session checks");
        }
        drop(current);
        self.start_probe();
        StoreUnavailable::Failed(err)
    }

    fn start_probe(self: &Arc<Self>) {
        if self.probing.swap(true, Ordering::SeqCst) {
            return;
        }
        let link: Weak<RedisLink> = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROBE_EVERY).await;
                let Some(link) = link.upgrade() else { return };
                if link.reconnect().await.is_ok() {
                    tracing::info!("redis answers again");
                    return;
                }
            }
        });
    }

    /// Opens a new connection and makes it the live one once it answers a PING.
    async fn reconnect(&self) -> Result<(), RedisError> {
        let mut connection = self
            .client
            .get_multiplexed_async_connection_with_config(&self.config)
            .await?;
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await?;
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        // Probing ends before the connection is live: a failure on it starts a new probe.
        self.probing.store(false, Ordering::SeqCst);
        *self.current.write().expect("redis link lock") = Some((id, connection));
        Ok(())
    }
}

/// Whether an error means Redis (or the way to it) cannot serve now: the connection
/// broke or timed out, or the server is loading, a replica, or without its master.
fn cannot_serve(err: &RedisError) -> bool {
    use redis::{ErrorKind, ServerErrorKind};
    err.is_io_error()
        || err.is_timeout()
        || err.is_connection_dropped()
        || err.is_unrecoverable_error()
        || matches!(
            err.kind(),
            ErrorKind::Server(
                ServerErrorKind::BusyLoading
                    | ServerErrorKind::ReadOnly
                    | ServerErrorKind::MasterDown
                    | ServerErrorKind::ClusterDown
                    | ServerErrorKind::TryAgain
            )
        )
}
