//! The site footer, with the reminder that a peer community is not emergency care.

use leptos::prelude::*;

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="border-t border-line bg-surface">
            <div class="mx-auto grid max-w-5xl gap-4 px-4 py-8 text-sm text-muted sm:grid-cols-2 sm:px-6">
                <p>
                    "Wellspring is a peer community, not a substitute for professional care. "
                    "If you or someone else is in danger, contact your local emergency number now."
                </p>
                <nav aria-label="Footer" class="flex gap-4 sm:justify-end">
                    <a class="underline-offset-4 hover:underline" href="/about">"About"</a>
                    <a class="underline-offset-4 hover:underline" href="/status">"Service status"</a>
                    <a class="underline-offset-4 hover:underline" href="/modlog">"Moderation log"</a>
                </nav>
            </div>
        </footer>
    }
}
