use super::*;

fn limits() -> HttpLimits {
    HttpLimits {
        header_timeout: Duration::from_secs(10),
        idle_timeout: Duration::from_secs(60),
        max_connections: 2,
    }
}

#[test]
fn a_new_connection_owes_its_head_and_a_served_one_may_idle_longer() {
    let connection = Arc::new(Connection::new());
    connection
        .head_started
        .store(connection.opened + 9_000, Ordering::SeqCst);
    assert_eq!(
        connection.deadline(&limits()),
        connection.opened + 10_000,
        "the first head is due 10 s after the connection opened"
    );

    let in_flight = connection.begin();
    let busy_from = connection.last_activity.load(Ordering::SeqCst);
    assert_eq!(
        connection.deadline(&limits()),
        busy_from + 60_000,
        "an answer under way may take until no byte moved for the idle timeout"
    );
    drop(in_flight);
    let idle_from = connection.last_activity.load(Ordering::SeqCst);
    assert_eq!(connection.deadline(&limits()), idle_from + 60_000);

    connection
        .head_started
        .store(idle_from + 5, Ordering::SeqCst);
    assert_eq!(connection.deadline(&limits()), idle_from + 10_005);
}

#[test]
fn at_the_cap_the_idlest_connection_makes_room_and_busy_ones_do_not() {
    let registry = Registry::default();
    let (first, a) = registry.admit(2).unwrap();
    let (_, b) = registry.admit(2).unwrap();
    a.last_activity.store(1, Ordering::SeqCst);
    b.last_activity.store(2, Ordering::SeqCst);

    let (_, c) = registry.admit(2).unwrap();
    assert!(
        !registry.open.lock().unwrap().contains_key(&first),
        "a made room"
    );

    let _busy = (b.begin(), c.begin());
    assert!(registry.admit(2).is_none(), "nobody idle to close");
}
