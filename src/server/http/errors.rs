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
        if let AppError::RateLimited { retry_after_secs } = error {
            options.insert_header(http::header::RETRY_AFTER, (*retry_after_secs).into());
        }
    }
}

/// A plain response for errors raised by middleware, before any page or server function:
/// the kind message as text, the matching status, and `Retry-After` when rate limited.
pub fn error_response(error: AppError) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = http::StatusCode::from_u16(error.status_code())
        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, error.to_string()).into_response();
    if let AppError::RateLimited { retry_after_secs } = error {
        response
            .headers_mut()
            .insert(http::header::RETRY_AFTER, retry_after_secs.into());
    }
    response
}
