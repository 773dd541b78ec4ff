//! Placeholder shapes while content loads, so the page does not jump.

use leptos::prelude::*;

#[component]
pub fn Skeleton(#[prop(default = 3)] lines: usize) -> impl IntoView {
    view! {
        // A status, so its label is announced (a plain div may not carry one: axe,
        // aria-prohibited-attr, found by the gallery).
        <div class="space-y-3" role="status" aria-busy="true" aria-label="Loading">
            {(0..lines)
                .map(|i| {
                    let width = if i + 1 == lines { "w-2/3" } else { "w-full" };
                    view! { <div class=format!("h-4 {width} animate-pulse rounded bg-surface-raised motion-reduce:animate-none")></div> }
                })
                .collect_view()}
        </div>
    }
}
