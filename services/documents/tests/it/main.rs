//! The documents service's own tests: its storage on the filesystem and on a real
//! S3-compatible server on loopback.

mod storage;
mod support;
