//! The client address that rate limits, sessions and the audit log record: the TCP peer,
//! unless the peer is a configured trusted proxy, and only then from `X-Forwarded-For`.

use crate::{
    helpers::{TestApp, spawn_app, spawn_app_with},
    identity::{PASSWORD, bare_client, confirmed_member},
};
use reqwest::StatusCode;
use wellspring::server::http::client_ip::TrustedProxies;

/// Signs in with a forged or forwarded `X-Forwarded-For`.
async fn sign_in_forwarded(app: &TestApp, email: &str, forwarded_for: &str) {
    let response = bare_client()
        .post(format!("{}/api/auth/login", app.address))
        .header("x-forwarded-for", forwarded_for)
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// The addresses the per-IP sign-in limit counted.
async fn sign_in_ip_buckets(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "select distinct bucket from auth.rate_limits where bucket like 'sign_in:ip:%' order by 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// The address the sign-in's audit row and session row recorded.
async fn recorded_ips(app: &TestApp) -> (String, String) {
    let audit: String = sqlx::query_scalar(
        "select host(ip) from auth.audit_log where event = 'sign_in' order by id desc limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let session: String =
        sqlx::query_scalar("select host(ip) from auth.sessions order by created_at desc limit 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    (audit, session)
}

#[tokio::test]
async fn a_spoofed_forwarded_for_from_an_untrusted_peer_changes_neither_limit_nor_audit() {
    // No proxies trusted (the default), and one that is not this test's peer.
    for trusted in [TrustedProxies::default(), proxies("10.0.0.0/8")] {
        let app = spawn_app_with(|settings| settings.server.trusted_proxies = trusted).await;
        confirmed_member(&app, "wren@example.org", "wren").await;
        sign_in_forwarded(&app, "wren@example.org", "203.0.113.9").await;
        sign_in_forwarded(&app, "wren@example.org", "198.51.100.7, 10.0.0.1").await;
        assert_eq!(sign_in_ip_buckets(&app).await, ["sign_in:ip:127.0.0.1"]);
        assert_eq!(
            recorded_ips(&app).await,
            ("127.0.0.1".to_owned(), "127.0.0.1".to_owned())
        );
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_limited_and_audited() {
    let app = spawn_app_with(|settings| {
        settings.server.trusted_proxies = proxies("127.0.0.1, 10.0.0.0/8");
    })
    .await;
    confirmed_member(&app, "lark@example.org", "lark").await;
    // The client wrote 1.1.1.1 itself; our edge saw 203.0.113.9; an inner proxy passed it on.
    sign_in_forwarded(&app, "lark@example.org", "1.1.1.1, 203.0.113.9, 10.0.0.5").await;
    assert_eq!(sign_in_ip_buckets(&app).await, ["sign_in:ip:203.0.113.9"]);
    assert_eq!(
        recorded_ips(&app).await,
        ("203.0.113.9".to_owned(), "203.0.113.9".to_owned())
    );
}

#[tokio::test]
async fn metrics_are_not_loopback_to_a_client_forwarded_by_a_local_proxy() {
    let app = spawn_app_with(|settings| {
        settings.server.trusted_proxies = proxies("127.0.0.1");
    })
    .await;
    let direct = app.get("/metrics").await;
    assert_eq!(direct.status(), StatusCode::OK);
    let forwarded = app
        .get_with_header("/metrics", "x-forwarded-for", "203.0.113.9")
        .await;
    assert_eq!(forwarded.status(), StatusCode::FORBIDDEN);
    // Without trusted proxies the header means nothing.
    let plain = spawn_app().await;
    let spoofed = plain
        .get_with_header("/metrics", "x-forwarded-for", "203.0.113.9")
        .await;
    assert_eq!(spoofed.status(), StatusCode::OK);
}

pub fn proxies(list: &str) -> TrustedProxies {
    TrustedProxies::parse(list.split(',')).unwrap()
}
