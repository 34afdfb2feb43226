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
