//! Search over posts, circles and members.

use crate::domain::{AppError, community::SearchResults};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "search")]
pub async fn search(q: String) -> Result<SearchResults, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::search};
    let ctx = request::context()?;
    with_status(
        request::within_limit(crate::server::services::write_limits::WriteAction::Search).await,
    )?;
    with_status(search::search(&ctx, &q).await)
}
