//! Slow and idle clients: a connection that has not sent a whole request head within the
//! header timeout is closed, an idle keep-alive one after the idle timeout, and under a
//! 1024 file limit 1,100 silent connections leave `/healthz` and sign-in answering.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::Binary;
use crate::support::app::TestApp;

/// Waits for the server to close `stream`; answers how long that took (`None`: still
/// open after `within`).
async fn closed_after(stream: &mut TcpStream, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0u8; 4096];
    loop {
        match tokio::time::timeout(
            within.saturating_sub(started.elapsed()),
            stream.read(&mut buffer),
        )
        .await
        {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue,
        }
    }
}

/// Whether this process may open `files` files, raising its own soft limit (with
/// util-linux's `prlimit`) where it is lower.
fn this_process_can_open(files: u64) -> bool {
    let soft = atrium_common::config::open_files_limit;
    if soft() >= files {
        return true;
    }
    let pid = std::process::id().to_string();
    let _ = std::process::Command::new("prlimit")
        .args(["--pid", &pid, &format!("--nofile={files}:")])
        .status();
    soft() >= files
}

#[tokio::test]
async fn a_head_sent_too_slowly_and_an_idle_keep_alive_are_closed_on_time() {
    let app = TestApp::start_with(|env| {
        env.http_header_timeout_secs = Some(1);
        env.http_idle_timeout_secs = Some(3);
    })
    .await;
    let addr = app.base.trim_start_matches("http://").to_owned();

    let mut silent = TcpStream::connect(&addr).await.unwrap();
    let mut partial = TcpStream::connect(&addr).await.unwrap();
    partial
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: atrium\r\n")
        .await
        .unwrap();
    let mut kept_alive = TcpStream::connect(&addr).await.unwrap();
    kept_alive
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: atrium\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 1024];
    let read = kept_alive.read(&mut answer).await.unwrap();
    assert!(String::from_utf8_lossy(&answer[..read]).starts_with("HTTP/1.1 200"));

    let (silent, partial, kept_alive) = tokio::join!(
        closed_after(&mut silent, Duration::from_secs(5)),
        closed_after(&mut partial, Duration::from_secs(5)),
        closed_after(&mut kept_alive, Duration::from_secs(6)),
    );

    let silent = silent.expect("a connection that sends nothing is closed");
    let partial = partial.expect("a head that never ends is closed");
    let kept_alive = kept_alive.expect("an idle keep-alive connection is closed");
    assert!(
        silent >= Duration::from_millis(900) && silent < Duration::from_secs(2),
        "{silent:?}"
    );
    assert!(
        partial >= Duration::from_millis(900) && partial < Duration::from_secs(2),
        "{partial:?}"
    );
    assert!(
        kept_alive >= Duration::from_millis(2500) && kept_alive < Duration::from_secs(4),
        "idle keep-alive closed after {kept_alive:?}, not at the header timeout"
    );
}

#[tokio::test]
async fn eleven_hundred_silent_connections_under_1024_files_leave_health_and_sign_in_answering() {
    atrium_common::testkit::init_test_tracing();
    let database = atrium_common::testkit::fresh_database().await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    if !this_process_can_open(1500) {
        atrium_common::testkit::faults::missing("a limit of 1,500 open files for the test itself")
            .unwrap();
        return;
    }
    let mut atrium = Binary::new(&database, data_dir.path(), &[]).with_open_files(1024);
    atrium.start().await;
    let addr = atrium.base.trim_start_matches("http://").to_owned();

    let mut silent = Vec::new();
    for n in 0..1100 {
        match TcpStream::connect(&addr).await {
            Ok(stream) => silent.push(stream),
            Err(err) => panic!("connection {n} of the test itself failed: {err}"),
        }
    }
    // Let the server accept them all.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let http = crate::support::http::Http::with_timeout(Duration::from_secs(5));
    let health = http.get(format!("{}/healthz", atrium.base)).send().await;
    let started = Instant::now();
    let token = atrium.staff_token(&http).await;
    let signed_in_after = started.elapsed();
    let customer = http
        .post(format!("{}/api/customer/login", atrium.base))
        .json(&serde_json::json!({ "org": "acme", "email": "who@customer.test", "password": "not the right one" }))
        .send()
        .await
        .unwrap();
    let mut closed = 0;
    for stream in &mut silent {
        if closed_after(stream, Duration::from_millis(1))
            .await
            .is_some()
        {
            closed += 1;
        }
    }

    assert_eq!(health.expect("/healthz answers").status(), 200);
    assert!(!token.is_empty());
    assert!(
        signed_in_after < Duration::from_secs(5),
        "{signed_in_after:?}"
    );
    assert_eq!(customer.status(), 401, "a customer sign-in is answered");
    assert!(
        closed >= 1100 - 1024,
        "the cap closed idle connections to make room: {closed}"
    );
    atrium.kill().await;
}
