//! Wellspring's design-system gallery: the site's own components, mounted in the browser
//! with example data, so a designer sees every one of them in every state without a server,
//! a database or an account. `trunk serve` (Trunk.toml) rebuilds it on every change to a
//! component or the stylesheet; `make test` builds it and checks each frame, so it cannot rot.
//!
//! The page shows one sheet of components four times, in frames: light and dark, wide and at
//! a phone's width. Frames, because the site lays itself out by the viewport's width: inside
//! a frame the width is real, so what shows at 360 pixels is what a member's phone shows.
//! Each frame fixes its colour scheme the way the site allows (`data-color-scheme` on the
//! root, style/tailwind.css), so the dark frame shows the site's own dark tokens whatever
//! scheme the designer's system prefers.

mod frames;
mod sheet;

use leptos::prelude::*;

fn main() {
    console_error_panic_hook::set_once();
    // `?sheet` is a frame's own page, the components alone; `scheme=light|dark` fixes its
    // colour scheme (without it, the system's).
    let query = window().location().search().unwrap_or_default();
    let params: Vec<&str> = query.trim_start_matches('?').split('&').collect();
    if !params.contains(&"sheet") {
        mount_to_body(frames::Frames);
        return;
    }
    let scheme = params
        .iter()
        .find_map(|p| p.strip_prefix("scheme="))
        .filter(|s| matches!(*s, "light" | "dark"));
    if let (Some(scheme), Some(root)) = (scheme, document().document_element()) {
        // Only a fixed, known value: nothing from the address goes into the page unchecked.
        let _ = root.set_attribute("data-color-scheme", scheme);
    }
    mount_to_body(sheet::Sheet);
}
