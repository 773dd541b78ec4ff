//! Conditional GETs for server-rendered HTML: a weak ETag over the page, `no-cache` so
//! browsers revalidate, and 304 when nothing changed.
//!
//! Every page carries a fresh CSP nonce, so the tag is computed with the nonce removed.
//! A 304 then must not carry this request's CSP header: the browser keeps the stored
//! response's policy, whose nonce matches the stored body.

use crate::server::telemetry::RequestContext;
use axum::{
    body::Body,
    extract::Request,
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};

pub async fn middleware(request: Request, next: Next) -> Response {
    let cacheable = matches!(*request.method(), Method::GET | Method::HEAD);
    let nonce = request
        .extensions()
        .get::<RequestContext>()
        .map(|c| c.nonce.clone());
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    if !cacheable || response.status() != StatusCode::OK || !is_html(&response) {
        return response;
    }
    // A page from the visitor cache was tagged when it was stored: no need to read it again.
    if let Some(etag) = response
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    {
        let (mut parts, body) = response.into_parts();
        parts
            .headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-cache"));
        if if_none_match.is_some_and(|given| matches_etag(&given, &etag)) {
            return not_modified(parts);
        }
        return Response::from_parts(parts, body);
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            tracing::error!(error = %error, "rendering the page failed mid-stream");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let etag = weak_etag(&bytes, nonce.as_deref());
    parts
        .headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, value);
    }
    if if_none_match.is_some_and(|given| matches_etag(&given, &etag)) {
        return not_modified(parts);
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn not_modified(mut parts: axum::http::response::Parts) -> Response {
    parts.status = StatusCode::NOT_MODIFIED;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_SECURITY_POLICY);
    Response::from_parts(parts, Body::empty())
}

/// Whether the response is an HTML page (the layers that read, compress or keep pages ask).
pub fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// `W/"<first 128 bits of sha256>"` over the body with every occurrence of the nonce removed.
pub fn weak_etag(body: &[u8], nonce: Option<&str>) -> String {
    let mut hasher = Sha256::new();
    match nonce.filter(|n| !n.is_empty()) {
        Some(nonce) => {
            let needle = nonce.as_bytes();
            let mut rest = body;
            while let Some(at) = find(rest, needle) {
                hasher.update(&rest[..at]);
                rest = &rest[at + needle.len()..];
            }
            hasher.update(rest);
        }
        None => hasher.update(body),
    }
    let digest = hasher.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn matches_etag(given: &HeaderValue, etag: &str) -> bool {
    let Ok(given) = given.to_str() else {
        return false;
    };
    let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    given
        .split(',')
        .any(|tag| tag.trim() == "*" || bare(tag) == bare(etag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nonce_does_not_change_the_tag() {
        let a = weak_etag(b"<script nonce=\"AAA\">x</script>", Some("AAA"));
        let b = weak_etag(b"<script nonce=\"BBB\">x</script>", Some("BBB"));
        assert_eq!(a, b);
        let c = weak_etag(b"<script nonce=\"BBB\">y</script>", Some("BBB"));
        assert_ne!(a, c);
    }

    #[test]
    fn if_none_match_accepts_lists_and_weak_forms() {
        let tag = "W/\"abc\"";
        assert!(matches_etag(
            &HeaderValue::from_static("\"x\", W/\"abc\""),
            tag
        ));
        assert!(matches_etag(&HeaderValue::from_static("\"abc\""), tag));
        assert!(!matches_etag(&HeaderValue::from_static("W/\"abd\""), tag));
    }
}
