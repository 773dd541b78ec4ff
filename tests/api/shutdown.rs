use crate::helpers::spawn_app_with;
use std::time::Duration;

#[tokio::test]
async fn shutdown_finishes_requests_in_flight_and_refuses_new_connections() {
    let mut app = spawn_app_with(|s| {
        s.database.max_connections = 1;
        s.database.acquire_timeout_ms = 10_000;
    })
    .await;
    // Hold the only connection so /status waits inside the server.
    let held = app.state.pool.acquire().await.unwrap();
    let in_flight = tokio::spawn({
        let client = app.client.clone();
        let url = format!("{}/status", app.address);
        async move { client.get(url).send().await }
    });
    // Give the request time to reach the server and queue for the pool.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !in_flight.is_finished(),
        "the request waits for the held connection"
    );

    let server = app.begin_shutdown();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !server.is_finished(),
        "the server must wait for the request in flight"
    );
    assert!(
        tokio::net::TcpStream::connect(app.addr).await.is_err(),
        "no new connections once shutdown has begun"
    );

    drop(held);
    let response = in_flight
        .await
        .unwrap()
        .expect("the in-flight request completes");
    assert_eq!(response.status(), 200);
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_draining_instance_says_so_on_readyz_and_still_serves_until_the_delay_ends() {
    let mut app = spawn_app_with(|s| s.server.drain_delay_ms = 1_500).await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    let started = std::time::Instant::now();
    let server = app.begin_shutdown();
    tokio::time::sleep(Duration::from_millis(100)).await;

    // Out of rotation, still serving: readiness fails, pages answer, and each answer asks
    // the client to take its next request elsewhere.
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert_eq!(
        ready
            .headers()
            .get("connection")
            .map(|v| v.to_str().unwrap()),
        Some("close")
    );
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "draining");
    let page = app.get("/about").await;
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.headers()
            .get("connection")
            .map(|v| v.to_str().unwrap()),
        Some("close")
    );
    assert!(
        !server.is_finished(),
        "still serving during the drain delay"
    );

    server.await.unwrap().unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(1_500),
        "the instance stopped accepting only after the delay"
    );
    assert!(tokio::net::TcpStream::connect(app.addr).await.is_err());
}
