//! Identity alone over gRPC on loopback, called as the gateway calls it (service token
//! and principal), on SQLite (and on PostgreSQL with ATRIUM_TEST_DATABASE_URL).

mod support;

mod customers;
mod staff;
