//! A short-lived cache of the pages visitors (signed-out readers) see.
//!
//! Why: a visitor's page depends only on its address — Row Level Security shows every
//! visitor the same rows — yet each one cost a full render and several queries. Under load
//! the same few pages (home, a busy circle, a linked post) are rendered hundreds of times a
//! second, identically. Keeping each for about a second turns that into one render per page
//! per second, and concurrent misses for one address wait for a single render instead of
//! each running their own (no stampede when an entry expires).
//!
//! What keeps it safe:
//! - Only GETs that carry no cookie and no `Authorization` header, and whose caller the
//!   session middleware found signed out ([`Caller`]), read or fill it: a member's page is
//!   never stored, a member is never served a stored page, and nothing a page might read from
//!   a visitor's own cookies can reach another visitor.
//! - Only a complete `200 text/html` page is stored, and not when it sets a cookie, says
//!   `no-store` or `private`, or shows this request's id (an error panel does).
//! - Every page carries a fresh CSP nonce: the stored body is kept cut at the nonce it was
//!   rendered with, and each response is put together with its own request's nonce, which the
//!   security-header middleware (outside this one) then promises in the CSP header.
//! - Bounded: at most [`MAX_PAGES`] addresses, none larger than [`MAX_PAGE_BYTES`]; stale
//!   entries are swept when it is full, and when it is still full the request simply renders.
//!
//! What it costs: a visitor may see a page up to `server.visitor_page_cache_ms` old (a new
//! post or a deletion reaches visitors that much later); members always see fresh pages.
//! `0` turns it off.

use crate::server::{
    auth::session::Caller,
    http::{etag, route_groups::RouteGroup},
    state::AppState,
    telemetry::RequestContext,
};
use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http_body_util::BodyExt;
use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};
use tokio::sync::OnceCell;

/// Addresses kept at once. Far above what a site's visitors spread over in one second, low
/// enough that unique query strings cannot grow the process without bound.
pub const MAX_PAGES: usize = 512;
/// Pages larger than this are served but not kept.
pub const MAX_PAGE_BYTES: usize = 512 * 1024;

/// The cache, shared by every request through [`AppState`].
pub struct VisitorPages {
    ttl: Duration,
    slots: Mutex<HashMap<String, Arc<Slot>>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// One address's current render: filled once by whichever request got there first.
struct Slot {
    born: Instant,
    page: OnceCell<Option<Arc<StoredPage>>>,
}

/// A rendered page with its nonce cut out.
struct StoredPage {
    headers: HeaderMap,
    /// The body split at every occurrence of the nonce it was rendered with.
    pieces: Vec<Bytes>,
    len: usize,
}

/// What [`VisitorPages::stats`] reports for `/metrics`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VisitorPageStats {
    pub hits: u64,
    pub misses: u64,
    pub pages: usize,
}

impl VisitorPages {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            slots: Mutex::new(HashMap::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    pub fn stats(&self) -> VisitorPageStats {
        VisitorPageStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            pages: self.slots.lock().map(|slots| slots.len()).unwrap_or(0),
        }
    }

    /// The live slot for `key`, or a new one in place of a stale one. `None` when the cache is
    /// full of live pages: the request renders on its own.
    fn slot(&self, key: &str, now: Instant) -> Option<Arc<Slot>> {
        let mut slots = self.slots.lock().ok()?;
        if let Some(slot) = slots.get(key)
            && now.duration_since(slot.born) < self.ttl
        {
            return Some(slot.clone());
        }
        if slots.len() >= MAX_PAGES && !slots.contains_key(key) {
            slots.retain(|_, slot| now.duration_since(slot.born) < self.ttl);
            if slots.len() >= MAX_PAGES {
                return None;
            }
        }
        let slot = Arc::new(Slot {
            born: now,
            page: OnceCell::new(),
        });
        slots.insert(key.to_owned(), slot.clone());
        Some(slot)
    }
}

impl StoredPage {
    /// This page as a response carrying `nonce` wherever the original carried its own.
    fn respond(&self, nonce: &str) -> Response {
        let mut body = Vec::with_capacity(self.len + self.pieces.len() * nonce.len());
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(piece);
        }
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = self.headers.clone();
        response
    }
}

