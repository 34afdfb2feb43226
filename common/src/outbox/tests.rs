use super::*;

#[test]
fn topic_names_round_trip() {
    assert_eq!(
        Topic::parse(Topic::EnqueueEmail.as_str()),
        Some(Topic::EnqueueEmail)
    );
    assert_eq!(Topic::parse("nope"), None);
}
