//! Metrics in Prometheus' text format through the `metrics` facade and
//! `metrics-exporter-prometheus`. Each application owns its recorder (no global one is
//! installed): several applications in one process (the test suite) keep separate figures,
//! and nothing is recorded into a registry nobody renders.
//!
//! Names (kept from the hand-written registry this replaced): `wellspring_http_requests_total`
//! {method, route, status}, `wellspring_http_errors_total` {route} (5xx),
//! `wellspring_http_request_duration_seconds` {route} (histogram), `wellspring_db_pool_connections`
//! {state = in_use | idle | max}; set at scrape time by `server::http::metrics`:
//! `wellspring_visitor_pages_total` {outcome}, `wellspring_visitor_pages_stored`,
//! `wellspring_revocations_held`, `wellspring_jobs_waiting`, `wellspring_jobs_parked`,
//! `wellspring_jobs_oldest_due_seconds`, `wellspring_events_last_minute`. Routes are route
//! templates, never raw paths, so the number of series stays bounded.

use super::traffic::{MinuteFigures, Traffic};
use metrics::{
    Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
    with_local_recorder,
};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn unix_minute() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| (since.as_secs() / 60) as i64)
        .unwrap_or_default()
}

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

const REQUESTS: &str = "wellspring_http_requests_total";
const ERRORS: &str = "wellspring_http_errors_total";
const DURATION: &str = "wellspring_http_request_duration_seconds";
const POOL: &str = "wellspring_db_pool_connections";

pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    /// The last hour minute by minute, for the staff dashboard.
    traffic: Traffic,
}

/// Pool figures read at scrape time.
pub struct PoolGauges {
    pub size: u32,
    pub idle: usize,
    pub max: u32,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let builder = PrometheusBuilder::new();
        // The bucket list is a non-empty constant, so this cannot fail; were it to, the
        // histogram would be rendered as a summary instead.
        let recorder =
            match builder.set_buckets_for_metric(Matcher::Full(DURATION.into()), &BUCKETS) {
                Ok(builder) => builder.build_recorder(),
                Err(_) => PrometheusBuilder::new().build_recorder(),
            };
        let handle = recorder.handle();
        with_local_recorder(&recorder, || {
            describe_counter!(REQUESTS, "HTTP requests by method, route and status.");
            describe_counter!(ERRORS, "HTTP responses with a 5xx status, by route.");
            describe_histogram!(
                DURATION,
                Unit::Seconds,
                "Time to the response head, by route."
            );
            describe_gauge!(POOL, "Database pool connections by state.");
        });
        Self {
            recorder,
            handle,
            traffic: Traffic::default(),
        }
    }

    /// Records one finished request. `route` is the matched route pattern, never the raw
    /// path, so the number of series stays bounded.
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        with_local_recorder(&self.recorder, || {
            counter!(REQUESTS, "method" => method.to_owned(), "route" => route.to_owned(), "status" => status.to_string())
                .increment(1);
            if status >= 500 {
                counter!(ERRORS, "route" => route.to_owned()).increment(1);
            }
            histogram!(DURATION, "route" => route.to_owned()).record(elapsed.as_secs_f64());
        });
        self.traffic
            .record(unix_minute(), status, elapsed.as_secs_f64());
    }

    /// This instance's last hour, minute by minute, ending now.
    pub fn last_hour(&self) -> Vec<MinuteFigures> {
        self.traffic.last_hour(unix_minute())
    }

    /// Sets a gauge read at scrape time (queue depth, cache size, ...).
    pub fn gauge(
        &self,
        name: &'static str,
        help: &'static str,
        labels: &[(&'static str, &'static str)],
        value: f64,
    ) {
        with_local_recorder(&self.recorder, || {
            describe_gauge!(name, help);
            let labels: Vec<(&'static str, &'static str)> = labels.to_vec();
            gauge!(name, &labels).set(value);
        });
    }

    /// Sets a counter kept elsewhere (the visitor page cache counts its own hits) to its
    /// current total.
    pub fn counter_total(
        &self,
        name: &'static str,
        help: &'static str,
        labels: &[(&'static str, &'static str)],
        total: u64,
    ) {
        with_local_recorder(&self.recorder, || {
            describe_counter!(name, help);
            let labels: Vec<(&'static str, &'static str)> = labels.to_vec();
            counter!(name, &labels).absolute(total);
        });
    }

    /// The exposition text for `/metrics`.
    pub fn render(&self, pool: PoolGauges) -> String {
        let in_use = (pool.size as usize).saturating_sub(pool.idle);
        with_local_recorder(&self.recorder, || {
            gauge!(POOL, "state" => "in_use").set(in_use as f64);
            gauge!(POOL, "state" => "idle").set(pool.idle as f64);
            gauge!(POOL, "state" => "max").set(f64::from(pool.max));
        });
        self.handle.render()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_requests_and_fills_cumulative_buckets() {
        let metrics = Metrics::default();
        metrics.record("GET", "/", 200, Duration::from_millis(3));
        metrics.record("GET", "/", 200, Duration::from_millis(30));
        metrics.record("GET", "/status", 503, Duration::from_millis(1));
        let text = metrics.render(PoolGauges {
            size: 3,
            idle: 1,
            max: 8,
        });
        assert!(
            text.contains(
                "wellspring_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 2"
            ),
            "{text}"
        );
        assert!(
            text.contains("wellspring_http_errors_total{route=\"/status\"} 1"),
            "{text}"
        );
        assert!(
            text.contains(
                "wellspring_http_request_duration_seconds_bucket{route=\"/\",le=\"0.005\"} 1"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "wellspring_http_request_duration_seconds_bucket{route=\"/\",le=\"0.05\"} 2"
            ),
            "{text}"
        );
        assert!(
            text.contains("wellspring_http_request_duration_seconds_count{route=\"/\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("wellspring_db_pool_connections{state=\"in_use\"} 2"),
            "{text}"
        );
    }

    #[test]
    fn two_applications_keep_separate_figures() {
        let (a, b) = (Metrics::default(), Metrics::default());
        a.record("GET", "/", 200, Duration::from_millis(1));
        let pool = || PoolGauges {
            size: 0,
            idle: 0,
            max: 1,
        };
        assert!(a.render(pool()).contains("wellspring_http_requests_total"));
        assert!(!b.render(pool()).contains("wellspring_http_requests_total{"));
    }
}