/// Serves and fills the cache; everything that is not a visitor's GET passes straight through.
pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let cache = &state.visitor_pages;
    let visitor = matches!(request.extensions().get::<Caller>(), Some(Caller(None)));
    let context = request.extensions().get::<RequestContext>().cloned();
    let (true, true, Some(context)) = (
        cache.enabled()
            && request.method() == Method::GET
            && RouteGroup::of(request.uri().path()) == RouteGroup::Pages,
        visitor
            && !request.headers().contains_key(header::COOKIE)
            && !request.headers().contains_key(header::AUTHORIZATION),
        context,
    ) else {
        return next.run(request).await;
    };
    let key = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |pq| pq.as_str().to_owned(),
    );
    let Some(slot) = cache.slot(&key, Instant::now()) else {
        return next.run(request).await;
    };

    // Whoever initialises the slot renders with its own request; the others keep theirs, to
    // render themselves if the page turns out not to be storable. If the renderer goes away
    // (the client hung up), the next waiter renders instead.
    let mut request = Some(request);
    let mut rendered_here: Option<Response> = None;
    let stored = slot
        .page
        .get_or_init(|| {
            let request = request.take();
            let rendered_here = &mut rendered_here;
            let next = next.clone();
            let context = context.clone();
            async move {
                let request = request?;
                let response = next.run(request).await;
                match store(response, &context).await {
                    Ok(page) => Some(Arc::new(page)),
                    Err(response) => {
                        *rendered_here = Some(response);
                        None
                    }
                }
            }
        })
        .await
        .clone();

    match (stored, rendered_here, request) {
        (Some(page), _, request) => {
            let counter = if request.is_some() {
                &cache.hits
            } else {
                &cache.misses
            };
            counter.fetch_add(1, Ordering::Relaxed);
            page.respond(&context.nonce)
        }
        (None, Some(response), _) => response,
        (None, None, Some(request)) => next.run(request).await,
        // Unreachable: a slot left empty was initialised by this request, which kept the response.
        (None, None, None) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The page to keep, or the response back when it must not be kept.
async fn store(response: Response, context: &RequestContext) -> Result<StoredPage, Response> {
    if !storable(&response) {
        return Err(response);
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            tracing::error!(error = %error, "rendering the page failed mid-stream");
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
    };
    // A page naming its request id (an error panel) belongs to that request. Error panels
    // also mark their response `no-store`; this catches one rendered after the headers left.
    // A client-chosen id is not looked for: it can be any word on the page, and would let
    // anyone switch the cache off for any page by sending it.
    let request_id = context.request_id.to_string();
    let names_its_request = !context.client_chosen && contains(&bytes, request_id.as_bytes());
    if bytes.len() > MAX_PAGE_BYTES || names_its_request {
        return Err(Response::from_parts(parts, Body::from(bytes)));
    }
    let nonce = context.nonce.as_bytes();
    // The ETag middleware trusts a tag already present, so a stored page is hashed once.
    if let Ok(tag) = HeaderValue::from_str(&etag::weak_etag(&bytes, Some(&context.nonce))) {
        parts.headers.insert(header::ETAG, tag);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Ok(StoredPage {
        headers: parts.headers,
        len: bytes.len(),
        pieces: split_at_nonce(&bytes, nonce),
    })
}

/// The body cut at every occurrence of `nonce` (one piece when it has none).
fn split_at_nonce(bytes: &Bytes, nonce: &[u8]) -> Vec<Bytes> {
    let mut pieces = Vec::new();
    let mut start = 0;
    while let Some(at) = find_from(bytes, nonce, start) {
        pieces.push(bytes.slice(start..at));
        start = at + nonce.len();
    }
    pieces.push(bytes.slice(start..));
    pieces
}

/// A complete, public, cookie-free HTML page.
fn storable(response: &Response) -> bool {
    let headers = response.headers();
    let private = headers
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("no-store") || v.contains("private"));
    response.status() == StatusCode::OK
        && etag::is_html(response)
        && !private
        && !headers.contains_key(header::SET_COOKIE)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && find_from(haystack, needle, 0).is_some()
}

fn find_from(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from >= haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|at| from + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str, nonce: &str) -> StoredPage {
        let bytes = Bytes::copy_from_slice(body.as_bytes());
        StoredPage {
            headers: HeaderMap::new(),
            len: bytes.len(),
            pieces: split_at_nonce(&bytes, nonce.as_bytes()),
        }
    }

    async fn body_of(response: Response) -> String {
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_stored_page_carries_each_responses_own_nonce() {
        let stored = page(
            r#"<script nonce="OLD">a</script><p>OLD text</p><script nonce="OLD">b</script>"#,
            "OLD",
        );
        let body = body_of(stored.respond("NEW1")).await;
        assert_eq!(
            body,
            r#"<script nonce="NEW1">a</script><p>NEW1 text</p><script nonce="NEW1">b</script>"#
        );
        assert!(!body.contains("OLD"));
    }

    #[tokio::test]
    async fn a_page_without_the_nonce_is_served_as_it_was() {
        let stored = page("<p>plain</p>", "OLD");
        assert_eq!(body_of(stored.respond("NEW")).await, "<p>plain</p>");
    }

    #[test]
    fn stale_slots_are_replaced_and_a_full_cache_sweeps_before_refusing() {
        let cache = VisitorPages::new(Duration::from_millis(100));
        let start = Instant::now();
        let first = cache.slot("/a", start).unwrap();
        let again = cache.slot("/a", start + Duration::from_millis(50)).unwrap();
        assert!(Arc::ptr_eq(&first, &again), "a live slot is shared");
        let later = cache
            .slot("/a", start + Duration::from_millis(150))
            .unwrap();
        assert!(!Arc::ptr_eq(&first, &later), "a stale slot is replaced");

        for i in 1..MAX_PAGES {
            assert!(cache.slot(&format!("/p{i}"), start).is_some());
        }
        assert_eq!(cache.stats().pages, MAX_PAGES);
        assert!(
            cache.slot("/one-more", start).is_none(),
            "full of live pages: refuse, do not grow"
        );
        let swept = cache.slot("/one-more", start + Duration::from_millis(120));
        assert!(swept.is_some(), "stale pages make room");
        assert!(cache.stats().pages <= 2);
    }

    #[test]
    fn only_complete_public_cookie_free_html_is_storable() {
        let html = |status: StatusCode, extra: Option<(header::HeaderName, &'static str)>| {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = status;
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            if let Some((name, value)) = extra {
                response
                    .headers_mut()
                    .insert(name, HeaderValue::from_static(value));
            }
            response
        };
        assert!(storable(&html(StatusCode::OK, None)));
        assert!(!storable(&html(StatusCode::NOT_FOUND, None)));
        assert!(!storable(&html(
            StatusCode::OK,
            Some((header::SET_COOKIE, "a=b"))
        )));
        assert!(!storable(&html(
            StatusCode::OK,
            Some((header::CACHE_CONTROL, "no-store"))
        )));
        assert!(!storable(&html(
            StatusCode::OK,
            Some((header::CACHE_CONTROL, "private, max-age=0"))
        )));
        let mut json = Response::new(Body::empty());
        json.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert!(!storable(&json));
    }
}
