//! Logs, request ids and metrics.

pub mod disk;
pub mod logging;
pub mod metrics;
pub mod request_context;
pub mod traffic;

pub use request_context::RequestContext;
