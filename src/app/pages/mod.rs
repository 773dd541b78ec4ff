//! One file per page.

pub mod about;
pub mod bookmarks;
pub mod circle;
pub mod circle_new;
pub mod circles;
pub mod email_cancel;
pub mod forgot;
pub mod home;
pub mod login;
pub mod login_mfa;
pub mod logout;
pub mod magic;
pub mod not_found;
pub mod notifications;
pub mod post;
pub mod post_edit;
pub mod post_link;
pub mod post_new;
pub mod profile;
pub mod reset;
pub mod search;
pub mod settings;
pub mod signup;
pub mod status;
pub mod unsubscribe;
pub mod verify;
