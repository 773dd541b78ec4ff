//! The site header: name, main navigation, and a menu that folds away on small screens.

use super::icon::{Icon, IconName};
use leptos::prelude::*;

const NAV: [(&str, &str); 3] = [("/", "Home"), ("/about", "About"), ("/status", "Status")];

#[component]
pub fn SiteHeader() -> impl IntoView {
    let (menu_open, set_menu_open) = signal(false);
    view! {
        <header class="border-b border-line bg-surface/80 backdrop-blur">
            <div class="mx-auto flex max-w-5xl items-center justify-between px-4 py-3 sm:px-6">
                <a href="/" class="flex items-center gap-2 rounded-lg text-lg font-semibold tracking-tight focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus">
                    <Icon name=IconName::Leaf class="h-7 w-7 text-accent"/>
                    "Wellspring"
                </a>
                <button
                    type="button"
                    class="inline-flex min-h-11 min-w-11 items-center justify-center rounded-full border border-line sm:hidden focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus"
                    aria-controls="site-nav"
                    aria-expanded=move || menu_open.get().to_string()
                    data-testid="menu-toggle"
                    on:click=move |_| set_menu_open.update(|open| *open = !*open)
                >
                    <span class="sr-only">{move || if menu_open.get() { "Close menu" } else { "Open menu" }}</span>
                    <span aria-hidden="true">{move || if menu_open.get() { "✕" } else { "☰" }}</span>
                </button>
                <nav
                    id="site-nav"
                    aria-label="Main"
                    class=move || {
                        let shown = if menu_open.get() { "flex" } else { "hidden" };
                        format!("{shown} absolute inset-x-0 top-16 z-10 flex-col gap-1 border-b border-line bg-surface p-4 sm:static sm:flex sm:flex-row sm:border-0 sm:bg-transparent sm:p-0")
                    }
                >
                    {NAV
                        .into_iter()
                        .map(|(href, label)| view! {
                            <a href=href class="rounded-full px-3 py-2 text-sm font-medium text-muted hover:bg-surface-raised hover:text-ink focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus aria-[current=page]:text-ink aria-[current=page]:bg-surface-raised">
                                {label}
                            </a>
                        })
                        .collect_view()}
                </nav>
            </div>
        </header>
    }
}
