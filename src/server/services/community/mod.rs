//! Community operations: circles, posts, comments, reactions, bookmarks, feeds, profiles and
//! search. Each runs in one transaction as the caller (`anon` or `authenticated` with their
//! claims), so Row Level Security decides what exists for them; the checks here only turn
//! the common refusals into kind, specific messages before the database says no.

pub mod bookmarks;
pub mod circle_page;
pub mod circles;
pub mod comments;
pub mod feeds;
pub mod post_page;
pub mod posts;
pub mod profile_page;
pub mod profiles;
pub mod reactions;
pub mod sealed_views;
pub mod search;

pub(crate) mod rows;
mod text;
