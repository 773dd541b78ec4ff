//! Every server function, one file per feature, with stable endpoint names under `/api`.
//! Bodies reach `server` only inside `#[server]` functions, which compile for `ssr` alone.

pub mod account;
pub mod admin;
pub mod auth;
pub mod bookmarks;
pub mod circles;
pub mod comments;
pub mod feeds;
pub mod posts;
pub mod profiles;
pub mod reactions;
pub mod search;
pub mod status;
