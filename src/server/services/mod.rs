//! Business operations: authorization, then the database through a scoped transaction.

pub mod identity;
pub mod status;
