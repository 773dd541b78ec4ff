//! Cross-site request refusal for every state-changing request.
//!
//! Browsers say where a request came from: `Sec-Fetch-Site` (all current browsers) and
//! `Origin` (every cross-origin request and every POST). A write is refused when either
//! names another site. A request carrying neither comes from something that is not a
//! browser (curl, a test client) and so cannot be a forged cross-site request: it passes.
//! SameSite=Lax cookies are the second wall. Go 1.25's CrossOriginProtection works the same.

use crate::{
    domain::AppError,
    server::{http::errors::error_response, state::AppState},
};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::{HeaderMap, Method, header};

/// Whether a request with these headers may change state.
pub fn is_same_origin(method: &Method, headers: &HeaderMap, public_url: &str) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
        || comes_from_this_site(headers, public_url)
}

/// Whether a request was sent by one of this site's own pages (or typed by a person), by
/// `Sec-Fetch-Site`, else `Origin`; no `Origin` at all is not a browser's cross-site request.
/// Writes ask it through [`is_same_origin`]; the live socket's handshake, a GET that carries
/// the cookie, asks it directly.
pub fn comes_from_this_site(headers: &HeaderMap, public_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        // `none` is the person typing the URL or using a bookmark.
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if origin == "null" {
        return false;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    origin.trim_end_matches('/') == public_url.trim_end_matches('/')
        || (!host.is_empty() && origin_host == host)
}

/// Refuses cross-site writes with 403 before any handler runs.
pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if is_same_origin(
        request.method(),
        request.headers(),
        &state.settings.server.public_url,
    ) {
        return next.run(request).await;
    }
    tracing::warn!(
        origin = ?request.headers().get(header::ORIGIN),
        site = ?request.headers().get("sec-fetch-site"),
        path = %request.uri().path(),
        "refused a cross-site write"
    );
    error_response(AppError::CrossSite)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    const SITE: &str = "https://wellspring.example";

    #[test]
    fn reads_are_never_refused() {
        let h = headers(&[("sec-fetch-site", "cross-site")]);
        assert!(is_same_origin(&Method::GET, &h, SITE));
    }

    #[test]
    fn cross_site_writes_are_refused() {
        let post = Method::POST;
        assert!(!is_same_origin(
            &post,
            &headers(&[("sec-fetch-site", "cross-site")]),
            SITE
        ));
        assert!(!is_same_origin(
            &post,
            &headers(&[("sec-fetch-site", "same-site")]),
            SITE
        ));
        assert!(!is_same_origin(
            &post,
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "wellspring.example")
            ]),
            SITE
        ));
        assert!(!is_same_origin(
            &post,
            &headers(&[("origin", "null")]),
            SITE
        ));
    }

    #[test]
    fn same_origin_writes_pass() {
        let post = Method::POST;
        assert!(is_same_origin(
            &post,
            &headers(&[("sec-fetch-site", "same-origin")]),
            SITE
        ));
        assert!(is_same_origin(
            &post,
            &headers(&[("origin", "https://wellspring.example")]),
            SITE
        ));
        assert!(is_same_origin(
            &post,
            &headers(&[
                ("origin", "http://127.0.0.1:4000"),
                ("host", "127.0.0.1:4000")
            ]),
            SITE
        ));
        assert!(is_same_origin(&post, &HeaderMap::new(), SITE));
    }
}
