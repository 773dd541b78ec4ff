use crate::helpers::{DbProxy, TestDatabase, spawn_app_on, spawn_app_with};
use std::time::Duration;

#[tokio::test]
async fn a_database_outage_gives_fast_503s_and_the_server_recovers_by_itself() {
    let database = TestDatabase::migrated().await;
    let proxy = DbProxy::start(&database.url).await;
    let through_proxy = proxy.url_for(&database.url);
    let app = spawn_app_on(database, through_proxy, |s| {
        s.database.acquire_timeout_ms = 500;
    })
    .await;
    assert_eq!(app.get("/status").await.status(), 200);

    proxy.cut();
    let (status, headers, body) = app.get_text("/status").await;
    assert_eq!(status, 503);
    let id = headers["x-request-id"].to_str().unwrap();
    assert!(body.contains("briefly unavailable"), "{body}");
    assert!(body.contains(id), "the error page shows the request id");
    assert_eq!(app.get("/readyz").await.status(), 503);
    assert_eq!(app.call_server_fn("status").await.status(), 503);
    // Pages that do not need the database keep working.
    assert_eq!(app.get("/about").await.status(), 200);

    proxy.restore();
    let mut recovered = false;
    for _ in 0..50 {
        if app.get("/readyz").await.status() == 200 && app.get("/status").await.status() == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        recovered,
        "the server did not recover when the database came back"
    );
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_instead_of_hanging() {
    let app = spawn_app_with(|s| {
        s.database.max_connections = 1;
        s.database.acquire_timeout_ms = 300;
    })
    .await;
    let held = app.state.pool.acquire().await.unwrap();
    let response = tokio::time::timeout(Duration::from_secs(10), app.get("/status")).await;
    let response = response.expect("the request must not hang");
    assert_eq!(response.status(), 503);
    drop(held);
    assert_eq!(app.get("/status").await.status(), 200);
}
