//! Identity types shared by the pages and the server: who is signed in, their sessions,
//! their second factor, and the rules their input must meet.

pub mod account;
pub mod account_notice;
pub mod redirect;
pub mod settings_notice;
pub mod validate;

pub use account::*;
pub use account_notice::AccountNotice;
pub use settings_notice::SettingsNotice;
