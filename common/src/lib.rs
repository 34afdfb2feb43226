//! What every Atrium service and the gateway share: configuration, telemetry, the error
//! table, gRPC server and client assembly, the database handle, the limit store, the
//! clock, secrets and tokens, and (behind the `testkit` feature) the test harness.

pub mod access;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod grpc;
pub mod ids;
pub mod in_process;
pub mod lease;
pub mod limits;
pub mod money;
pub mod outbox;
pub mod page;
pub mod password;
pub mod retry;
pub mod roles;
pub mod secrets;
pub mod settings;
pub mod shutdown;
pub mod telemetry;
pub mod text_enum;
pub mod token;

#[cfg(feature = "testkit")]
pub mod testkit;
