//! One file per page.

pub mod about;
pub mod forgot;
pub mod home;
pub mod login;
pub mod login_mfa;
pub mod logout;
pub mod magic;
pub mod not_found;
pub mod reset;
pub mod settings;
pub mod signup;
pub mod status;
pub mod verify;
