//! What every handler and server function can reach. Passed explicitly, never global.

use crate::server::{
    auth::revocation::Revocations, config::Settings, http::visitor_pages::VisitorPages,
    services::identity::AuthKeys, telemetry::metrics::Metrics,
};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// Requests' pool (logs in as `authenticator`); reach it through `db::scoped::begin`.
    pub pool: PgPool,
    /// The owner's pool, for readiness checks; never for request data.
    pub owner_pool: PgPool,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    /// Token signing and secret-sealing keys, built once from configuration.
    pub keys: Arc<AuthKeys>,
    /// Pages rendered for visitors, kept for a second (`server.visitor_page_cache_ms`).
    pub visitor_pages: Arc<VisitorPages>,
    /// Revoked sessions and role changes, fed by the listener; asked on every request.
    pub revocations: Arc<Revocations>,
    /// The process-wide bound on password hashing (argon2 is slow and memory-hard).
    pub hashing: Arc<crate::server::auth::password::Hashing>,
    /// Paths of server functions that only read (`api::READ_ONLY`, handed in by start-up):
    /// they skip the session-row check that writes pay.
    pub read_only_paths: &'static [&'static str],
    /// The staff dashboards drawn lately (`moderation.dashboard_cache_ms`).
    pub dashboards: Arc<crate::server::services::moderation::dashboard::KeptDashboards>,
    /// Members' pictures: the object store, upload limits, the re-encoding bound.
    pub media: Arc<crate::server::media::Media>,
    /// Whether the database is reachable, decided by one watcher (`db::health`): while it
    /// is not, requests that need it are answered 503 at once.
    pub database: Arc<crate::server::db::health::DatabaseHealth>,
    /// Each route group's load bounds (`server.groups`).
    pub route_gates: Arc<crate::server::http::route_groups::RouteGates>,
    /// Set when shutdown begins: `/readyz` says "draining" (`http::draining`).
    pub draining: Arc<crate::server::http::draining::Draining>,
    /// Live updates (`/realtime`); `None` when `realtime.enabled` is off.
    pub realtime: Option<Arc<crate::server::realtime::Realtime>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
