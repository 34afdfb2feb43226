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

/// One message the server answered with 250 at the end of DATA, to a client that was
/// still there to read it (a client that hung up during a slow reply gets no 250).
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The reverse path from `MAIL FROM`, without the angle brackets.
    pub mail_from: String,
    /// The forward paths from every `RCPT TO`, in order, without the angle brackets.
    pub rcpt_to: Vec<String>,
    /// The raw DATA: dot-unstuffed, CRLF line endings, final `"\r\n.\r\n"` removed.
    pub data: String,
    /// When its 250 was written back to the client.
    pub accepted_at: std::time::Instant,
}

impl ReceivedMail {
    /// The first header called `name` (case-insensitive), with folded continuation
    /// lines joined by a single space and surrounding whitespace trimmed.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = split_message(&self.data);
        let mut found: Option<String> = None;
        for line in head.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some(value) = found.as_mut() {
                    if !value.is_empty() {
                        value.push(' ');
                    }
                    value.push_str(line.trim());
                }
                continue;
            }
            if found.is_some() {
                break;
            }
            if let Some((field, value)) = line.split_once(':')
                && field.trim_end().eq_ignore_ascii_case(name)
            {
                found = Some(value.trim().to_owned());
            }
        }
        found
    }

    /// Everything after the first empty line of the message.
    pub fn body(&self) -> &str {
        split_message(&self.data).1
    }

    /// The decoded `text/plain` and `text/html` parts (empty when absent).
    pub fn parts(&self) -> (String, String) {
        let Ok(parsed) = mailparse::parse_mail(self.data.as_bytes()) else {
            return (String::new(), String::new());
        };
        let mut text = String::new();
        let mut html = String::new();
        for part in parsed.parts() {
            match part.ctype.mimetype.as_str() {
                "text/plain" => text = part.get_body().unwrap_or_default(),
                "text/html" => html = part.get_body().unwrap_or_default(),
                _ => {}
            }
        }
        (text, html)
    }

    /// A header decoded (RFC 2047 words included), or empty.
    pub fn decoded_header(&self, name: &str) -> String {
        use mailparse::MailHeaderMap;
        mailparse::parse_mail(self.data.as_bytes())
            .map(|parsed| parsed.headers.get_first_value(name).unwrap_or_default())
            .unwrap_or_default()
    }
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

