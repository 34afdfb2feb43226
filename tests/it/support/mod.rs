//! What the end-to-end tests share: the running stack and its fixtures (`app`), the API
//! document as a contract every answer is held to, and the HTTP client that holds them
//! to it.

pub mod app;
pub mod contract;
pub mod files;
pub mod http;
