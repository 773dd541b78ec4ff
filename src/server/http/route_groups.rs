//! Route groups, each with its own request-time bound, body limit and load bounds: pages,
//! the `/api` server functions, `/realtime` (long-lived upgrades: no time bound), uploads
//! (large bodies, streamed and cut off at the limit) and the operator endpoints (health,
//! metrics). One middleware classifies each request by path and applies its group's limits,
//! so a new group is one enum variant and one configuration section, not a second router.
//!
//! Load is bounded, never queued without end: a group holds at most `max_in_flight`
//! requests and `bytes_in_flight` bytes of declared bodies at once, and the next one is
//! shed at once with 503 and `Retry-After` (counted per group in `/metrics`). A spike then
//! costs a quick retry, not a queue that grows until every request in it times out, and a
//! flood of uploads cannot take the slots pages need.

use crate::server::{config::GroupLimits, state::AppState};
use axum::{
    body::Body,
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{StatusCode, header};
use http_body_util::Limited;
use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteGroup {
    Pages,
    Api,
    Realtime,
    Uploads,
    Operator,
}

impl RouteGroup {
    pub fn of(path: &str) -> Self {
        let under = |prefix: &str| {
            path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        if matches!(path, "/healthz" | "/readyz" | "/metrics") {
            RouteGroup::Operator
        } else if under("/api") {
            RouteGroup::Api
        } else if under("/realtime") {
            RouteGroup::Realtime
        } else if under("/uploads") {
            RouteGroup::Uploads
        } else {
            RouteGroup::Pages
        }
    }

    pub const ALL: [RouteGroup; 5] = [
        RouteGroup::Pages,
        RouteGroup::Api,
        RouteGroup::Realtime,
        RouteGroup::Uploads,
        RouteGroup::Operator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RouteGroup::Pages => "pages",
            RouteGroup::Api => "api",
            RouteGroup::Realtime => "realtime",
            RouteGroup::Uploads => "uploads",
            RouteGroup::Operator => "operator",
        }
    }
}

/// A group's limits with the server-wide defaults filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// `None`: no bound (realtime connections live as long as the client stays).
    pub timeout: Option<Duration>,
    pub body_limit: usize,
    /// `None`: no bound.
    pub max_in_flight: Option<usize>,
    pub bytes_in_flight: Option<usize>,
}

impl Limits {
    pub fn resolve(group: &GroupLimits, default_timeout: Duration, default_body: usize) -> Self {
        Self {
            timeout: match group.timeout_secs {
                Some(0) => None,
                Some(secs) => Some(Duration::from_secs(secs)),
                None => Some(default_timeout),
            },
            body_limit: group.body_limit_bytes.unwrap_or(default_body),
            max_in_flight: group.max_in_flight.filter(|&n| n > 0),
            bytes_in_flight: group.bytes_in_flight.filter(|&n| n > 0),
        }
    }
}

/// One group's load bounds and what they turned away.
pub struct Gate {
    requests: Option<std::sync::Arc<Semaphore>>,
    bytes: Option<(std::sync::Arc<Semaphore>, usize)>,
    max_in_flight: usize,
    shed: AtomicU64,
    timed_out: AtomicU64,
}

/// Held while a request is in its group; dropping it frees the slot and the bytes.
pub struct Admitted {
    _request: Option<OwnedSemaphorePermit>,
    _bytes: Option<OwnedSemaphorePermit>,
}

impl Gate {
    fn new(limits: Limits) -> Self {
        Self {
            requests: limits
                .max_in_flight
                .map(|n| std::sync::Arc::new(Semaphore::new(n))),
            bytes: limits
                .bytes_in_flight
                .map(|n| (std::sync::Arc::new(Semaphore::new(n)), n)),
            max_in_flight: limits.max_in_flight.unwrap_or(0),
            shed: AtomicU64::new(0),
            timed_out: AtomicU64::new(0),
        }
    }

    /// A slot and `body_bytes` of the byte budget, or `None` (shed) when either is spent. A
    /// body larger than the whole budget is refused by the body limit before it gets here
    /// when the budget is sane; otherwise it waits for an empty group, so it is taken as the
    /// whole budget.
    fn admit(&self, body_bytes: usize) -> Option<Admitted> {
        let request = match &self.requests {
            Some(slots) => Some(slots.clone().try_acquire_owned().ok()?),
            None => None,
        };
        let bytes = match &self.bytes {
            Some((budget, total)) if body_bytes > 0 => {
                let wanted = u32::try_from(body_bytes.min(*total)).unwrap_or(u32::MAX);
                Some(budget.clone().try_acquire_many_owned(wanted).ok()?)
            }
            _ => None,
        };
        Some(Admitted {
            _request: request,
            _bytes: bytes,
        })
    }

