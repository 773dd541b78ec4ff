//! Who is asking: passwords, tokens, cookies, the session middleware, rate limits and the
//! audit trail. Services in `server::services::identity` compose these.

pub mod audit;
pub mod cookies;
pub mod jwt;
pub mod origin;
pub mod password;
pub mod rate_limit;
pub mod request;
pub mod revocation;
pub mod secretbox;
pub mod session;
pub mod signed_link;
pub mod token;
pub mod totp;