/// Splits a message at its first empty line into the header block and the body.
fn split_message(data: &str) -> (&str, &str) {
    let mut offset = 0;
    for line in data.split_inclusive('\n') {
        if line.trim_end_matches(['\r', '\n']).is_empty() {
            return (&data[..offset], &data[offset + line.len()..]);
        }
        offset += line.len();
    }
    (data, "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    struct Client {
        stream: BufReader<TcpStream>,
    }

    impl Client {
        async fn connect(addr: SocketAddr) -> Client {
            let stream = TcpStream::connect(addr)
                .await
                .expect("connect to smtp test server");
            let mut client = Client {
                stream: BufReader::new(stream),
            };
            client.expect_reply("220").await;
            client
        }

        async fn send(&mut self, text: &str) {
            self.stream
                .get_mut()
                .write_all(text.as_bytes())
                .await
                .expect("write to smtp test server");
        }

        /// Reads one (possibly multi-line) reply, asserting its code, and returns it whole.
        async fn expect_reply(&mut self, code: &str) -> String {
            let mut reply = String::new();
            loop {
                let mut line = String::new();
                let read = self
                    .stream
                    .read_line(&mut line)
                    .await
                    .expect("read smtp reply");
                assert!(read > 0, "connection closed while waiting for {code}");
                assert!(line.starts_with(code), "expected {code}, got {line:?}");
                reply.push_str(&line);
                if line.as_bytes().get(3) == Some(&b' ') {
                    return reply;
                }
            }
        }

        async fn command(&mut self, command: &str, code: &str) -> String {
            self.send(&format!("{command}\r\n")).await;
            self.expect_reply(code).await
        }

        async fn send_simple_message(&mut self, final_code: &str) {
            self.command("HELO client.test", "250").await;
            self.command("MAIL FROM:<alice@example.test>", "250").await;
            self.command("RCPT TO:<bob@example.test>", "250").await;
            self.command("DATA", "354").await;
            self.send("Subject: hello\r\n\r\nhi bob\r\n.\r\n").await;
            self.expect_reply(final_code).await;
        }
    }

    #[tokio::test]
    async fn captures_dot_stuffed_message_with_folded_header() {
        let server = SmtpServer::start().await.expect("start smtp test server");
        assert_eq!(
            server.url(),
            format!("smtp://127.0.0.1:{}", server.addr().port())
        );

        let mut client = Client::connect(server.addr()).await;
        let ehlo = client.command("ehlo client.test", "250").await;
        assert!(ehlo.contains("8BITMIME"), "ehlo reply: {ehlo:?}");
        assert!(!ehlo.contains("STARTTLS"), "ehlo reply: {ehlo:?}");
        assert!(!ehlo.contains("AUTH"), "ehlo reply: {ehlo:?}");
        client
            .command(
                "mail from:<alice@example.test> BODY=8BITMIME SMTPUTF8",
                "250",
            )
            .await;
        client.command("RCPT TO:<bob@example.test>", "250").await;
        client.command("rcpt to:<carol@example.test>", "250").await;
        client.command("DATA", "354").await;
        client
            .send(concat!(
                "Subject: a folded\r\n",
                "  subject line\r\n",
                "From: Alice <alice@example.test>\r\n",
                "\r\n",
                "first line\r\n",
                "..starts with a dot\r\n",
                ".\r\n",
            ))
            .await;
        client.expect_reply("250").await;
        client.command("QUIT", "221").await;

        let messages = server
            .wait_for_messages(1, Duration::from_secs(5))
            .await
            .expect("message captured");
        let [mail] = messages.as_slice() else {
            panic!("expected one message, got {}", messages.len());
        };
        assert_eq!(mail.mail_from, "alice@example.test");
        assert_eq!(mail.rcpt_to, ["bob@example.test", "carol@example.test"]);
        assert_eq!(
            mail.header("subject").as_deref(),
            Some("a folded subject line")
        );
        assert_eq!(
            mail.header("FROM").as_deref(),
            Some("Alice <alice@example.test>")
        );
        assert_eq!(mail.header("x-missing"), None);
        assert_eq!(mail.body(), "first line\r\n.starts with a dot");
    }

    #[tokio::test]
    async fn perm_fail_captures_nothing_and_restart_reuses_port() {
        let server = SmtpServer::start().await.expect("start smtp test server");
        let addr = server.addr();
        server.set_reply(Reply::PermFail);

        let mut client = Client::connect(addr).await;
        client.send_simple_message("550").await;
        client.command("QUIT", "221").await;
        assert!(server.messages().is_empty());
        let error = server
            .wait_for_messages(1, Duration::from_millis(100))
            .await
            .expect_err("a rejected message must not be captured");
        assert!(
            error.to_string().contains("only 0 arrived"),
            "unexpected error: {error}"
        );

        let mut idle = Client::connect(addr).await;
        server.stop().await;
        assert!(
            TcpStream::connect(addr).await.is_err(),
            "connecting after stop should fail"
        );
        let mut buf = [0_u8; 16];
        let read = tokio::time::timeout(Duration::from_secs(5), idle.stream.read(&mut buf))
            .await
            .expect("stop should drop open connections");
        assert!(
            matches!(read, Ok(0) | Err(_)),
            "unexpected read after stop: {read:?}"
        );

        server.restart().await.expect("restart smtp test server");
        assert_eq!(server.addr(), addr);
        server.set_reply(Reply::Accept);
        let mut client = Client::connect(addr).await;
        client.send_simple_message("250").await;
        client.command("QUIT", "221").await;
        assert_eq!(server.messages().len(), 1);
    }
}
