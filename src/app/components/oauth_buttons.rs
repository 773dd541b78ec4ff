//! "Continue with Google / GitHub": plain links (they work without JavaScript), shown only
//! for the providers this deployment configured, plus a kind note when a provider sign-in
//! came back refused (`/login?error=oauth`).

use super::alert::{Alert, AlertTone};
use crate::api::auth::oauth_providers;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const BUTTON: &str = "flex min-h-11 w-full items-center justify-center rounded-full border border-line bg-surface px-4 py-2 text-sm font-medium text-ink hover:bg-surface-raised focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus";

fn label(provider: &str) -> &'static str {
    match provider {
        "google" => "Continue with Google",
        "github" => "Continue with GitHub",
        _ => "Continue",
    }
}

/// Percent-encodes a local path for a query value.
fn encode(path: &str) -> String {
    path.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[component]
pub fn OAuthButtons(#[prop(into)] next: Signal<String>) -> impl IntoView {
    let providers = Resource::new(|| (), |()| oauth_providers());
    let query = use_query_map();
    let refused = move || query.read().get("error").as_deref() == Some("oauth");
    view! {
        <Show when=refused>
            <Alert tone=AlertTone::Warning title="That didn't work">
                "We couldn't sign you in with that provider. Your email there may not be verified, or the \
                 sign-in took too long. Please try again, or use your email and password."
            </Alert>
        </Show>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let names = providers.await.unwrap_or_default();
                (!names.is_empty()).then(|| view! {
                    <div class="space-y-2" data-testid="oauth-buttons">
                        {names
                            .into_iter()
                            .map(|name| {
                                let text = label(&name);
                                let href = move || format!("/auth/oauth/{name}/start?next={}", encode(&next.get()));
                                view! { <a href=href rel="external" class=BUTTON>{text}</a> }
                            })
                            .collect_view()}
                    </div>
                })
            })}
        </Suspense>
    }
}
