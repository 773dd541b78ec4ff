//! Identity types shared by the pages and the server: who is signed in, their sessions,
//! their second factor, and the rules their input must meet.

pub mod account;
pub mod redirect;
pub mod validate;

pub use account::*;
