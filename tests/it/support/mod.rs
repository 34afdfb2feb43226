//! What the end-to-end tests share besides the running stack: the API document as a
//! contract every answer is held to, and the HTTP client that holds them to it.

pub mod contract;
pub mod http;
