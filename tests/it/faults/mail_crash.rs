//! Crash-safe mail: the binary is killed (SIGKILL) with 50 invitations in flight to a
//! slow SMTP relay, then started again on the same data. Every invited customer has their
//! invitation within 30 s of the restart, and a mail arrives twice only where the relay's
//! 250 for it came before the crash (the same `Message-ID` both times).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use atrium_common::testkit::smtp::{Reply, SmtpServer};
use atrium_common::testkit::{self};

use super::Binary;

const INVITED: usize = 50;

#[tokio::test]
async fn mail_claimed_by_a_killed_process_goes_out_within_30_s_of_its_restart() {
    testkit::init_test_tracing();
    let smtp = SmtpServer::start().await.unwrap();
    smtp.set_reply(Reply::AcceptAfter(Duration::from_secs(2)));
    let database = testkit::fresh_database().await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let mut atrium = Binary::new(
        &database,
        data_dir.path(),
        &[
            ("ATRIUM_SMTP_URL", smtp.url()),
            ("ATRIUM_PUBLIC_URL", "https://portal.acme.test".into()),
        ],
    );
    atrium.start().await;
    let http = crate::support::http::Http::new();
    let staff = atrium.staff_token(&http).await;
    let emails: Vec<String> = (0..INVITED)
        .map(|n| format!("c{n}@customer.test"))
        .collect();
    let invitations = emails.iter().map(|email| {
        let request = http
            .post(format!("{}/api/admin/customers/invitations", atrium.base))
            .bearer_auth(&staff)
            .json(&serde_json::json!({ "email": email }));
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let statuses = futures_util::future::join_all(invitations).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    // Some invitations are out; the rest are claimed and waiting on the slow relay.
    smtp.wait_for_messages(3, Duration::from_secs(30))
        .await
        .unwrap();

    atrium.kill().await;
    let crashed = Instant::now();
    let delivered_before_the_crash = smtp.messages().len();
    smtp.set_reply(Reply::Accept);
    let restarted = Instant::now();
    atrium.start().await;
    let mut missing = emails.clone();
    while !missing.is_empty() && restarted.elapsed() < Duration::from_secs(30) {
        let received: Vec<String> = smtp
            .messages()
            .into_iter()
            .flat_map(|m| m.rcpt_to)
            .collect();
        missing.retain(|email| !received.contains(email));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    assert!(
        missing.is_empty(),
        "{} of {INVITED} had no invitation 30 s after the restart: {missing:?}",
        missing.len()
    );
    let mut copies: HashMap<String, Vec<Instant>> = HashMap::new();
    for mail in smtp.messages() {
        let id = mail.header("Message-ID").expect("a Message-ID");
        copies.entry(id).or_default().push(mail.accepted_at);
    }
    // The relay's view of a hang-up can trail the kill by a scheduling slice: a copy it
    // accepted within LAG of the crash was the killed process's (the restarted one is
    // still starting, and the lease keeps it off claimed mail for 15 s).
    const LAG: Duration = Duration::from_millis(100);
    let since_crash = |at: &Instant| at.saturating_duration_since(crashed);
    let wrong: Vec<(&String, Vec<Duration>)> = copies
        .iter()
        .filter(|(_, accepted)| accepted.len() > 1 && accepted[0] >= crashed + LAG)
        .map(|(id, accepted)| (id, accepted.iter().map(since_crash).collect()))
        .collect();
    assert!(
        wrong.is_empty(),
        "sent twice without a 250 before the crash (copies accepted this long after it): {wrong:?}"
    );
    let twice = copies
        .values()
        .filter(|accepted| accepted.len() > 1)
        .count();
    eprintln!(
        "mail crash: {delivered_before_the_crash} delivered before the kill, all {INVITED} within {:?} of the restart, {twice} twice",
        restarted.elapsed()
    );
    atrium.kill().await;
}
