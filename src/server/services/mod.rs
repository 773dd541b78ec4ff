//! Business operations: authorization, then the database through a scoped transaction.

pub mod community;
pub mod context;
pub mod digests;
pub mod flags;
pub mod identity;
pub mod media;
pub mod moderation;
pub mod notifications;
pub mod status;
pub mod submissions;
pub mod write_limits;
