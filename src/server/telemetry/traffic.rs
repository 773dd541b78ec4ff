//! The last hour of this instance's traffic, minute by minute, for the staff dashboard:
//! requests, 5xx responses and a latency histogram per minute, from which p50 and p99 are
//! estimated the way Prometheus' `histogram_quantile` does (linear within a bucket).
//! Prometheus keeps the long history; this answers "how is it going right now" without one.
//! Each instance counts its own requests (the dashboard says so). Recording is a short
//! uncontended lock and a few additions; nothing is allocated after the first hour.

use std::{collections::VecDeque, sync::Mutex};

/// Upper bounds of the latency buckets, in seconds (the last bucket is everything slower).
const BOUNDS: [f64; 16] = [
    0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    10.0,
];
const MINUTES: usize = 60;

#[derive(Clone)]
struct Minute {
    /// Minutes since the Unix epoch.
    at: i64,
    requests: u64,
    errors: u64,
    buckets: [u64; BOUNDS.len() + 1],
}

impl Minute {
    fn new(at: i64) -> Self {
        Self {
            at,
            requests: 0,
            errors: 0,
            buckets: [0; BOUNDS.len() + 1],
        }
    }

    /// The `q` quantile in milliseconds; `None` without requests.
    fn quantile_ms(&self, q: f64) -> Option<f64> {
        if self.requests == 0 {
            return None;
        }
        let rank = q * self.requests as f64;
        let mut below = 0_u64;
        for (i, count) in self.buckets.iter().enumerate() {
            if *count > 0 && (below + count) as f64 >= rank {
                let lower = if i == 0 { 0.0 } else { BOUNDS[i - 1] };
                let Some(upper) = BOUNDS.get(i) else {
                    return Some(lower * 1000.0);
                };
                let within = ((rank - below as f64) / *count as f64).clamp(0.0, 1.0);
                return Some((lower + (upper - lower) * within) * 1000.0);
            }
            below += count;
        }
        None
    }
}

/// One minute as the dashboard shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct MinuteFigures {
    /// Minutes since the Unix epoch.
    pub at: i64,
    pub requests: u64,
    pub errors: u64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

#[derive(Default)]
pub struct Traffic {
    minutes: Mutex<VecDeque<Minute>>,
}

impl Traffic {
    /// Counts one finished request at `now_minute` (minutes since the epoch).
    pub fn record(&self, now_minute: i64, status: u16, seconds: f64) {
        let bucket = BOUNDS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(BOUNDS.len());
        let mut minutes = self.minutes.lock().unwrap_or_else(|e| e.into_inner());
        if minutes.back().is_none_or(|last| last.at < now_minute) {
            minutes.push_back(Minute::new(now_minute));
            while minutes.len() > MINUTES {
                minutes.pop_front();
            }
        }
        // A request that finishes just after the minute turned but started before is
        // counted in the newest minute; the clock never goes back far enough to matter.
        if let Some(minute) = minutes.back_mut() {
            minute.requests += 1;
            minute.errors += u64::from(status >= 500);
            minute.buckets[bucket] += 1;
        }
    }

    /// The last hour ending at `now_minute`, oldest first, one entry per minute (empty
    /// minutes as zeros).
    pub fn last_hour(&self, now_minute: i64) -> Vec<MinuteFigures> {
        let minutes = self.minutes.lock().unwrap_or_else(|e| e.into_inner());
        (now_minute - MINUTES as i64 + 1..=now_minute)
            .map(|at| {
                let minute = minutes
                    .iter()
                    .find(|m| m.at == at)
                    .cloned()
                    .unwrap_or_else(|| Minute::new(at));
                MinuteFigures {
                    at,
                    requests: minute.requests,
                    errors: minute.errors,
                    p50_ms: minute.quantile_ms(0.5),
                    p99_ms: minute.quantile_ms(0.99),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_minute_and_estimates_its_percentiles() {
        let traffic = Traffic::default();
        for _ in 0..98 {
            traffic.record(1000, 200, 0.0015);
        }
        traffic.record(1000, 500, 0.2);
        traffic.record(1000, 200, 0.2);
        traffic.record(1002, 200, 0.004);
        let hour = traffic.last_hour(1002);
        assert_eq!(hour.len(), 60);
        assert_eq!(hour[59].at, 1002);
        let first = &hour[57];
        assert_eq!((first.at, first.requests, first.errors), (1000, 100, 1));
        let p50 = first.p50_ms.unwrap_or_default();
        assert!((1.0..=2.0).contains(&p50), "p50 {p50}");
        let p99 = first.p99_ms.unwrap_or_default();
        assert!((100.0..=250.0).contains(&p99), "p99 {p99}");
        assert_eq!((hour[58].requests, hour[58].p50_ms), (0, None));
        assert_eq!(hour[59].requests, 1);
    }

    #[test]
    fn keeps_only_the_last_hour() {
        let traffic = Traffic::default();
        traffic.record(0, 200, 0.001);
        traffic.record(61, 200, 0.001);
        let hour = traffic.last_hour(61);
        assert_eq!(hour.iter().map(|m| m.requests).sum::<u64>(), 1);
        assert!(traffic.minutes.lock().map(|m| m.len()).unwrap_or(0) <= MINUTES);
    }
}
