//! The gallery's front page: the sheet of components in four frames.

use leptos::prelude::*;

/// How each frame shows the sheet: its colour scheme and its width in CSS pixels (`None`:
/// as wide as the column).
const FRAMES: [(&str, &str, Option<u32>); 4] = [
    ("Light", "light", None),
    ("Dark", "dark", None),
    ("Phone, light", "light", Some(360)),
    ("Phone, dark", "dark", Some(360)),
];

#[component]
pub fn Frames() -> impl IntoView {
    view! {
        <main class="mx-auto max-w-7xl space-y-8 px-4 py-8 sm:px-6">
            <header class="space-y-2">
                <h1 class="text-3xl font-semibold tracking-tight">"Wellspring design system"</h1>
                <p class="max-w-3xl text-muted">
                    "Every component of the site in its states, drawn by the site's own code. "
                    "Each frame is the same sheet: in the light and the dark colour scheme, "
                    "and at a phone's width (360 pixels), where the layout changes."
                </p>
            </header>
            // Wide frames take the column's whole width (up to 1280 pixels, where the site's
            // wider layouts apply); the phones sit side by side under them.
            <div class="flex flex-wrap gap-8">
                {FRAMES
                    .into_iter()
                    .map(|(title, scheme, width)| view! { <Frame title scheme width/> })
                    .collect_view()}
            </div>
        </main>
    }
}

#[component]
fn Frame(title: &'static str, scheme: &'static str, width: Option<u32>) -> impl IntoView {
    // The frame's border (1 pixel a side) sits outside the page's width.
    let (section_class, width) = match width {
        None => ("w-full space-y-2", "100%".to_owned()),
        Some(px) => ("space-y-2", format!("{}px", px + 2)),
    };
    view! {
        <section class=section_class data-frame=title>
            <h2 class="text-lg font-semibold">{title}</h2>
            <iframe
                src=format!("?sheet&scheme={scheme}")
                title=format!("Components, {title}")
                style=format!("width: {width}; height: 1400px;")
                class="max-w-full rounded-2xl border border-line"
            ></iframe>
        </section>
    }
}
