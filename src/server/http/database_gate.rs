//! While the database is away (`db::health` says so), requests that need it are answered
//! 503 at once, with `Retry-After`, instead of each waiting out the pool's acquire timeout:
//! a load of thousands of requests is not held open for nothing, and a readiness probe with
//! a 1 s timeout sees a 503, not a hang.
//!
//! What needs no database keeps working: `/healthz`, `/metrics`, the static files, avatars
//! (read from the store by key) and the pages that are only words. A form posted without
//! JavaScript gets a page that says nothing was saved and shows what the member wrote, so
//! it is not lost; a script gets the same error a server function would have sent.

use crate::{
    domain::{AppError, RequestId},
    server::{
        http::{
            errors::{accepts_html, is_plain_form_call},
            html::escape,
        },
        state::AppState,
        telemetry::RequestContext,
    },
};
use axum::{
    body::Body,
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::Engine as _;
use http::{HeaderValue, Method, StatusCode, header};
use http_body_util::BodyExt as _;
use sha2::{Digest, Sha256};

/// Seconds a client is asked to wait: about how long a PostgreSQL restart takes.
const RETRY_AFTER_SECS: u32 = 5;
/// The most of a plain form's body read back to the member (forms are small; an upload is
/// not a plain form).
const FORM_READ_LIMIT: usize = 64 * 1024;

/// Pages that render from words alone, and files that come from disk or the store.
fn needs_database(path: &str) -> bool {
    const WITHOUT: [&str; 6] = [
        "/healthz",
        "/readyz",
        "/metrics",
        "/about",
        "/favicon.svg",
        "/robots.txt",
    ];
    !(WITHOUT.contains(&path) || path.starts_with("/pkg/") || path.starts_with("/media/avatars/"))
}

pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let needs = needs_database(request.uri().path());
    if !needs {
        return next.run(request).await;
    }
    if !state.database.is_up() {
        state.database.refused_one();
        return unavailable(request).await;
    }
    let response = if is_plain_form_post(&request) {
        let limit = state
            .settings
            .server
            .limits(crate::server::http::route_groups::RouteGroup::Api)
            .body_limit;
        keeping_the_form(request, next, limit).await
    } else {
        next.run(request).await
    };
    // A 503 from a route that needs the database may be the first sign of an outage: the
    // watcher probes now (a busy pool probes fine and changes nothing).
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        state.database.suspect();
    }
    response
}

/// A server function called by a plain HTML form (no JavaScript) with its fields.
fn is_plain_form_post(request: &Request) -> bool {
    request.method() == Method::POST
        && is_plain_form_call(request.uri().path(), request.headers())
        && is_plain_form(request.headers())
}

/// Runs a plain form's request with its body kept aside. If the database failed it on the
/// way (a 503, or server_fn's redirect back carrying `Unavailable`), the member gets the
/// page that shows what they typed instead: the redirect would reload the form empty.
async fn keeping_the_form(request: Request, next: Next, limit: usize) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(collected) = http_body_util::Limited::new(body, limit).collect().await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "That is more than this address accepts.",
        )
            .into_response();
    };
    let bytes = collected.to_bytes();
    let outage = Outage::of(&parts);
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    let failed = response.status() == StatusCode::SERVICE_UNAVAILABLE
        || (response.status().is_redirection()
            && response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .is_some_and(carries_unavailable));
    if !failed {
        return response;
    }
    outage.page(&kept_fields(&bytes), false)
}

/// server_fn sends a plain form's error back as `__err`, the error's JSON in URL-safe
/// base64, on the redirect to the form's page.
fn carries_unavailable(location: &str) -> bool {
    let Some((_, query)) = location.split_once('?') else {
        return false;
    };
    form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name == "__err")
        .filter_map(|(_, value)| {
            base64::engine::general_purpose::URL_SAFE
                .decode(value.as_bytes())
                .ok()
        })
        .filter_map(|json| serde_json::from_slice::<AppError>(&json).ok())
        .any(|error| error == AppError::Unavailable)
}

