//! Public profiles.

use crate::domain::{AppError, community::PublicProfile};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "profiles/get")]
pub async fn get_profile(handle: String, cursor: String) -> Result<PublicProfile, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::profiles};
    let state = request::state()?;
    with_status(profiles::get(&state, request::caller().as_ref(), &handle, &cursor).await)
}
