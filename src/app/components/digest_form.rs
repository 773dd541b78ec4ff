//! "Email me a digest: never / once a day / once a week": a plain form on the notifications
//! page (it works without JavaScript); the choice shown is the one saved.

use super::button::{ButtonVariant, button_classes};
use crate::{api::notifications::SetDigestFrequency, domain::digest::DigestFrequency};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

#[component]
pub fn DigestForm(current: DigestFrequency) -> impl IntoView {
    // The form comes back with `?digest=saved`.
    let saved = use_query_map().with_untracked(|query| {
        query.get_str("digest") == Some("saved") && query.get_str("__err").is_none()
    });
    view! {
        <form method="post" action=SetDigestFrequency::url()
            class="mt-8 flex flex-wrap items-center gap-2 rounded-2xl border border-line bg-surface px-4 py-3 text-sm"
            data-testid="digest-form">
            <label for="digest-frequency" class="font-medium">"Email me a digest of unread notifications"</label>
            <select id="digest-frequency" name="frequency" class="field w-auto py-1.5">
                {DigestFrequency::ALL
                    .into_iter()
                    .map(|frequency| view! {
                        <option value=frequency.as_str() selected=frequency == current>{frequency.label()}</option>
                    })
                    .collect_view()}
            </select>
            <button type="submit" class=button_classes(ButtonVariant::Quiet, "") data-testid="digest-save">"Save"</button>
            {saved.then(|| view! { <span role="status" class="text-muted" data-testid="digest-saved">"Saved."</span> })}
            <p class="w-full text-muted">
                "Only public circles are named in the email, and no one's words are quoted. Every digest has a link to stop it."
            </p>
        </form>
    }
}
