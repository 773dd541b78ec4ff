//! Business operations: authorization, then the database through a scoped transaction.

pub mod status;
pub mod identity;
