//! One file per page.

pub mod about;
pub mod home;
pub mod not_found;
pub mod status;
