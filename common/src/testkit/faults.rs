//! The fault kit: real dependencies a test may break on loopback without touching the
//! machine's shared PostgreSQL and Redis. [`RedisServer`] is a private `redis-server` on
//! a free port that a test kills and restarts, with or without the snapshot it saved;
//! [`TcpProxy`] stands in front of a server (PostgreSQL) and can be cut and restored.
//!
//! A tool that is missing fails the test under `CI=true` and skips it elsewhere, saying
//! so in one line ([`missing`]).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Under `CI=true` a missing tool is an error; elsewhere the test says so and skips.
pub fn missing(what: &str) -> anyhow::Result<()> {
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        bail!("{what} is required under CI=true");
    }
    eprintln!("skipped: {what} is not available here");
    Ok(())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

/// A `redis-server` of the test's own, on a free port, keeping its files in a temp dir.
pub struct RedisServer {
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts one; `None` (after one line saying why) where `redis-server` is not
    /// installed, outside CI.
    pub async fn start() -> anyhow::Result<Option<RedisServer>> {
        let installed = std::process::Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !installed {
            missing("redis-server")?;
            return Ok(None);
        }
        let mut server = RedisServer {
            port: free_port()?,
            dir: tempfile::tempdir()?,
            child: None,
        };
        server.launch().await?;
        Ok(Some(server))
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn snapshot(&self) -> PathBuf {
        self.dir.path().join("dump.rdb")
    }

    async fn launch(&mut self) -> anyhow::Result<()> {
        // No automatic snapshots: only an explicit SAVE writes one, and a start loads it.
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--dbfilename",
                "dump.rdb",
            ])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting redis-server")?;
        self.child = Some(child);
        for _ in 0..100 {
            if self.ping().await.is_ok() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("redis-server on port {} does not answer", self.port)
    }

    async fn connection(&self) -> anyhow::Result<redis::aio::MultiplexedConnection> {
        let client = redis::Client::open(self.url())?;
        Ok(client.get_multiplexed_async_connection().await?)
    }

    async fn ping(&self) -> anyhow::Result<()> {
        let mut connection = self.connection().await?;
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await?;
        Ok(())
    }

    /// Writes a snapshot now (`SAVE`); a restart `from_snapshot` comes back to it.
    pub async fn save(&self) -> anyhow::Result<()> {
        let mut connection = self.connection().await?;
        redis::cmd("SAVE")
            .query_async::<()>(&mut connection)
            .await?;
        Ok(())
    }

    /// Kills the server (SIGKILL: nothing is saved) and waits for it to be gone.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill().await.context("killing redis-server")?;
        }
        Ok(())
    }

    /// Starts it again on the same port: with the last saved snapshot, or empty.
    pub async fn restart(&mut self, from_snapshot: bool) -> anyhow::Result<()> {
        self.kill().await?;
        if !from_snapshot {
            match std::fs::remove_file(self.snapshot()) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err.into()),
                _ => {}
            }
        }
        self.launch().await
    }
}

/// A TCP forwarder in front of `target` that a test can cut (every connection through it
/// is closed and the port refuses new ones, as a server that went away does) and restore.
pub struct TcpProxy {
    addr: SocketAddr,
    target: String,
    /// Bumped on every cut: connections forwarded before it end.
    cuts: Arc<watch::Sender<u64>>,
    accept_task: Mutex<Option<JoinHandle<()>>>,
}

impl TcpProxy {
    pub async fn start(target: &str) -> anyhow::Result<TcpProxy> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let proxy = TcpProxy {
            addr: listener.local_addr()?,
            target: target.to_owned(),
            cuts: Arc::new(watch::Sender::new(0)),
            accept_task: Mutex::new(None),
        };
        proxy.serve(listener);
        Ok(proxy)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn serve(&self, listener: TcpListener) {
        let (target, cuts) = (self.target.clone(), self.cuts.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let target = target.clone();
                let mut cut = cuts.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&target).await else {
                        return;
                    };
                    let _ = client.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        *self.accept_task.lock().expect("proxy lock") = Some(task);
    }

    /// Closes every connection through the proxy and stops listening.
    pub async fn cut(&self) {
        let task = self.accept_task.lock().expect("proxy lock").take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
        self.cuts.send_modify(|cuts| *cuts += 1);
    }

    /// Listens again on the same port.
    pub async fn restore(&self) -> anyhow::Result<()> {
        for _ in 0..100 {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => {
                    self.serve(listener);
                    return Ok(());
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        bail!("cannot listen on {} again", self.addr)
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        if let Some(task) = self.accept_task.lock().expect("proxy lock").take() {
            task.abort();
        }
        self.cuts.send_modify(|cuts| *cuts += 1);
    }
}
