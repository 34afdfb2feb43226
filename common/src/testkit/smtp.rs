//! A small SMTP server on loopback that captures mail for tests: it speaks just
//! enough ESMTP for a real client to deliver, records accepted messages, and can
//! be told to defer or reject at the end of DATA, stopped, and restarted on the same port.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::Context as _;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

mod mail;

pub use mail::ReceivedMail;

const EHLO_REPLY: &str = "250-atrium-test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760\r\n";
const OK_REPLY: &str = "250 ok\r\n";

/// How long `restart` keeps retrying to bind the old port while it is still in use.
const REBIND_TIMEOUT: Duration = Duration::from_secs(2);

/// An SMTP server bound to `127.0.0.1` that captures every accepted message.
pub struct SmtpServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_task: Mutex<Option<JoinHandle<()>>>,
    connections: Arc<Mutex<JoinSet<()>>>,
}

/// How the server answers the end of DATA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// `250 ok`; the message is captured.
    Accept,
    /// `451 4.3.0 try again later`; nothing is captured.
    TempFail,
    /// `550 5.7.1 rejected`; nothing is captured.
    PermFail,
    /// `250 ok` after this long at the end of DATA (a slow relay); the message is captured.
    AcceptAfter(std::time::Duration),
}

/// How long a slow relay listens for a hang-up before it answers 250.
const HANG_UP_GRACE: std::time::Duration = std::time::Duration::from_millis(50);

/// Whether the client has hung up, asked of the kernel itself: the runtime's cached
/// readiness can still say "nothing to read" for a peer that is gone.
fn hung_up(stream: &TcpStream) -> bool {
    let mut byte = [std::mem::MaybeUninit::<u8>::uninit()];
    match socket2::SockRef::from(stream).peek(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(err) => err.kind() != std::io::ErrorKind::WouldBlock,
    }
}

/// State shared between the handle and the connection tasks.
struct Shared {
    reply: Mutex<Reply>,
    messages: watch::Sender<Vec<ReceivedMail>>,
}

impl Shared {
    /// The reply to the end of DATA, and whether it accepts the message.
    fn finish_data(&self) -> (&'static str, bool) {
        match *lock(&self.reply) {
            Reply::Accept | Reply::AcceptAfter(_) => (OK_REPLY, true),
            Reply::TempFail => ("451 4.3.0 try again later\r\n", false),
            Reply::PermFail => ("550 5.7.1 rejected\r\n", false),
        }
    }

    fn capture(&self, mail: ReceivedMail) {
        tracing::debug!(from = %mail.mail_from, "smtp test server captured a message");
        self.messages.send_modify(|messages| messages.push(mail));
    }
}

impl SmtpServer {
    /// Binds `127.0.0.1:0` and starts serving.
    pub async fn start() -> anyhow::Result<SmtpServer> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .context("binding smtp test server")?;
        let addr = listener
            .local_addr()
            .context("reading smtp test server address")?;
        let server = SmtpServer {
            addr,
            shared: Arc::new(Shared {
                reply: Mutex::new(Reply::Accept),
                messages: watch::Sender::new(Vec::new()),
            }),
            accept_task: Mutex::new(None),
            connections: Arc::default(),
        };
        server.serve(listener);
        Ok(server)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server as an `smtp://127.0.0.1:<port>` url.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Sets how the server answers the end of DATA from now on.
    pub fn set_reply(&self, reply: Reply) {
        *lock(&self.shared.reply) = reply;
    }

