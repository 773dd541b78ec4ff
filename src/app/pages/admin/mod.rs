//! Staff pages under `/admin`. Each asks the server, which refuses anyone without the role
//! or without two-step sign-in, and says so in words.

pub mod audit;
pub mod dashboard;
pub mod flags;
pub mod member;
pub mod members;
pub mod modlog;
pub mod queue;
pub mod uploads;
pub mod words;
