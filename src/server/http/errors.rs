//! Giving server-rendered errors their proper HTTP status.

use crate::domain::AppError;

/// Passes a result through, setting the response status when it is an error (503 for an
/// unavailable database, not a 500 that monitoring would read as a bug).
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        set_status(error);
    }
    result
}

pub fn set_status(error: &AppError) {
    if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status_code())
    {
        options.set_status(status);
    }
}
