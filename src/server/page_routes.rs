//! The app's page routes, listed once per process.
//!
//! Leptos lists routes by rendering the app once with resource loading switched off, and the
//! switch is one flag for the whole process (`leptos_server`'s `SuppressResourceLoad`,
//! leptos-rs/leptos#4773). A page rendering elsewhere in the process whose resource is first
//! polled while the flag is up waits forever: the request ends in the timeout's empty 503.
//! A server lists its routes before it serves, but the test binary starts apps while others
//! serve pages, and each start listed the routes again. The list depends on the code alone
//! (no settings, no state), so one copy made by the first app serves every later one, and no
//! listing can overlap a render.

use crate::app::App;
use leptos_axum::{AxumRouteListing, generate_route_list};
use std::sync::OnceLock;

/// Every Leptos route of the app; listed by the first caller, copied for the rest.
pub fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}
