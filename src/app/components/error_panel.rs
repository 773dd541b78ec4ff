//! The error page body: what happened in plain words, and the request id to quote.

use crate::domain::RequestId;
use leptos::prelude::*;

use super::button::ButtonLink;

/// The request id travels to the browser with the page (a shared value), so the hydrated
/// page shows the same id the server logged.
#[component]
pub fn ErrorPanel(#[prop(into)] title: String, #[prop(into)] message: String) -> impl IntoView {
    let request_id =
        SharedValue::new(|| use_context::<RequestId>().map(|id| id.to_string())).into_inner();
    // This page names one request: no cache may keep it for anyone else.
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
    }
    view! {
        <div class="mx-auto max-w-xl py-10 text-center" data-testid="error-panel">
            <h1 class="text-3xl font-semibold tracking-tight">{title}</h1>
            <p class="mt-3 text-muted">{message}</p>
            {request_id.map(|id| view! {
                <p class="mt-6 text-sm text-muted">
                    "If you contact us about this, please mention request "
                    <code class="rounded bg-surface-raised px-1.5 py-0.5 font-mono text-ink" data-testid="request-id">{id}</code>
                    "."
                </p>
            })}
            <div class="mt-8">
                <ButtonLink href="/">"Back to the home page"</ButtonLink>
            </div>
        </div>
    }
}
