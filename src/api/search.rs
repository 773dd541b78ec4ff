//! Search over posts, circles and members.

use crate::domain::{AppError, community::SearchResults};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "search")]
pub async fn search(q: String) -> Result<SearchResults, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::search};
    let state = request::state()?;
    with_status(search::search(&state, request::caller().as_ref(), &q).await)
}
