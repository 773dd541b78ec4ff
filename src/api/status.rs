//! The public status page's data.

use crate::domain::{AppError, ServiceStatus};
use leptos::prelude::*;

/// Measures the database through the same request-scoped path every page uses.
#[server(prefix = "/api", endpoint = "status")]
pub async fn get_service_status() -> Result<ServiceStatus, AppError> {
    use crate::server::{http::errors::with_status, services::status, state::AppState};
    let state = use_context::<AppState>().ok_or(AppError::Internal)?;
    with_status(status::measure(&state.pool).await)
}
