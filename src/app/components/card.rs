//! The surface most content sits on.

use leptos::prelude::*;
use tailwind_fuse::tw_merge;

#[component]
pub fn Card(#[prop(optional, into)] class: String, children: Children) -> impl IntoView {
    let classes = tw_merge!(
        "rounded-2xl border border-line bg-surface p-6 shadow-sm",
        class
    );
    view! { <section class=classes>{children()}</section> }
}
