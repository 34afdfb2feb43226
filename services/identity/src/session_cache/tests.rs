use super::*;

#[test]
fn a_cached_session_round_trips() {
    let session = CachedSession {
        session_id: CustomerSessionId::new(),
        org_id: OrgId::new(),
        customer_id: CustomerId::new(),
        epoch: 7,
        expires_at: DateTime::from_timestamp_micros(1_900_000_000_123_456).unwrap(),
    };
    assert_eq!(CachedSession::decode(&session.encode()), Some(session));
    assert_eq!(CachedSession::decode("garbage"), None);
}
