//! Liveness and readiness for load balancers and Kubernetes.

use crate::server::{db::migrate, state::AppState};
use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::json;

/// The process is alive and serving. Never touches the database.
pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, [("cache-control", "no-store")], "ok")
}

/// Ready for traffic: the database answers and has every migration this binary knows.
/// While the health watcher knows the database is away it says so at once (a probe with a
/// 1 s timeout must see a 503, not a hang); otherwise it asks, within a second.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    // Going away: out of rotation first, while requests are still served (`http::draining`).
    if state.draining.is_draining() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [("cache-control", "no-store"), ("retry-after", "5")],
            Json(json!({ "status": "draining" })),
        );
    }
    let checked = if state.database.is_up() {
        tokio::time::timeout(
            std::time::Duration::from_secs(1),
            migrate::is_current(&state.owner_pool),
        )
        .await
        .ok()
        .and_then(Result::ok)
    } else {
        None
    };
    let (status, database) = match checked {
        Some(true) => (StatusCode::OK, "ok"),
        Some(false) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending"),
        None => {
            state.database.suspect();
            (StatusCode::SERVICE_UNAVAILABLE, "unreachable")
        }
    };
    let body = json!({ "status": if status == StatusCode::OK { "ready" } else { "unavailable" }, "database": database });
    let retry_after = if status == StatusCode::OK { "0" } else { "5" };
    (
        status,
        [("cache-control", "no-store"), ("retry-after", retry_after)],
        Json(body),
    )
}
