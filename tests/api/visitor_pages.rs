//! The visitor page cache through HTTP: visitors share one render of a page for the cache's
//! lifetime, each response still carries its own CSP nonce, members never read or fill it,
//! and only complete public pages are kept.

use crate::community::{admin, call, create_circle, join, member, page, write_post};
use crate::helpers::{TestApp, spawn_app_with};
use reqwest::{StatusCode, header};

/// Long enough that nothing expires while a test runs: what a test sees twice is a hit.
const LONG: u64 = 60_000;

fn nonce_of(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("csp has a nonce") + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_owned()
}

/// (status, CSP nonce, ETag, body) of a visitor's GET.
async fn visit(app: &TestApp, path: &str) -> (StatusCode, String, Option<String>, String) {
    let response = app.get(path).await;
    let status = response.status();
    let nonce = nonce_of(
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap(),
    );
    let etag = response
        .headers()
        .get(header::ETAG)
        .map(|v| v.to_str().unwrap().to_owned());
    (status, nonce, etag, response.text().await.unwrap())
}

/// (hits, misses) from `/metrics`.
async fn counts(app: &TestApp) -> (u64, u64) {
    let (_, _, body) = app.get_text("/metrics").await;
    let read = |outcome: &str| {
        let prefix = format!("wellspring_visitor_pages_total{{outcome=\"{outcome}\"}} ");
        body.lines()
            .find_map(|line| line.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {prefix} in /metrics"))
            .parse::<u64>()
            .unwrap()
    };
    (read("hit"), read("miss"))
}

#[tokio::test]
async fn visitors_share_one_render_and_each_response_carries_its_own_nonce() {
    let app = spawn_app_with(|s| s.server.visitor_page_cache_ms = LONG).await;
    let (status, first_nonce, first_tag, first) = visit(&app, "/circles").await;
    assert_eq!(status, StatusCode::OK);
    let (status, second_nonce, second_tag, second) = visit(&app, "/circles").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        counts(&app).await,
        (1, 1),
        "the second visitor read the stored page"
    );

    assert_ne!(first_nonce, second_nonce, "each response has a fresh nonce");
    assert!(first.contains(&format!("nonce=\"{first_nonce}\"")));
    assert!(
        second.contains(&format!("nonce=\"{second_nonce}\"")),
        "the stored page's scripts carry this response's nonce, as the CSP header promises"
    );
    assert!(
        !second.contains(&first_nonce),
        "the first response's nonce is never handed to another visitor"
    );
    assert_eq!(
        first.replace(&first_nonce, "N"),
        second.replace(&second_nonce, "N"),
        "the same page apart from the nonce"
    );
    assert_eq!(
        first_tag, second_tag,
        "the validator does not depend on the nonce"
    );

    // A request with any cookie renders for itself (a page might read something of its own
    // from one) and stores nothing.
    let with_cookie = app
        .get_with_header("/circles", "cookie", "ws_mfa_ticket=someone-elses")
        .await;
    assert_eq!(with_cookie.status(), StatusCode::OK);
    assert_eq!(
        counts(&app).await,
        (1, 1),
        "a request with a cookie bypassed the cache"
    );

    // A stored page still answers conditional requests.
    let revalidated = app
        .get_with_header("/circles", "if-none-match", first_tag.as_deref().unwrap())
        .await;
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn visitors_see_the_stored_page_until_it_expires_and_members_always_see_fresh_ones() {
    let app = spawn_app_with(|s| s.server.visitor_page_cache_ms = LONG).await;
    let host = admin(&app, "cachehost", "Cache Host").await;
    create_circle(&app, &host, "still-water", "public", false).await;
    let writer = member(&app, "cachewriter", "Cache Writer").await;
    assert_eq!(
        join(&app, &writer, "still-water").await.status,
        StatusCode::OK
    );

    let (_, before) = page(&app, "/c/still-water", "").await;
    write_post(
        &app,
        &writer,
        "still-water",
        "Morning pages by the lake",
        "Ten minutes of writing.",
    )
    .await;

    let (status, visitor) = page(&app, "/c/still-water", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!before.contains("Morning pages by the lake"));
    assert!(
        !visitor.contains("Morning pages by the lake"),
        "within the cache's lifetime a visitor gets the stored page"
    );
    let (status, own) = page(&app, "/c/still-water", &writer.cookies).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        own.contains("Morning pages by the lake"),
        "a member's page is rendered for them, never read from the cache"
    );
    assert!(own.contains("Cache Writer") || own.contains("cachewriter"));

    // And a member's render is never stored for visitors.
    let (_, visitor_again) = page(&app, "/c/still-water", "").await;
    assert!(!visitor_again.contains("Morning pages by the lake"));
    assert!(
        !visitor_again.contains("Sign out"),
        "no member's page reached a visitor"
    );
}

