//! What a list shows when it has nothing yet: a kind word and the next step.

use super::icon::{Icon, IconName};
use leptos::prelude::*;

#[component]
pub fn EmptyState(
    #[prop(into)] title: String,
    #[prop(into)] message: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="flex flex-col items-center rounded-2xl border border-dashed border-line px-6 py-12 text-center">
            <span class="mb-3 text-accent-ink"><Icon name=IconName::Sprout class="h-9 w-9"/></span>
            <h2 class="text-lg font-semibold">{title}</h2>
            <p class="mt-1 max-w-md text-sm text-muted">{message}</p>
            {children.map(|c| view! { <div class="mt-5">{c()}</div> })}
        </div>
    }
}
