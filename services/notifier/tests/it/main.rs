//! The notifier over gRPC on loopback, delivering to our SMTP sink, on SQLite (and on
//! PostgreSQL with ATRIUM_TEST_DATABASE_URL).

mod helpers;

mod delivery;
mod enqueue;
mod erasure;
mod outbox;
