//! Response hardening shared by every route.

pub mod headers;