    /// Requests in the group now (0 when it has no bound).
    pub fn in_flight(&self) -> usize {
        self.requests
            .as_ref()
            .map_or(0, |slots| self.max_in_flight - slots.available_permits())
    }

    pub fn shed(&self) -> u64 {
        self.shed.load(Ordering::Relaxed)
    }

    pub fn timed_out(&self) -> u64 {
        self.timed_out.load(Ordering::Relaxed)
    }
}

/// Every group's gate, built once from configuration and shared by all requests.
pub struct RouteGates {
    gates: [Gate; 5],
}

impl RouteGates {
    pub fn new(server: &crate::server::config::ServerSettings) -> Self {
        Self {
            gates: RouteGroup::ALL.map(|group| Gate::new(server.limits(group))),
        }
    }

    pub fn gate(&self, group: RouteGroup) -> &Gate {
        &self.gates[group as usize]
    }
}

/// Seconds a shed or timed-out client is asked to wait.
const RETRY_AFTER_SECS: u32 = 1;

fn busy(message: &'static str) -> Response {
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, message).into_response();
    response.headers_mut().insert(
        header::RETRY_AFTER,
        http::HeaderValue::from(RETRY_AFTER_SECS),
    );
    response
}

pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let group = RouteGroup::of(request.uri().path());
    let limits = state.settings.server.limits(group);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limits.body_limit as u64) {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "That is more than this address accepts.",
        )
            .into_response();
    }
    // What the body may hold: its declared length, or the limit when it streams unsized.
    let body_bytes = match declared {
        Some(len) => len as usize,
        None if request.headers().contains_key(header::TRANSFER_ENCODING) => limits.body_limit,
        None => 0,
    };
    let gate = state.route_gates.gate(group);
    let Some(_admitted) = gate.admit(body_bytes) else {
        gate.shed.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(group = group.as_str(), "shed: the group is full");
        return busy("Wellspring is very busy right now. Please try again in a moment.");
    };
    // A body without a length (chunked) is cut off where it passes the limit.
    let request = request.map(|body| Body::new(Limited::new(body, limits.body_limit)));
    match limits.timeout {
        None => next.run(request).await,
        Some(bound) => match tokio::time::timeout(bound, next.run(request)).await {
            Ok(response) => response,
            Err(_) => {
                gate.timed_out.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    group = group.as_str(),
                    bound_ms = bound.as_millis() as u64,
                    "request timed out"
                );
                busy("That took too long on our side. Please try again in a moment.")
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fall_into_their_groups() {
        assert_eq!(RouteGroup::of("/"), RouteGroup::Pages);
        assert_eq!(RouteGroup::of("/c/calm/p/1-x"), RouteGroup::Pages);
        assert_eq!(RouteGroup::of("/apiary"), RouteGroup::Pages);
        assert_eq!(RouteGroup::of("/api/posts/get"), RouteGroup::Api);
        assert_eq!(RouteGroup::of("/realtime"), RouteGroup::Realtime);
        assert_eq!(RouteGroup::of("/realtime/socket"), RouteGroup::Realtime);
        assert_eq!(RouteGroup::of("/uploads/avatars"), RouteGroup::Uploads);
        assert_eq!(RouteGroup::of("/metrics"), RouteGroup::Operator);
        assert_eq!(RouteGroup::of("/readyz"), RouteGroup::Operator);
    }

    #[test]
    fn unset_limits_take_the_server_wide_ones_and_zero_means_unbounded() {
        let default = Duration::from_secs(30);
        assert_eq!(
            Limits::resolve(&GroupLimits::default(), default, 100),
            Limits {
                timeout: Some(default),
                body_limit: 100,
                max_in_flight: None,
                bytes_in_flight: None,
            }
        );
        let realtime = GroupLimits {
            timeout_secs: Some(0),
            body_limit_bytes: Some(10),
            max_in_flight: Some(0),
            bytes_in_flight: Some(64),
        };
        assert_eq!(
            Limits::resolve(&realtime, default, 100),
            Limits {
                timeout: None,
                body_limit: 10,
                max_in_flight: None,
                bytes_in_flight: Some(64),
            }
        );
    }

    #[test]
    fn a_full_group_sheds_and_a_freed_slot_admits_again() {
        let gate = Gate::new(Limits {
            timeout: None,
            body_limit: 100,
            max_in_flight: Some(2),
            bytes_in_flight: Some(150),
        });
        let first = gate.admit(100).expect("room for the first");
        assert!(gate.admit(100).is_none(), "bytes spent: 100 + 100 > 150");
        let second = gate.admit(0).expect("a bodiless request needs no bytes");
        assert_eq!(gate.in_flight(), 2);
        assert!(gate.admit(0).is_none(), "both slots taken");
        drop(first);
        assert!(
            gate.admit(50).is_some(),
            "a freed slot and its bytes admit again"
        );
        drop(second);
        assert_eq!(gate.in_flight(), 0);
    }
}
