//! Feeds: home, latest, active, top, one circle's, one member's.

use crate::domain::{AppError, community::FeedPage};
use leptos::prelude::*;

/// `kind` is home, latest, active or top (empty: home when signed in, else latest);
/// `cursor` empty for the first page.
#[server(prefix = "/api", endpoint = "feeds/site")]
pub async fn site_feed(kind: String, cursor: String) -> Result<FeedPage, AppError> {
    use crate::{
        domain::community::FeedKind,
        server::{auth::request, http::errors::with_status, services::community::feeds},
    };
    let state = request::state()?;
    let caller = request::caller();
    let kind = if kind.is_empty() {
        if caller.is_some() {
            FeedKind::Home
        } else {
            FeedKind::Latest
        }
    } else {
        with_status(
            FeedKind::parse(&kind)
                .ok_or_else(|| AppError::BadRequest("Choose home, latest, active or top.".into())),
        )?
    };
    with_status(feeds::site_feed(&state, caller.as_ref(), kind, &cursor).await)
}

#[server(prefix = "/api", endpoint = "feeds/circle")]
pub async fn circle_feed(slug: String, cursor: String) -> Result<FeedPage, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::feeds};
    let state = request::state()?;
    with_status(feeds::circle_feed(&state, request::caller().as_ref(), &slug, &cursor).await)
}

/// One member's posts that the caller may read, older than `cursor` (the profile's infinite
/// scroll).
#[server(prefix = "/api", endpoint = "feeds/author")]
pub async fn author_feed(handle: String, cursor: String) -> Result<FeedPage, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::feeds};
    let state = request::state()?;
    with_status(feeds::author_feed(&state, request::caller().as_ref(), &handle, &cursor).await)
}
