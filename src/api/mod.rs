//! Every server function, one file per feature, with stable endpoint names under `/api`.
//! Bodies reach `server` only inside `#[server]` functions, which compile for `ssr` alone.

pub mod account;
pub mod admin;
pub mod auth;
pub mod status;
