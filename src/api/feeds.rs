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
    let ctx = request::context()?;
    let kind = if kind.is_empty() {
        if ctx.signed_in() {
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
    let signed_in = ctx.signed_in();
    with_status(
        crate::as_caller!(ctx, |tx| feeds::site_feed(tx, signed_in, kind, &cursor)
            .await)
        .await,
    )
}

#[server(prefix = "/api", endpoint = "feeds/circle")]
pub async fn circle_feed(slug: String, cursor: String) -> Result<FeedPage, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::feeds};
    let ctx = request::context()?;
    use crate::server::services::community::circles;
    let signed_in = ctx.signed_in();
    with_status(
        crate::as_caller!(ctx, |tx| {
            let cursor = feeds::parse_cursor(&cursor)?;
            let circle = circles::find(tx, &slug).await?;
            feeds::circle_feed(tx, signed_in, circle.id, cursor).await
        })
        .await,
    )
}

/// One member's posts that the caller may read, older than `cursor` (the profile's infinite
/// scroll).
#[server(prefix = "/api", endpoint = "feeds/author")]
pub async fn author_feed(handle: String, cursor: String) -> Result<FeedPage, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::feeds};
    let ctx = request::context()?;
    let signed_in = ctx.signed_in();
    with_status(
        crate::as_caller!(ctx, |tx| {
            let cursor = feeds::parse_cursor(&cursor)?;
            feeds::author_feed(tx, signed_in, &handle, cursor).await
        })
        .await,
    )
}
