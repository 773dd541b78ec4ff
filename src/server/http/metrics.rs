//! `/metrics` for Prometheus: served to loopback callers, or to anyone with the token.

use crate::server::{
    db::scoped::{self, RequestClaims},
    http::{client_ip::ClientIp, route_groups::RouteGroup, visitor_pages::VisitorPageStats},
    jobs::queue,
    state::AppState,
    telemetry::metrics::{Metrics, PoolGauges},
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
    record_visitor_pages(&state.metrics, state.visitor_pages.stats());
    record_realtime(&state);
    record_load(&state);
    record_disk(&state);
    record_platform(&state).await;
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
        state.metrics.render(pool),
    )
        .into_response()
}

/// The embedded cluster's disk (a configured server's disk is its operator's to watch).
fn record_disk(state: &AppState) {
    let database = &state.settings.database;
    if crate::server::db::pool::configured_url(database).is_some() {
        return;
    }
    if let Some((free, size)) = crate::server::telemetry::disk::space(&database.data_dir) {
        state.metrics.gauge(
            "wellspring_embedded_database_disk_free_bytes",
            "Free space on the disk that holds the embedded cluster.",
            &[],
            free as f64,
        );
        state.metrics.gauge(
            "wellspring_embedded_database_disk_size_bytes",
            "Size of the disk that holds the embedded cluster.",
            &[],
            size as f64,
        );
    }
}

/// The database's reachability and each route group's load: in flight, shed, timed out.
fn record_load(state: &AppState) {
    let metrics = &state.metrics;
    let database = state.database.figures();
    metrics.gauge(
        "wellspring_database_up",
        "1 while the health watcher reaches the database, 0 while it is away.",
        &[],
        if database.up { 1.0 } else { 0.0 },
    );
    metrics.counter_total(
        "wellspring_database_outages_total",
        "Times the database was found away.",
        &[],
        database.outages,
    );
    metrics.counter_total(
        "wellspring_database_refused_total",
        "Requests answered 503 at once because the database was away.",
        &[],
        database.refused,
    );
    for group in RouteGroup::ALL {
        let gate = state.route_gates.gate(group);
        let labels = [("group", group.as_str())];
        metrics.gauge(
            "wellspring_route_group_in_flight",
            "Requests in the route group now (0 for a group without a bound).",
            &labels,
            gate.in_flight() as f64,
        );
        metrics.counter_total(
            "wellspring_route_group_shed_total",
            "Requests shed with 503 because their route group was full.",
            &labels,
            gate.shed(),
        );
        metrics.counter_total(
            "wellspring_route_group_timeouts_total",
            "Requests answered 503 because they passed their route group's time bound.",
            &labels,
            gate.timed_out(),
        );
    }
}

/// Live sockets, what they follow, and what was sent, dropped or refused.
fn record_realtime(state: &AppState) {
    let Some(realtime) = &state.realtime else {
        return;
    };
    let metrics = &state.metrics;
    let figures = realtime.hub.figures();
    let counts = realtime.counts();
    metrics.gauge(
        "wellspring_realtime_sockets",
        "Open live sockets on this instance.",
        &[],
        figures.sockets as f64,
    );
    metrics.gauge(
        "wellspring_realtime_subscriptions",
        "Channels followed by this instance's sockets.",
        &[],
        figures.subscriptions as f64,
    );
    metrics.counter_total(
        "wellspring_realtime_frames_total",
        "Frames queued to sockets by the hub.",
        &[],
        figures.frames_sent,
    );
    metrics.counter_total(
        "wellspring_realtime_closed_total",
        "Sockets closed by the server, by reason.",
        &[("reason", "slow_consumer")],
        figures.slow_dropped,
    );
    metrics.counter_total(
        "wellspring_realtime_closed_total",
        "Sockets closed by the server, by reason.",
        &[("reason", "session_ended")],
        counts.closed_revoked,
    );
    metrics.counter_total(
        "wellspring_realtime_refused_total",
        "Socket upgrades refused past the per-member or per-address limit.",
        &[],
        counts.refused,
    );
    metrics.counter_total(
        "wellspring_realtime_opened_total",
        "Live sockets opened.",
        &[],
        counts.opened,
    );
    metrics.gauge(
        "wellspring_realtime_last_event",
        "The newest domain event this instance has published.",
        &[],
        figures.last_event as f64,
    );
}

/// How often visitors were served a stored page.
fn record_visitor_pages(metrics: &Metrics, stats: VisitorPageStats) {
    const HELP: &str =
        "Visitors' page requests answered from the page cache (hit) or rendered to fill it (miss).";
    metrics.counter_total(
        "wellspring_visitor_pages_total",
        HELP,
        &[("outcome", "hit")],
        stats.hits,
    );
    metrics.counter_total(
        "wellspring_visitor_pages_total",
        HELP,
        &[("outcome", "miss")],
        stats.misses,
    );
    metrics.gauge(
        "wellspring_visitor_pages_stored",
        "Pages held by the visitor page cache.",
        &[],
        stats.pages as f64,
    );
}

/// The revocation set, the job queue and the event rate. The queue and events are read at
/// scrape time; while the database is away they keep their last figures.
async fn record_platform(state: &AppState) {
    let metrics = &state.metrics;
    metrics.gauge(
        "wellspring_revocations_held",
        "Revoked sessions and role changes this instance refuses tokens for.",
        &[],
        state.revocations.len() as f64,
    );
    if !state.database.is_up() {
        // The queue's figures wait for the database; the rest of the page does not.
        return;
    }
    let figures = async {
        let mut tx = scoped::begin(&state.pool, &RequestClaims::auth_admin()).await?;
        let depth = queue::depth(&mut tx).await?;
        let recent: i64 = sqlx::query_scalar(
            "select count(*) from app.events where created_at > now() - interval '1 minute'",
        )
        .fetch_one(&mut *tx)
        .await?;
        // Scheduled or made by hand, any instance: the audit log knows (an index range).
        let last_backup: Option<f64> = sqlx::query_scalar(
            "select extract(epoch from max(at))::float8 from auth.audit_log
              where event = 'backup_made'",
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>((depth, recent, last_backup))
    };
    // A scrape must not hang on a full pool: past a second the queue's figures are left
    // out of this scrape, and the rest still goes out.
    let figures = match tokio::time::timeout(std::time::Duration::from_secs(1), figures).await {
        Ok(figures) => figures,
        Err(_) => Err(sqlx::Error::PoolTimedOut),
    };
    match figures {
        Ok((depth, recent, last_backup)) => {
            metrics.gauge(
                "wellspring_backup_last_success_timestamp_seconds",
                "When the newest backup was made (Unix time; 0: never).",
                &[],
                last_backup.unwrap_or(0.0),
            );
            metrics.gauge(
                "wellspring_jobs_waiting",
                "Jobs waiting to run (due now or later), not parked.",
                &[],
                depth.waiting as f64,
            );
            metrics.gauge(
                "wellspring_jobs_parked",
                "Jobs that failed their last attempt.",
                &[],
                depth.parked as f64,
            );
            metrics.gauge(
                "wellspring_jobs_oldest_due_seconds",
                "How long the oldest due job has waited.",
                &[],
                depth.oldest_due_secs,
            );
            metrics.gauge(
                "wellspring_events_last_minute",
                "Domain events recorded in the last minute.",
                &[],
                recent as f64,
            );
        }
        Err(error) => tracing::warn!(error = %error, "metrics: could not read the job queue"),
    }
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
