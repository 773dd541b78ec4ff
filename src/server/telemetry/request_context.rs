//! The outermost middleware: gives each request an id and a CSP nonce, wraps it in a
//! tracing span, echoes the id in `x-request-id`, and records its metrics.

use crate::{domain::RequestId, server::state::AppState};
use axum::{
    extract::{MatchedPath, Request, State},
    http::HeaderValue,
    middleware::Next,
    response::Response,
};
use base64::Engine as _;
use std::{
    sync::Arc,
    time::{Duration, Instant},
};
use tracing::Instrument as _;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// A request still running after this long is logged once at warn, while it runs: a request
/// that never answers otherwise leaves no line at all (its "finished" line never comes), and
/// a browser waiting on it shows only a timeout.
const SLOW_REQUEST: Duration = Duration::from_secs(5);

/// Per-request facts that pages, error pages and other middleware read from extensions.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub request_id: RequestId,
    /// Whether the id came from the client (or a proxy) rather than from us: such an id may
    /// be any word, so finding it in a page proves nothing (see `visitor_pages::store`).
    pub client_chosen: bool,
    /// Base64 nonce for this response's Content-Security-Policy and inline scripts.
    pub nonce: Arc<str>,
}

impl RequestContext {
    /// Keeps a safe id sent by the client or a proxy; otherwise makes a new one.
    pub fn for_request(incoming: Option<&HeaderValue>) -> Self {
        let chosen = incoming
            .and_then(|value| value.to_str().ok())
            .and_then(RequestId::parse);
        let client_chosen = chosen.is_some();
        let request_id = chosen.unwrap_or_else(|| RequestId::from_random(rand::random()));
        let nonce_bytes: [u8; 16] = rand::random();
        let nonce = base64::engine::general_purpose::STANDARD
            .encode(nonce_bytes)
            .into();
        Self {
            request_id,
            client_chosen,
            nonce,
        }
    }
}

pub async fn middleware(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let context = RequestContext::for_request(request.headers().get(REQUEST_ID_HEADER));
    let request_id = context.request_id.clone();
    let method = request.method().clone();
    let version = request.version();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let path = request.uri().path().to_owned();
    request.extensions_mut().insert(context);

    let span =
        tracing::info_span!("request", request_id = %request_id, method = %method, path = %path);
    span.in_scope(|| tracing::debug!("request started"));
    let mut unanswered = Unanswered {
        span: span.clone(),
        started,
        answered: false,
    };
    let run = next.run(request).instrument(span.clone());
    tokio::pin!(run);
    let mut response = tokio::select! {
        biased;
        response = &mut run => response,
        () = tokio::time::sleep(SLOW_REQUEST) => {
            span.in_scope(|| tracing::warn!(after_ms = SLOW_REQUEST.as_millis() as u64, "request still running"));
            run.await
        }
    };

    unanswered.answered = true;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    // Routes matched inside the router are only known after it ran.
    let route = route
        .or_else(|| {
            response
                .extensions()
                .get::<MatchedPath>()
                .map(|p| p.as_str().to_owned())
        })
        .unwrap_or_else(|| route_family(&path));
    state
        .metrics
        .record(method.as_str(), &route, status, elapsed);
    span.in_scope(|| {
        let latency_ms = elapsed.as_secs_f64() * 1000.0;
        if status >= 500 {
            tracing::warn!(status, latency_ms, route = %route, "request finished");
        } else {
            tracing::info!(status, latency_ms, route = %route, "request finished");
        }
    });
    if let Ok(value) = HeaderValue::from_str(request_id.as_str()) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    // Going away: a kept-alive client opens its next connection elsewhere (HTTP/1.1 only;
    // HTTP/2 has no such header, and its GOAWAY comes with the drain; an upgrade to a live
    // socket keeps its own `Connection: upgrade`, and the socket is told to go at the end).
    if version == axum::http::Version::HTTP_11 && status != 101 && state.draining.is_draining() {
        response.headers_mut().insert(
            axum::http::header::CONNECTION,
            HeaderValue::from_static("close"),
        );
    }
    response
}

/// Logs a request whose future was dropped before it answered: the client went away (a
/// navigation, a closed tab) and hyper stopped polling it. Without this line such a request
/// looks the same in the log as one that never answered.
struct Unanswered {
    span: tracing::Span,
    started: Instant,
    answered: bool,
}

impl Drop for Unanswered {
    fn drop(&mut self) {
        if !self.answered {
            let elapsed_ms = self.started.elapsed().as_secs_f64() * 1000.0;
            self.span
                .in_scope(|| tracing::debug!(elapsed_ms, "request abandoned by the client"));
        }
    }
}

/// A bounded label for requests no route matched.
fn route_family(path: &str) -> String {
    if path.starts_with("/pkg/") {
        "/pkg/*".to_owned()
    } else {
        "unmatched".to_owned()
    }
}
