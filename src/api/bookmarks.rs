//! Bookmarks: save and unsave posts; list mine.

use crate::domain::{AppError, PostId, community::FeedPage};
use leptos::prelude::*;

/// Returns whether the post is now saved.
#[server(prefix = "/api", endpoint = "bookmarks/toggle")]
pub async fn toggle_bookmark(post_id: PostId, back: Option<String>) -> Result<bool, AppError> {
    use crate::{
        domain::identity::redirect::safe_redirect,
        server::{auth::request, http::errors::with_status, services::community::bookmarks},
    };
    let ctx = request::context()?;
    with_status(
        request::within_limit(crate::server::services::write_limits::WriteAction::Bookmark).await,
    )?;
    let saved = with_status(bookmarks::toggle(&ctx, post_id).await)?;
    super::circles::redirect_back_without_js(&safe_redirect(back.as_deref()));
    Ok(saved)
}

#[server(prefix = "/api", endpoint = "bookmarks/list")]
pub async fn list_bookmarks(cursor: String) -> Result<FeedPage, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::bookmarks};
    let ctx = request::context()?;
    with_status(bookmarks::list(&ctx, &cursor).await)
}
