use crate::helpers::{spawn_app, spawn_app_with};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wellspring::server::config::AppEnv;

fn nonce_of(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("csp has a nonce") + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_owned()
}

#[tokio::test]
async fn pages_carry_a_strict_csp_whose_nonce_is_on_every_inline_script() {
    let app = spawn_app().await;
    let (_, headers, body) = app.get_text("/").await;
    let csp = headers["content-security-policy"].to_str().unwrap();
    for directive in [
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe-inline"));
    let nonce = nonce_of(csp);
    let scripts = body.matches("<script").count();
    assert!(scripts >= 1, "the hydration script is inline");
    assert_eq!(
        body.matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
            .count()
            + body.matches(&format!("<script nonce=\"{nonce}\"")).count(),
        scripts,
        "every inline script carries this response's nonce"
    );
}

#[tokio::test]
async fn every_response_gets_a_fresh_nonce() {
    let app = spawn_app().await;
    let first = app.get("/").await.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let second = app.get("/").await.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(nonce_of(&first), nonce_of(&second));
}

#[tokio::test]
async fn baseline_security_headers_are_on_every_response() {
    let app = spawn_app().await;
    for path in ["/", "/healthz", "/nowhere", "/robots.txt"] {
        let response = app.get(path).await;
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(
            h["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        assert!(h.contains_key("permissions-policy"), "{path}");
        assert!(h.contains_key("content-security-policy"), "{path}");
        assert!(
            !h.contains_key("strict-transport-security"),
            "no HSTS outside production ({path})"
        );
    }
}

#[tokio::test]
async fn production_adds_hsts() {
    let app = spawn_app_with(|s| {
        s.app_env = AppEnv::Production;
        s.auth.jwt_secret = "a-production-secret-long-enough-to-pass-the-check".into();
        s.server.secure_cookies = true;
    })
    .await;
    let response = app.get("/healthz").await;
    assert!(
        response.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
}

#[tokio::test]
async fn html_is_revalidated_with_an_etag_and_answered_304_without_a_new_policy() {
    let app = spawn_app().await;
    let first = app.get("/about").await;
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with("W/\""));

    let again = app.get_with_header("/about", "if-none-match", &etag).await;
    assert_eq!(again.status(), 304);
    assert!(!again.headers().contains_key("content-security-policy"));
    assert!(again.text().await.unwrap().is_empty());

    let other = app
        .get_with_header("/about", "if-none-match", "W/\"stale\"")
        .await;
    assert_eq!(other.status(), 200);
}

#[tokio::test]
async fn pages_are_compressed_whole_with_brotli_and_decode_to_the_same_page() {
    let app = spawn_app().await;
    let plain = app
        .get_with_header("/about", "accept-encoding", "identity")
        .await;
    assert!(!plain.headers().contains_key("content-encoding"));
    let plain_etag = plain.headers()["etag"].to_str().unwrap().to_owned();
    let plain_len = plain.text().await.unwrap().len();

    let br = app
        .get_with_header("/about", "accept-encoding", "gzip, deflate, br, zstd")
        .await;
    assert_eq!(br.status(), 200);
    assert_eq!(br.headers()["content-encoding"], "br");
    let vary: Vec<_> = br.headers().get_all("vary").iter().collect();
    assert!(
        vary.iter()
            .any(|v| v.to_str().unwrap().contains("accept-encoding")),
        "{vary:?}"
    );
    // The same page (the tag is taken before compression, without the nonce).
    assert_eq!(br.headers()["etag"].to_str().unwrap(), plain_etag);
    let compressed = br.bytes().await.unwrap();
    let mut page = String::new();
    std::io::Read::read_to_string(
        &mut brotli::Decompressor::new(&compressed[..], 4096),
        &mut page,
    )
    .unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("</html>"));
    assert_eq!(page.len(), plain_len);
    assert!(
        compressed.len() * 2 < plain_len,
        "{} of {plain_len}",
        compressed.len()
    );

    // A client that refuses brotli gets gzip from the layer outside.
    let gzip = app
        .get_with_header("/about", "accept-encoding", "br;q=0, gzip")
        .await;
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_served_precompressed() {
    let site = tempfile_dir();
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/app.abc.js"), "console.log('plain')").unwrap();
    std::fs::write(site.join("pkg/app.abc.js.br"), b"brotli-bytes").unwrap();
    std::fs::write(site.join("pkg/app.abc.js.gz"), b"gzip-bytes").unwrap();

    let mut options = crate::helpers::leptos_options();
    options.site_root = site.to_string_lossy().as_ref().into();
    options.hash_files = true;
    let state = {
        let app = spawn_app().await;
        let mut state = app.state.clone();
        state.leptos_options = options;
        (state, app)
    };
    let router = wellspring::server::startup::router(state.0.clone());
    use tower::ServiceExt;
    let request = axum::http::Request::get("/pkg/app.abc.js")
        .header("accept-encoding", "br, gzip")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()["content-encoding"], "br");
    let body = axum::body::to_bytes(response.into_body(), 1024)
        .await
        .unwrap();
    assert_eq!(&body[..], b"brotli-bytes");

    let request = axum::http::Request::get("/pkg/app.abc.js")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert!(!response.headers().contains_key("content-encoding"));
    let body = axum::body::to_bytes(response.into_body(), 1024)
        .await
        .unwrap();
    assert_eq!(&body[..], b"console.log('plain')");
    let _ = std::fs::remove_dir_all(&site);
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let app = spawn_app_with(|s| s.server.header_read_timeout_secs = 1).await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let mut buf = Vec::new();
    // The server must end the connection by itself; the outer timeout only guards the test.
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut buf)).await;
    assert!(
        read.is_ok(),
        "the server kept a slow client's connection open"
    );
    let text = String::from_utf8_lossy(&buf);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{text}"
    );
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("wellspring-site-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