    /// The messages accepted so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.shared.messages.borrow().to_vec()
    }

    /// Waits until at least `n` messages have been accepted and returns all of them.
    pub async fn wait_for_messages(
        &self,
        n: usize,
        timeout: Duration,
    ) -> anyhow::Result<Vec<ReceivedMail>> {
        let mut receiver = self.shared.messages.subscribe();
        let waited =
            tokio::time::timeout(timeout, receiver.wait_for(|messages| messages.len() >= n)).await;
        match waited {
            Ok(Ok(messages)) => Ok(messages.to_vec()),
            Ok(Err(_)) => anyhow::bail!("smtp test server state was dropped"),
            Err(_) => {
                let arrived = self.shared.messages.borrow().len();
                anyhow::bail!(
                    "timed out after {timeout:?} waiting for {n} smtp message(s): only {arrived} arrived"
                )
            }
        }
    }

    /// Closes the listener and drops every open connection; new connections are refused.
    pub async fn stop(&self) {
        let accept_task = lock(&self.accept_task).take();
        if let Some(task) = accept_task {
            task.abort();
            // Waiting for the cancelled task guarantees the listener has been dropped.
            let _ = task.await;
        }
        let mut connections = std::mem::take(&mut *lock(&self.connections));
        connections.shutdown().await;
    }

    /// Stops the server if it is running, then serves again on the same port.
    /// Captured messages are kept.
    pub async fn restart(&self) -> anyhow::Result<()> {
        self.stop().await;
        let deadline = Instant::now() + REBIND_TIMEOUT;
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(error)
                    if error.kind() == io::ErrorKind::AddrInUse && Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(error) => {
                    return Err(error)
                        .with_context(|| format!("rebinding smtp test server on {}", self.addr));
                }
            }
        };
        self.serve(listener);
        Ok(())
    }

    fn serve(&self, listener: TcpListener) {
        let task = tokio::spawn(accept_loop(
            listener,
            Arc::clone(&self.shared),
            Arc::clone(&self.connections),
        ));
        if let Some(previous) = lock(&self.accept_task).replace(task) {
            previous.abort();
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(task) = lock(&self.accept_task).take() {
            task.abort();
        }
        lock(&self.connections).abort_all();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    connections: Arc<Mutex<JoinSet<()>>>,
) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                spawn_connection(&connections, Arc::clone(&shared), stream, peer);
            }
            Err(error) => {
                tracing::warn!(%error, "smtp test server failed to accept a connection");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

fn spawn_connection(
    connections: &Mutex<JoinSet<()>>,
    shared: Arc<Shared>,
    stream: TcpStream,
    peer: SocketAddr,
) {
    let mut connections = lock(connections);
    // Reap finished connections so the set does not grow without bound.
    while connections.try_join_next().is_some() {}
    connections.spawn(async move {
        if let Err(error) = serve_connection(stream, &shared).await {
            tracing::debug!(%peer, %error, "smtp test connection failed");
        }
    });
}

async fn serve_connection(mut stream: TcpStream, shared: &Shared) -> anyhow::Result<()> {
    let (read_half, mut writer) = stream.split();
    let mut reader = BufReader::new(read_half);
    writer.write_all(b"220 atrium-test ESMTP\r\n").await?;

    let mut mail_from: Option<String> = None;
    let mut rcpt_to: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(strip_line_ending(&line));
        let (verb, args) = match text.split_once(' ') {
            Some((verb, args)) => (verb, args.trim()),
            None => (text.trim(), ""),
        };
        let response = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => EHLO_REPLY,
            "HELO" => "250 atrium-test\r\n",
            "MAIL" => match parse_path(args, "FROM:") {
                Some(address) => {
                    mail_from = Some(address.to_owned());
                    rcpt_to.clear();
                    OK_REPLY
                }
                None => "501 5.5.4 syntax: MAIL FROM:<address>\r\n",
            },
            "RCPT" if mail_from.is_none() => "503 5.5.1 need MAIL before RCPT\r\n",
            "RCPT" => match parse_path(args, "TO:") {
                Some(address) => {
                    rcpt_to.push(address.to_owned());
                    OK_REPLY
                }
                None => "501 5.5.4 syntax: RCPT TO:<address>\r\n",
            },
            "DATA" if mail_from.is_none() || rcpt_to.is_empty() => {
                "503 5.5.1 need MAIL and RCPT before DATA\r\n"
            }
            "DATA" => {
                writer
                    .write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let Some(data) = read_data(&mut reader).await? else {
                    return Ok(());
                };
                let reply = *lock(&shared.reply);
                if let Reply::AcceptAfter(delay) = reply {
                    tokio::time::sleep(delay).await;
                    // A client that died meanwhile never reads the 250: not delivered. A
                    // client waiting for the reply sends nothing, so the wait ends only on
                    // its hang-up; the wait gives a busy reactor time to see the hang-up
                    // (a single poll could miss it and capture a message nobody sent).
                    let hung_up = tokio::time::timeout(HANG_UP_GRACE, reader.fill_buf())
                        .await
                        .is_ok_and(|read| read.map_or(true, |bytes| bytes.is_empty()))
                        || reader.buffer().is_empty() && hung_up(reader.get_ref().as_ref());
                    if hung_up {
                        return Ok(());
                    }
                }
                let (response, accepted) = shared.finish_data();
                // Captured before the 250 goes out: a sender that has its 250 (and says
                // the mail is sent) finds it here.
                if accepted {
                    shared.capture(ReceivedMail {
                        mail_from: mail_from.take().unwrap_or_default(),
                        rcpt_to: std::mem::take(&mut rcpt_to),
                        data,
                        accepted_at: std::time::Instant::now(),
                    });
                }
                writer.write_all(response.as_bytes()).await?;
                mail_from = None;
                rcpt_to.clear();
                continue;
            }
            "RSET" => {
                mail_from = None;
                rcpt_to.clear();
                OK_REPLY
            }
            "NOOP" => OK_REPLY,
            "QUIT" => {
                writer.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 command not recognized\r\n",
        };
        writer.write_all(response.as_bytes()).await?;
    }
}

/// Reads DATA lines up to the lone `.`, undoing dot-stuffing and joining the lines
/// with CRLF. Returns `None` if the client hangs up first.
async fn read_data<R: AsyncBufRead + Unpin>(reader: &mut R) -> io::Result<Option<String>> {
    let mut data: Vec<u8> = Vec::new();
    let mut line = Vec::new();
    let mut first = true;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        let content = strip_line_ending(&line);
        if content == b"." {
            return Ok(Some(String::from_utf8_lossy(&data).into_owned()));
        }
        if !first {
            data.extend_from_slice(b"\r\n");
        }
        first = false;
        data.extend_from_slice(content.strip_prefix(b".").unwrap_or(content));
    }
}

/// Removes a trailing LF or CRLF.
fn strip_line_ending(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Extracts the address from `FROM:<address> [params]` or `TO:<address> [params]`.
fn parse_path<'a>(args: &'a str, keyword: &str) -> Option<&'a str> {
    let (head, rest) = args.split_at_checked(keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = rest.trim_start();
    match rest.strip_prefix('<') {
        Some(inner) => inner.split_once('>').map(|(address, _)| address),
        None => rest.split_whitespace().next(),
    }
}

#[cfg(test)]
mod tests;
