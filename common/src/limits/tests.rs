use super::*;

#[test]
fn limits_parse_from_design_notation() {
    assert_eq!(
        RateLimit::parse("10/15m").unwrap(),
        RateLimit {
            count: 10,
            window: Duration::from_secs(900)
        }
    );
    assert_eq!(
        RateLimit::parse("3/1h").unwrap().window,
        Duration::from_secs(3600)
    );
    assert_eq!(
        RateLimit::parse("60/30s").unwrap().window,
        Duration::from_secs(30)
    );
    assert!(RateLimit::parse("10").is_err());
    assert!(RateLimit::parse("0/1m").is_err());
    assert!(RateLimit::parse("5/1d").is_err());
    assert!(RateLimit::parse("10/15м").is_err());
}
