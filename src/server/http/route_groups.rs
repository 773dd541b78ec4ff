//! Route groups, each with its own request-time bound and body limit: pages, the `/api`
//! server functions, `/realtime` (long-lived upgrades: no time bound), uploads (large
//! bodies, streamed and cut off at the limit) and the operator endpoints (health, metrics).
//! One middleware classifies each request by path and applies its group's limits, so a new
//! group is one enum variant and one configuration section, not a second router.

use crate::server::{config::GroupLimits, state::AppState};
use axum::{
    body::Body,
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{StatusCode, header};
use http_body_util::Limited;
use std::time::Duration;

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
        }
    }
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
    // A body without a length (chunked) is cut off where it passes the limit.
    let request = request.map(|body| Body::new(Limited::new(body, limits.body_limit)));
    match limits.timeout {
        None => next.run(request).await,
        Some(bound) => match tokio::time::timeout(bound, next.run(request)).await {
            Ok(response) => response,
            Err(_) => {
                tracing::warn!(
                    group = group.as_str(),
                    bound_ms = bound.as_millis() as u64,
                    "request timed out"
                );
                StatusCode::SERVICE_UNAVAILABLE.into_response()
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
                body_limit: 100
            }
        );
        let realtime = GroupLimits {
            timeout_secs: Some(0),
            body_limit_bytes: Some(10),
        };
        assert_eq!(
            Limits::resolve(&realtime, default, 100),
            Limits {
                timeout: None,
                body_limit: 10
            }
        );
    }
}
