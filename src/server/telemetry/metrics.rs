//! Request metrics in Prometheus' text format, kept without a metrics framework: a few
//! counters and one histogram behind a mutex held only for an increment.

use std::{collections::BTreeMap, fmt::Write, sync::Mutex, time::Duration};

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Series>,
}

#[derive(Default)]
struct Series {
    /// (method, route, status) → count
    requests: BTreeMap<(String, String, u16), u64>,
    /// route → latency histogram
    latency: BTreeMap<String, Histogram>,
}

#[derive(Default, Clone)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Pool figures read at scrape time.
pub struct PoolGauges {
    pub size: u32,
    pub idle: usize,
    pub max: u32,
}

impl Metrics {
    /// Records one finished request. `route` is the matched route pattern, never the raw
    /// path, so the number of series stays bounded.
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let Ok(mut series) = self.inner.lock() else {
            return;
        };
        *series
            .requests
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
        let histogram = series.latency.entry(route.to_owned()).or_default();
        let seconds = elapsed.as_secs_f64();
        histogram.count += 1;
        histogram.sum += seconds;
        for (bucket, bound) in histogram.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    /// The exposition text for `/metrics`.
    pub fn render(&self, pool: PoolGauges) -> String {
        let (requests, latency) = match self.inner.lock() {
            Ok(series) => (series.requests.clone(), series.latency.clone()),
            Err(_) => Default::default(),
        };
        let mut out = String::with_capacity(4096);
        out.push_str(
            "# HELP wellspring_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE wellspring_http_requests_total counter\n");
        for ((method, route, status), count) in &requests {
            let _ = writeln!(
                out,
                "wellspring_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}",
                escape(route)
            );
        }
        out.push_str(
            "# HELP wellspring_http_errors_total HTTP responses with a 5xx status, by route.\n",
        );
        out.push_str("# TYPE wellspring_http_errors_total counter\n");
        let mut errors: BTreeMap<&str, u64> = BTreeMap::new();
        for ((_, route, status), count) in &requests {
            if *status >= 500 {
                *errors.entry(route).or_default() += count;
            }
        }
        for (route, count) in errors {
            let _ = writeln!(
                out,
                "wellspring_http_errors_total{{route=\"{}\"}} {count}",
                escape(route)
            );
        }
        out.push_str("# HELP wellspring_http_request_duration_seconds Time to the response head, by route.\n");
        out.push_str("# TYPE wellspring_http_request_duration_seconds histogram\n");
        for (route, h) in &latency {
            let route = escape(route);
            for (bound, count) in BUCKETS.iter().zip(h.buckets) {
                let _ = writeln!(
                    out,
                    "wellspring_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "wellspring_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "wellspring_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "wellspring_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        out.push_str("# HELP wellspring_db_pool_connections Database pool connections by state.\n");
        out.push_str("# TYPE wellspring_db_pool_connections gauge\n");
        let in_use = (pool.size as usize).saturating_sub(pool.idle);
        let _ = writeln!(
            out,
            "wellspring_db_pool_connections{{state=\"in_use\"}} {in_use}"
        );
        let _ = writeln!(
            out,
            "wellspring_db_pool_connections{{state=\"idle\"}} {}",
            pool.idle
        );
        let _ = writeln!(
            out,
            "wellspring_db_pool_connections{{state=\"max\"}} {}",
            pool.max
        );
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
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
        assert!(text.contains(
            "wellspring_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 2"
        ));
        assert!(text.contains("wellspring_http_errors_total{route=\"/status\"} 1"));
        assert!(text.contains(
            "wellspring_http_request_duration_seconds_bucket{route=\"/\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "wellspring_http_request_duration_seconds_bucket{route=\"/\",le=\"0.05\"} 2"
        ));
        assert!(text.contains("wellspring_http_request_duration_seconds_count{route=\"/\"} 2"));
        assert!(text.contains("wellspring_db_pool_connections{state=\"in_use\"} 2"));
    }
}