#[tokio::test]
async fn with_the_cache_off_visitors_see_new_posts_at_once() {
    let app = spawn_app_with(|s| s.server.visitor_page_cache_ms = 0).await;
    let host = admin(&app, "freshhost", "Fresh Host").await;
    create_circle(&app, &host, "fresh-air", "public", false).await;
    assert_eq!(join(&app, &host, "fresh-air").await.status, StatusCode::OK);
    let (_, before) = page(&app, "/c/fresh-air", "").await;
    assert!(!before.contains("Evening walk"));
    write_post(
        &app,
        &host,
        "fresh-air",
        "Evening walk",
        "Around the block.",
    )
    .await;
    let (_, after) = page(&app, "/c/fresh-air", "").await;
    assert!(after.contains("Evening walk"));
    assert_eq!(counts(&app).await, (0, 0));
}

#[tokio::test]
async fn concurrent_visitors_of_one_page_wait_for_a_single_render() {
    let app = spawn_app_with(|s| s.server.visitor_page_cache_ms = LONG).await;
    let mut visits = tokio::task::JoinSet::new();
    for _ in 0..24 {
        let url = format!("{}/", app.address);
        visits.spawn(async move {
            let response = reqwest::get(url).await.unwrap();
            let status = response.status();
            let csp = response.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .to_owned();
            (status, nonce_of(&csp), response.text().await.unwrap())
        });
    }
    while let Some(visit) = visits.join_next().await {
        let (status, nonce, body) = visit.unwrap();
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains(&format!("nonce=\"{nonce}\"")));
    }
    assert_eq!(
        counts(&app).await,
        (23, 1),
        "one render served all 24 visitors"
    );
}

#[tokio::test]
async fn pages_that_are_not_complete_and_public_are_never_stored() {
    let app = spawn_app_with(|s| s.server.visitor_page_cache_ms = LONG).await;
    // Not found: rendered each time.
    for _ in 0..2 {
        assert_eq!(
            page(&app, "/c/no-such-circle", "").await.0,
            StatusCode::NOT_FOUND
        );
    }
    // A page showing an error panel carries this request's id: rendered each time.
    let host = admin(&app, "panelhost", "Panel Host").await;
    create_circle(&app, &host, "quiet-hours", "public", false).await;
    for _ in 0..2 {
        let (status, body) = page(&app, "/c/quiet-hours?after=not-a-cursor", "").await;
        assert_eq!(
            status,
            StatusCode::OK,
            "the circle shows; only its feed failed"
        );
        assert!(body.contains("quiet-hours"));
    }
    // A server function's reply is not a page; a server function's reply is not a page.
    let reply = call(&app, "circles/list", &[], "").await;
    assert_ne!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(counts(&app).await, (0, 0));

    // Different addresses are different pages.
    page(&app, "/search?q=calm", "").await;
    page(&app, "/search?q=sleep", "").await;
    assert_eq!(counts(&app).await, (0, 2));
    page(&app, "/search?q=sleep", "").await;
    assert_eq!(counts(&app).await, (1, 2));
}

#[tokio::test]
async fn a_client_chosen_request_id_cannot_switch_the_cache_off() {
    let app = spawn_app_with(|s| s.server.visitor_page_cache_ms = LONG).await;
    // "circles" is on the page: before, an id that occurred in the render made it
    // unstorable, so anyone could make every visit render afresh.
    for _ in 0..3 {
        let response = app
            .get_with_header("/circles", "x-request-id", "circles")
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["x-request-id"], "circles");
    }
    assert_eq!(
        counts(&app).await,
        (2, 1),
        "one render, then the stored page, whatever id the client chose"
    );
    // An error page still names its own request and is never kept.
    let missing = app
        .get_with_header("/c/no-such-circle", "x-request-id", "lb-0001")
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let body = missing.text().await.unwrap();
    assert!(body.contains("lb-0001"), "the error page names the request");
}