async fn unavailable(request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let outage = Outage::of(&parts);
    if parts.uri.path().starts_with("/api/") && !accepts_html(&parts.headers) {
        // What the server function itself answers for an unreachable database.
        return told_to_wait(
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "application/json")],
                serde_json::to_string(&AppError::Unavailable).unwrap_or_default(),
            )
                .into_response(),
        );
    }
    let kept = if parts.method == Method::POST && is_plain_form(&parts.headers) {
        read_form(body).await
    } else {
        Vec::new()
    };
    outage.page(&kept, parts.method == Method::GET)
}

/// What the outage page needs from the request: its id (shown) and the way back.
struct Outage {
    request_id: Option<RequestId>,
    back: Option<String>,
}

impl Outage {
    fn of(parts: &http::request::Parts) -> Self {
        Self {
            request_id: parts
                .extensions
                .get::<RequestContext>()
                .map(|context| context.request_id.clone()),
            back: parts
                .headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(same_site_path),
        }
    }

    fn page(&self, kept: &[(String, String)], is_get: bool) -> Response {
        told_to_wait(page(
            self.request_id.as_ref(),
            kept,
            self.back.as_deref(),
            is_get,
        ))
    }
}

/// Every outage answer: come back in a few seconds, and never keep this.
fn told_to_wait(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn is_plain_form(headers: &http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"))
}

/// What the member typed, read from a body the database gate turned away.
async fn read_form(body: Body) -> Vec<(String, String)> {
    match http_body_util::Limited::new(body, FORM_READ_LIMIT)
        .collect()
        .await
    {
        Ok(collected) => kept_fields(&collected.to_bytes()),
        Err(_) => Vec::new(),
    }
}

/// Every field but secrets, hidden plumbing (ids, keys) and empty ones, in the order the
/// form sent them.
fn kept_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .filter(|(name, value)| worth_keeping(name, value))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

fn worth_keeping(name: &str, value: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let secret = ["password", "token", "secret", "code", "key", "csrf"]
        .iter()
        .any(|word| name.contains(word));
    // Ids and keys: numbers, and long runs of hex (a UUID, an idempotency key).
    let plumbing = value.chars().all(|c| c.is_ascii_digit())
        || (value.len() >= 16 && value.chars().all(|c| c.is_ascii_hexdigit() || c == '-'));
    !secret && !plumbing && !value.trim().is_empty()
}

/// A referrer on this site, as a path: the way back to the form. Anything else is dropped.
fn same_site_path(referer: &str) -> Option<String> {
    let after_scheme = referer.split_once("://")?.1;
    let path = &after_scheme[after_scheme.find('/')?..];
    (path.starts_with('/') && !path.starts_with("//")).then(|| path.to_owned())
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;\
padding:0 1rem;color:#1f2a24;background:#f7f5f0}h1{font-size:1.4rem}\
label{display:block;margin-top:1rem;font-weight:600}\
textarea{width:100%;min-height:6rem;font:inherit;padding:.5rem}\
.id{color:#5b6660;font-size:.85rem}a{color:#2f6b4f}\
@media (prefers-color-scheme:dark){body{background:#151a17;color:#e6ece8}a{color:#8fd0ae}}";

fn page(
    request_id: Option<&RequestId>,
    kept: &[(String, String)],
    back: Option<&str>,
    is_get: bool,
) -> Response {
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
    );
    if is_get {
        // Try the page again by itself after a while; nothing typed is on a GET page.
        html.push_str("<meta http-equiv=\"refresh\" content=\"15\">");
    }
    html.push_str("<title>Wellspring is briefly unavailable</title><style>");
    html.push_str(STYLE);
    html.push_str("</style></head><body><main><h1>");
    html.push_str(&escape(&AppError::Unavailable.to_string()));
    html.push_str("</h1>");
    if kept.is_empty() {
        html.push_str("<p>We're reconnecting on our side. This page tries again by itself.</p>");
    } else {
        html.push_str(
            "<p><strong>Nothing was saved.</strong> Here is what you wrote, so it isn't lost: \
             copy it, go back, and send it again in a moment.</p>",
        );
        for (index, (name, value)) in kept.iter().enumerate() {
            html.push_str(&format!(
                "<label for=\"kept-{index}\">{}</label><textarea id=\"kept-{index}\" readonly>{}</textarea>",
                escape(&field_label(name)),
                escape(value)
            ));
        }
    }
    if let Some(back) = back {
        html.push_str(&format!(
            "<p><a href=\"{}\">Back to where you were</a></p>",
            escape(back)
        ));
    }
    if let Some(id) = request_id {
        html.push_str(&format!(
            "<p class=\"id\">Reference: {}</p>",
            escape(id.as_str())
        ));
    }
    html.push_str("</main></body></html>");
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    // This page's own policy: no script at all, and only its one inline style.
    let style_hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE));
    if let Ok(policy) = HeaderValue::from_str(&format!(
        "default-src 'none'; style-src 'sha256-{style_hash}'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

/// `body` → "Body", `display_name` → "Display name".
fn field_label(name: &str) -> String {
    let spaced = name.replace(['_', '-'], " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Text".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_files_need_no_database() {
        for path in [
            "/healthz",
            "/about",
            "/pkg/wellspring.wasm",
            "/media/avatars/x/64",
        ] {
            assert!(!needs_database(path), "{path}");
        }
        for path in [
            "/",
            "/c/calm",
            "/api/posts/get",
            "/media/post-media/x/480",
            "/uploads/avatar",
        ] {
            assert!(needs_database(path), "{path}");
        }
    }

    #[test]
    fn typed_words_are_kept_and_secrets_and_ids_are_not() {
        assert!(worth_keeping("body", "A long reply about breathing."));
        assert!(worth_keeping("title", "Morning"));
        assert!(worth_keeping("title", "cafe"));
        assert!(!worth_keeping("password", "hunter2hunter2"));
        assert!(!worth_keeping("new_password", "x"));
        assert!(!worth_keeping("totp_code", "123456"));
        assert!(!worth_keeping("post", "1234"));
        assert!(!worth_keeping(
            "submission",
            "0b8e6f0a-5d1c-4c2e-9a55-0e1e6c1f9d3a"
        ));
        assert!(!worth_keeping("body", "   "));
    }

    #[test]
    fn only_a_path_on_this_site_is_offered_as_the_way_back() {
        assert_eq!(
            same_site_path("http://127.0.0.1:3000/c/calm/p/1-x?a=1").as_deref(),
            Some("/c/calm/p/1-x?a=1")
        );
        assert_eq!(same_site_path("https://example.org"), None);
        assert_eq!(same_site_path("javascript:alert(1)"), None);
        assert_eq!(same_site_path("http://a//evil.example/x"), None);
    }

    #[test]
    fn only_an_unavailable_error_in_the_redirect_counts() {
        let encode = |error: &AppError| {
            base64::engine::general_purpose::URL_SAFE.encode(serde_json::to_vec(error).unwrap())
        };
        let down = format!(
            "http://x/c/calm?__path=/api/x&__err={}",
            encode(&AppError::Unavailable)
        );
        assert!(carries_unavailable(&down));
        let refused = format!("http://x/c/calm?__err={}", encode(&AppError::Forbidden));
        assert!(!carries_unavailable(&refused));
        assert!(!carries_unavailable("http://x/c/calm/p/3-x"));
    }

    #[test]
    fn field_names_read_as_labels() {
        assert_eq!(field_label("body"), "Body");
        assert_eq!(field_label("display_name"), "Display name");
    }
}
