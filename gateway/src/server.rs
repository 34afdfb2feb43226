//! The gateway's HTTP/1.1 server: hyper's connection driver under three rules of
//! DESIGN.md's "Slow or idle clients". A connection must send a whole request head within
//! the header timeout (its first, and each next one once its first byte arrives); a
//! keep-alive connection with nothing in flight is closed after the idle timeout; and at
//! most `max_connections` are open, kept below the file limit: at the cap, the connection
//! idle the longest is closed to make room for the new one, so silent clients can never
//! keep `/healthz` or sign-in from answering.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use atrium_common::config::HttpLimits;
use atrium_common::shutdown::Shutdown;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use bytes::Bytes;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Milliseconds since the first connection of the process: times kept in atomics.
fn now_ms() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u64
}

/// What the server knows of one open connection.
struct Connection {
    /// Requests whose answers are not yet fully written.
    in_flight: AtomicUsize,
    /// When the connection last read or wrote anything, or finished an answer.
    last_activity: AtomicU64,
    /// When the first byte of a request head arrived with nothing in flight; 0: none.
    head_started: AtomicU64,
    opened: u64,
    served_one: AtomicBool,
    /// Told to close: the cap needed its place.
    evicted: Notify,
    /// A head began: the watchdog looks at the header timeout again.
    head_began: Notify,
}

impl Connection {
    fn new() -> Connection {
        let now = now_ms();
        Connection {
            in_flight: AtomicUsize::new(0),
            last_activity: AtomicU64::new(now),
            head_started: AtomicU64::new(0),
            opened: now,
            served_one: AtomicBool::new(false),
            evicted: Notify::new(),
            head_began: Notify::new(),
        }
    }

    fn is_idle(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst) == 0
    }

    /// When this connection is due to be closed if nothing changes, in `now_ms` time.
    fn deadline(&self, limits: &HttpLimits) -> u64 {
        let header = limits.header_timeout.as_millis() as u64;
        let idle = limits.idle_timeout.as_millis() as u64;
        let last_activity = self.last_activity.load(Ordering::SeqCst);
        if !self.is_idle() {
            // An answer under way that moves no byte for the idle timeout (a client that
            // trickles its body, or stops reading) is given up too.
            return last_activity + idle;
        }
        if !self.served_one.load(Ordering::SeqCst) {
            // The first head is due within the header timeout of the connection itself.
            return self.opened + header;
        }
        match self.head_started.load(Ordering::SeqCst) {
            0 => last_activity + idle,
            started => started + header,
        }
    }

    fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        self.head_started.store(0, Ordering::SeqCst);
        self.served_one.store(true, Ordering::SeqCst);
        InFlight(self.clone())
    }
}

