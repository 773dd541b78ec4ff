//! Wellspring: a community platform for holistic wellness.
//!
//! One crate built twice: the server (`ssr`) and the browser bundle (`hydrate`).
//! Imports flow `app → api → server → domain`; see ARCHITECTURE.md.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod server;

/// Browser entry point: wakes the page's islands (the interactive parts); everything else
/// stays the HTML the server wrote. See docs/architecture.md, "Browser bundle".
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
