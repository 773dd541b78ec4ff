//! Liveness and readiness for load balancers and Kubernetes.

use crate::server::{db::migrate, state::AppState};
use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::json;

/// The process is alive and serving. Never touches the database.
pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, [("cache-control", "no-store")], "ok")
}

/// Ready for traffic: the database answers and has every migration this binary knows.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let (status, database) = match migrate::is_current(&state.owner_pool).await {
        Ok(true) => (StatusCode::OK, "ok"),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending"),
        Err(error) => {
            tracing::warn!(error = %error, "readiness: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "unreachable")
        }
    };
    let body = json!({ "status": if status == StatusCode::OK { "ready" } else { "unavailable" }, "database": database });
    (status, [("cache-control", "no-store")], Json(body))
}