/// One request in flight; dropped when its answer has been written (or abandoned).
struct InFlight(Arc<Connection>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.last_activity.store(now_ms(), Ordering::SeqCst);
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The open connections, for the cap.
#[derive(Default)]
struct Registry {
    open: Mutex<HashMap<u64, Arc<Connection>>>,
    next_id: AtomicU64,
}

impl Registry {
    /// Registers a new connection, closing the longest-idle one first when at the cap;
    /// `None` (refuse it) when every open connection is busy.
    fn admit(&self, cap: usize) -> Option<(u64, Arc<Connection>)> {
        let mut open = self.open.lock().expect("registry lock");
        if open.len() >= cap {
            let idlest = open
                .iter()
                .filter(|(_, c)| c.is_idle())
                .min_by_key(|(_, c)| c.last_activity.load(Ordering::SeqCst))
                .map(|(id, _)| *id)?;
            if let Some(evicted) = open.remove(&idlest) {
                evicted.evicted.notify_one();
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let connection = Arc::new(Connection::new());
        open.insert(id, connection.clone());
        Some((id, connection))
    }
}

/// Takes a connection off the registry when its task ends, however it ends.
struct Registered {
    registry: Arc<Registry>,
    id: u64,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.registry
            .open
            .lock()
            .expect("registry lock")
            .remove(&self.id);
    }
}

/// How long a shutdown waits for connections to finish before closing them.
const DRAIN_FOR: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` until `shutdown`, then drains: connections finish their
/// answers under way and close.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: HttpLimits,
    shutdown: Shutdown,
) -> std::io::Result<()> {
    let registry = Arc::new(Registry::default());
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.wait() => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(err) => {
                // Out of files or similar: the cap should prevent it; do not spin.
                tracing::warn!(error = %err, "accepting a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        let Some((id, connection)) = registry.admit(limits.max_connections) else {
            tracing::warn!(%peer, "every connection is busy: refusing one");
            continue;
        };
        if let Err(err) = stream.set_nodelay(true) {
            tracing::debug!(error = %err, "cannot set TCP_NODELAY");
        }
        let registered = Registered {
            registry: registry.clone(),
            id,
        };
        let (app, shutdown) = (app.clone(), shutdown.clone());
        connections.spawn(async move {
            let _registered = registered;
            serve_connection(stream, peer, app, connection, limits, shutdown).await;
        });
    }
    let drained = tokio::time::timeout(DRAIN_FOR, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = connections.len(),
            "closing connections still open after the drain"
        );
        connections.shutdown().await;
    }
    Ok(())
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    connection: Arc<Connection>,
    limits: HttpLimits,
    shutdown: Shutdown,
) {
    let io = TokioIo::new(Watched {
        inner: stream,
        connection: connection.clone(),
    });
    let tracked = connection.clone();
    let service = hyper::service::service_fn(move |mut request: http::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let in_flight = tracked.begin();
        let app = app.clone();
        async move {
            let response = app.oneshot(request).await?;
            Ok::<_, std::convert::Infallible>(response.map(|body| {
                Body::new(Answer {
                    body,
                    _in_flight: in_flight,
                })
            }))
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // The header timeout is ours (hyper's would also close idle keep-alive connections).
    builder.keep_alive(true).header_read_timeout(None);
    let driver = builder.serve_connection(io, service);
    tokio::pin!(driver);
    let mut draining = false;
    // One timer for the connection's life, moved to each new deadline.
    let due_in = |connection: &Connection| {
        tokio::time::Instant::now()
            + Duration::from_millis(connection.deadline(&limits).saturating_sub(now_ms()))
    };
    let timer = tokio::time::sleep_until(due_in(&connection));
    tokio::pin!(timer);
    loop {
        tokio::select! {
            result = driver.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(error = %err, %peer, "http connection ended");
                }
                return;
            }
            () = timer.as_mut() => {
                if connection.deadline(&limits) <= now_ms() {
                    tracing::debug!(%peer, "closing a slow or idle connection");
                    return;
                }
                timer.as_mut().reset(due_in(&connection));
            }
            () = connection.head_began.notified() => {
                let due = due_in(&connection);
                if due < timer.deadline() {
                    timer.as_mut().reset(due);
                }
            }
            _ = connection.evicted.notified() => {
                if connection.is_idle() {
                    tracing::debug!(%peer, "closing an idle connection to make room");
                    return;
                }
                // A request arrived as it was picked: let it finish, then close.
                if !draining {
                    draining = true;
                    driver.as_mut().graceful_shutdown();
                }
            }
            _ = shutdown.wait(), if !draining => {
                draining = true;
                driver.as_mut().graceful_shutdown();
            }
        }
    }
}

/// An answer's body, holding its request's place in flight until written.
struct Answer {
    body: Body,
    _in_flight: InFlight,
}

impl http_body::Body for Answer {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// The socket, noting when bytes move: the first byte of a head starts its timeout.
struct Watched {
    inner: TcpStream,
    connection: Arc<Connection>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            let now = now_ms();
            let connection = &self.connection;
            connection.last_activity.store(now, Ordering::SeqCst);
            if connection.is_idle()
                && connection
                    .head_started
                    .compare_exchange(0, now, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
            {
                connection.head_began.notify_one();
            }
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.connection
                .last_activity
                .store(now_ms(), Ordering::SeqCst);
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.connection
                .last_activity
                .store(now_ms(), Ordering::SeqCst);
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests;
