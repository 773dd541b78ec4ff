//! The signed-in member's own settings, one page per area.

pub mod confirm;
mod linked_sign_ins;
mod notice;
pub mod profile;
pub mod profile_details;
mod profile_picture;
pub mod security;
mod two_step;

use leptos::prelude::*;

const SECTIONS: [(&str, &str); 2] = [
    ("/settings/profile", "Profile"),
    ("/settings/security", "Security"),
];

/// The page heading and the links between settings pages.
#[component]
fn SettingsHeader(#[prop(into)] title: String, current: &'static str) -> impl IntoView {
    view! {
        <div class="mb-8 space-y-4">
            <h1 class="text-3xl font-semibold tracking-tight">{title}</h1>
            <nav aria-label="Settings" class="flex gap-2 border-b border-line">
                {SECTIONS
                    .into_iter()
                    .map(|(href, label)| {
                        let here = href == current;
                        view! {
                            <a
                                href=href
                                aria-current=here.then_some("page")
                                class="-mb-px border-b-2 border-transparent px-3 py-2 text-sm font-medium text-muted hover:text-ink focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus aria-[current=page]:border-accent aria-[current=page]:text-ink"
                            >
                                {label}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
        </div>
    }
}
