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
    if is_plain_form_post() {
        // A form posted without JavaScript: server_fn answers with a redirect back to the
        // page, carrying the error for it to show. A 4xx here would replace that redirect.
        return;
    }
    if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status_code())
    {
        options.set_status(status);
        if let Some(retry_after_secs) = error.retry_after_secs() {
            options.insert_header(http::header::RETRY_AFTER, retry_after_secs.into());
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
    if let Some(retry_after_secs) = error.retry_after_secs() {
        response
            .headers_mut()
            .insert(http::header::RETRY_AFTER, retry_after_secs.into());
    }
    response
}

/// A server-function call made by a plain HTML form (no JavaScript): it accepts HTML.
pub fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>()
        .is_some_and(|parts| is_plain_form_call(parts.uri.path(), &parts.headers))
}

/// A request to a server function that accepts HTML: a browser's plain form, not a script.
pub fn is_plain_form_call(path: &str, headers: &http::HeaderMap) -> bool {
    path.starts_with("/api/") && accepts_html(headers)
}

pub fn accepts_html(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// Gives a server function's error its own status when the function never ran: an argument
/// that could not be read (a word where a number belongs) is refused by the server-function
/// plumbing with a 500 before [`with_status`] can say 400. Only 500s from `/api` with a
/// small JSON body are read, so nothing else is buffered.
pub async fn api_error_status(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use http_body_util::BodyExt;
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_api || response.status() != http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let small = axum::body::HttpBody::size_hint(response.body())
        .upper()
        .is_some_and(|len| len <= 4096);
    if !small {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(collected) = body.collect().await else {
        return http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let bytes = collected.to_bytes();
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes)
        && let Ok(status) = http::StatusCode::from_u16(error.status_code())
    {
        parts.status = status;
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}
