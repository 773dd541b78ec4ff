//! "Continue with Google / GitHub": plain links (they work without JavaScript), shown only
//! for the providers this deployment configured, plus a kind note when a provider sign-in
//! came back refused (`/login?error=oauth`).
//!
//! The list is known when the page renders, so it is not fetched: the server provides it to
//! the render, and the app carries it to the browser in the page as a [`SharedValue`]. The
//! browser hydrates with exactly the list the server rendered, without a `<Suspense>` and
//! without waiting; pages reached later by client-side navigation read the same context.

use super::alert::{Alert, AlertTone};
use crate::{app::viewer::encode_query_value, domain::OAuthProviders};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const BUTTON: &str = "flex min-h-11 w-full items-center justify-center rounded-full border border-line bg-surface px-4 py-2 text-sm font-medium text-ink hover:bg-surface-raised focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus";

/// Called once by the app, before anything else that hydrates: on the server it reads the
/// list the server put in context and writes it into the page; in the browser, during
/// hydration, it reads it back from there.
pub fn provide_oauth_providers() {
    let providers =
        SharedValue::new(|| use_context::<OAuthProviders>().unwrap_or_default()).into_inner();
    provide_context(providers);
}

fn label(provider: &str) -> &'static str {
    match provider {
        "google" => "Continue with Google",
        "github" => "Continue with GitHub",
        _ => "Continue",
    }
}

/// The provider buttons, returning to `next` after signing in.
#[component]
pub fn OAuthButtons(#[prop(into)] next: Signal<String>) -> impl IntoView {
    let OAuthProviders(names) = use_context::<OAuthProviders>().unwrap_or_default();
    let query = use_query_map();
    let refused = move || query.read().get("error").as_deref() == Some("oauth");
    view! {
        <Show when=refused>
            <div class="mb-5">
                <Alert tone=AlertTone::Warning title="That didn't work">
                    "We couldn't sign you in with that provider. Your email there may not be verified, or the \
                     sign-in took too long. Please try again, or use your email and password."
                </Alert>
            </div>
        </Show>
        {(!names.is_empty()).then(|| view! {
            <div class="mb-5 space-y-2" data-testid="oauth-buttons">
                {names
                    .into_iter()
                    .map(|name| {
                        let text = label(&name);
                        let testid = format!("oauth-{name}");
                        let href = move || {
                            format!("/auth/oauth/{name}/start?next={}", encode_query_value(&next.get()))
                        };
                        view! {
                            <a href=href rel="external" class=BUTTON data-testid=testid>{text}</a>
                        }
                    })
                    .collect_view()}
                <p class="flex items-center gap-3 pt-2 text-xs uppercase tracking-wide text-muted" aria-hidden="true">
                    <span class="h-px flex-1 bg-line"></span>
                    "or"
                    <span class="h-px flex-1 bg-line"></span>
                </p>
            </div>
        })}
    }
}
