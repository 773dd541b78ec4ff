//! Route groups: each group's body limit and time bound come from its own configuration.

use crate::helpers::{spawn_app, spawn_app_with};
use std::time::{Duration, Instant};

#[tokio::test]
async fn each_group_has_its_own_body_limit() {
    let app = spawn_app().await;
    let body = vec![b'a'; 100 * 1024];
    let send = |path: &str| {
        app.client
            .post(format!("{}{path}", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
    };
    // Operator endpoints take 16 KiB at most.
    assert_eq!(send("/metrics").await.unwrap().status(), 413);
    // Uploads take 25 MiB: the body passes the limit and meets the (not yet built) route.
    assert_eq!(send("/uploads/avatars").await.unwrap().status(), 404);
    // Realtime takes 64 KiB.
    assert_eq!(send("/realtime").await.unwrap().status(), 413);
}

#[tokio::test]
async fn a_groups_time_bound_answers_503_and_leaves_other_groups_alone() {
    let app = spawn_app_with(|s| {
        s.database.max_connections = 1;
        s.database.acquire_timeout_ms = 10_000;
        s.server.groups.api.timeout_secs = Some(1);
    })
    .await;
    // Hold the only connection so a server function waits inside the server.
    let held = app.state.pool.acquire().await.unwrap();
    let started = Instant::now();
    let response = app.call_server_fn("status").await;
    let waited = started.elapsed();
    assert_eq!(response.status(), 503);
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "the api group's 1 s bound, not the pool's 10 s: {waited:?}"
    );
    // The operator group is not bound by the api group's limit.
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    drop(held);
    assert_eq!(app.call_server_fn("status").await.status(), 200);
}

#[tokio::test]
async fn a_full_group_sheds_with_retry_after_and_other_groups_still_answer() {
    let app = spawn_app_with(|s| {
        s.database.max_connections = 1;
        s.database.acquire_timeout_ms = 10_000;
        s.server.groups.api.max_in_flight = Some(1);
    })
    .await;
    // The only connection is held, so the first server function waits inside the group.
    let held = app.state.pool.acquire().await.unwrap();
    let waiting = tokio::spawn({
        let client = app.client.clone();
        let url = format!("{}/api/status", app.address);
        async move { client.post(url).send().await.unwrap().status() }
    });
    let mut shed = None;
    for _ in 0..100 {
        let response = app.call_server_fn("status").await;
        if response.status() == 503 {
            shed = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let shed = shed.expect("a second request in a full group is shed");
    assert_eq!(shed.headers()["retry-after"], "1");
    assert!(shed.text().await.unwrap().contains("very busy"));
    // Other groups have their own slots.
    assert_eq!(app.get("/healthz").await.status(), 200);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("wellspring_route_group_shed_total{group=\"api\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("wellspring_route_group_in_flight{group=\"api\"} 1"));
    drop(held);
    assert_eq!(
        waiting.await.unwrap(),
        200,
        "the waiting request was served"
    );
    assert_eq!(app.call_server_fn("status").await.status(), 200);
}

#[tokio::test]
async fn a_body_past_the_groups_byte_budget_is_shed_before_it_is_read() {
    use tokio::io::AsyncWriteExt as _;
    let app = spawn_app_with(|s| s.server.groups.api.bytes_in_flight = Some(1024)).await;
    // A request that declared 600 bytes and sent a few holds 600 of the 1,024.
    let mut slow = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/status HTTP/1.1\r\nHost: {}\r\nOrigin: {}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 600\r\n\r\na=",
        app.addr, app.address
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let second = app
        .client
        .post(format!("{}/api/status", app.address))
        .header("origin", app.address.as_str())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 600])
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 503, "600 + 600 bytes do not fit in 1,024");
    assert_eq!(second.headers()["retry-after"], "1");
    drop(slow);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let again = app
        .client
        .post(format!("{}/api/status", app.address))
        .header("origin", app.address.as_str())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("a={}", "b".repeat(598)))
        .send()
        .await
        .unwrap();
    assert_ne!(again.status(), 503, "the bytes were given back");
}

/// Reads what the server sends until it closes the connection or `wait` passes; `true` when
/// it closed.
async fn closed_within(stream: &mut tokio::net::TcpStream, wait: Duration) -> bool {
    use tokio::io::AsyncReadExt as _;
    let deadline = Instant::now() + wait;
    let mut buffer = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_header_timeout() {
    use tokio::io::AsyncWriteExt as _;
    let app = spawn_app_with(|s| s.server.header_read_timeout_secs = 1).await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
        .await
        .unwrap();
    assert!(
        !closed_within(&mut stream, Duration::from_millis(300)).await,
        "kept alive right after the answer"
    );
    assert!(
        closed_within(&mut stream, Duration::from_secs(3)).await,
        "closed once idle past the timeout"
    );
}

#[tokio::test]
async fn connections_past_the_cap_wait_until_one_closes() {
    let app = spawn_app_with(|s| s.server.max_connections = 2).await;
    let first = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let second = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let fresh = || {
        reqwest::Client::builder()
            .timeout(Duration::from_millis(500))
            .build()
            .unwrap()
    };
    let url = format!("{}/healthz", app.address);
    assert!(
        fresh().get(&url).send().await.is_err(),
        "a third connection is not served while two are open"
    );
    drop(first);
    drop(second);
    let mut served = false;
    for _ in 0..20 {
        if fresh()
            .get(&url)
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(served, "served once the others closed");
}
