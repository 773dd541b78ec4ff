//! `/metrics` for Prometheus: served to loopback callers, or to anyone with the token.

use crate::server::{
    db::scoped::{self, RequestClaims},
    http::{client_ip::ClientIp, visitor_pages::VisitorPageStats},
    jobs::queue,
    state::AppState,
    telemetry::metrics::PoolGauges,
};
use axum::{
    extract::{ConnectInfo, State},
    http::{HeaderMap, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

pub async fn serve(State(state): State<AppState>, parts: Parts) -> Response {
    // The resolved client, not the peer: behind a trusted proxy on this host every peer is
    // loopback, and the world must not read metrics through it.
    let from_loopback = match parts.extensions.get::<ClientIp>() {
        Some(ClientIp(ip)) => ip.is_loopback(),
        None => parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .is_some_and(|ConnectInfo(addr)| addr.ip().is_loopback()),
    };
    if !from_loopback && !has_token(&state, &parts.headers) {
        return (
            StatusCode::FORBIDDEN,
            "Metrics are served to loopback callers or with the metrics token.",
        )
            .into_response();
    }
    let pool = PoolGauges {
        size: state.pool.size(),
        idle: state.pool.num_idle(),
        max: state.settings.database.max_connections,
    };
    (
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        state.metrics.render(pool)
            + &visitor_page_series(state.visitor_pages.stats())
            + &platform_series(&state).await,
    )
        .into_response()
}

/// How often visitors were served a stored page, in Prometheus' text format.
fn visitor_page_series(stats: VisitorPageStats) -> String {
    format!(
        "# HELP wellspring_visitor_pages_total Visitors' page requests answered from the page cache (hit) or rendered to fill it (miss).\n\
         # TYPE wellspring_visitor_pages_total counter\n\
         wellspring_visitor_pages_total{{outcome=\"hit\"}} {}\n\
         wellspring_visitor_pages_total{{outcome=\"miss\"}} {}\n\
         # HELP wellspring_visitor_pages_stored Pages held by the visitor page cache.\n\
         # TYPE wellspring_visitor_pages_stored gauge\n\
         wellspring_visitor_pages_stored {}\n",
        stats.hits, stats.misses, stats.pages
    )
}

/// The revocation set, the job queue and the event rate. The queue and events are read at
/// scrape time; while the database is away only the revocation set is reported.
async fn platform_series(state: &AppState) -> String {
    let mut out = format!(
        "# HELP wellspring_revocations_held Revoked sessions and role changes this instance refuses tokens for.\n\
         # TYPE wellspring_revocations_held gauge\n\
         wellspring_revocations_held {}\n",
        state.revocations.len()
    );
    let figures = async {
        let mut tx = scoped::begin(&state.pool, &RequestClaims::auth_admin()).await?;
        let depth = queue::depth(&mut tx).await?;
        let recent: i64 = sqlx::query_scalar(
            "select count(*) from app.events where created_at > now() - interval '1 minute'",
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>((depth, recent))
    };
    match figures.await {
        Ok((depth, recent)) => {
            out.push_str(&format!(
                "# HELP wellspring_jobs_waiting Jobs waiting to run (due now or later), not parked.\n\
                 # TYPE wellspring_jobs_waiting gauge\n\
                 wellspring_jobs_waiting {}\n\
                 # HELP wellspring_jobs_parked Jobs that failed their last attempt.\n\
                 # TYPE wellspring_jobs_parked gauge\n\
                 wellspring_jobs_parked {}\n\
                 # HELP wellspring_jobs_oldest_due_seconds How long the oldest due job has waited.\n\
                 # TYPE wellspring_jobs_oldest_due_seconds gauge\n\
                 wellspring_jobs_oldest_due_seconds {}\n\
                 # HELP wellspring_events_last_minute Domain events recorded in the last minute.\n\
                 # TYPE wellspring_events_last_minute gauge\n\
                 wellspring_events_last_minute {}\n",
                depth.waiting, depth.parked, depth.oldest_due_secs, recent
            ));
        }
        Err(error) => tracing::warn!(error = %error, "metrics: could not read the job queue"),
    }
    out
}

/// Compares digests so the time taken says nothing about how much of the token matched.
fn has_token(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(expected) = &state.settings.metrics.token else {
        return false;
    };
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    Sha256::digest(given.as_bytes()) == Sha256::digest(expected.expose_secret().as_bytes())
}
