use crate::helpers::{DbProxy, TestApp, TestDatabase, spawn_app_on, spawn_app_with};
use std::time::{Duration, Instant};

/// The page a plain form gets when the database failed it: a 503 that says nothing was
/// saved (what it shows of the form, each test checks).
async fn kept_words_page(posted: reqwest::Response) -> String {
    assert_eq!(posted.status(), 503);
    let page = posted.text().await.unwrap();
    assert!(page.contains("Nothing was saved"), "{page}");
    page
}

/// Polls until `/readyz` says `want`, failing after `wait`; returns how long it took.
async fn readiness_becomes(app: &TestApp, want: u16, wait: Duration) -> Duration {
    let started = Instant::now();
    while app.get("/readyz").await.status() != want {
        assert!(started.elapsed() < wait, "/readyz never answered {want}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

#[tokio::test]
async fn a_database_outage_gives_fast_503s_and_the_server_recovers_by_itself() {
    let database = TestDatabase::migrated().await;
    let proxy = DbProxy::start(&database.url).await;
    let through_proxy = proxy.url_for(&database.url);
    // A long acquire timeout: every answer below that is quick came from knowing the
    // database is away, not from waiting for the pool.
    let app = spawn_app_on(database, through_proxy, |s| {
        s.database.acquire_timeout_ms = 8_000;
    })
    .await;
    assert_eq!(app.get("/status").await.status(), 200);

    proxy.cut();
    // The listener's lost connection makes the watcher probe at once.
    readiness_becomes(&app, 503, Duration::from_secs(5)).await;
    let started = Instant::now();
    let (status, headers, body) = app.get_text("/status").await;
    let took = started.elapsed();
    assert_eq!(status, 503);
    assert!(
        took < Duration::from_secs(1),
        "answered at once, not after the pool's 8 s: {took:?}"
    );
    assert_eq!(headers["retry-after"], "5");
    let id = headers["x-request-id"].to_str().unwrap();
    assert!(body.contains("briefly unavailable"), "{body}");
    assert!(body.contains(id), "the error page shows the request id");
    assert!(
        !body.contains("<script"),
        "the outage page runs nothing: {body}"
    );
    let started = Instant::now();
    let ready = app.get("/readyz").await;
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(ready.status(), 503);
    // A script gets the error a server function sends, to show in place.
    let api = app.call_server_fn("status").await;
    assert_eq!(api.status(), 503);
    assert_eq!(api.text().await.unwrap(), "\"Unavailable\"");
    // A form sent without JavaScript: nothing saved, and the words come back, escaped.
    let posted = app
        .client
        .post(format!("{}/api/comments/create", app.address))
        .header("accept", "text/html")
        .header("referer", format!("{}/c/calm/p/7-x", app.address))
        .form(&[
            ("post_id", "7"),
            ("body", "My <b>long</b> reply about morning light"),
            ("password", "never shown"),
        ])
        .send()
        .await
        .unwrap();
    let page = kept_words_page(posted).await;
    assert!(page.contains("My &lt;b&gt;long&lt;/b&gt; reply about morning light"));
    assert!(!page.contains("never shown"), "secrets are not echoed");
    assert!(page.contains("href=\"/c/calm/p/7-x\""), "the way back");
    // What needs no database keeps working.
    assert_eq!(app.get("/about").await.status(), 200);
    assert_eq!(app.get("/healthz").await.status(), 200);
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status(), 200);
    let metrics = metrics.text().await.unwrap();
    assert!(metrics.contains("wellspring_database_up 0"), "{metrics}");
    assert!(metrics.contains("wellspring_database_outages_total 1"));
    assert!(!metrics.contains("wellspring_database_refused_total 0"));

    proxy.restore();
    let took = readiness_becomes(&app, 200, Duration::from_secs(5)).await;
    assert!(
        took < Duration::from_secs(2),
        "back within a probe or so of the database: {took:?}"
    );
    assert_eq!(app.get("/status").await.status(), 200);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("wellspring_database_up 1"), "{metrics}");
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_instead_of_hanging() {
    let app = spawn_app_with(|s| {
        s.database.max_connections = 1;
        s.database.acquire_timeout_ms = 300;
    })
    .await;
    let fern = crate::community::member(&app, "fernleaf", "Fern Leaf").await;
    let held = app.state.pool.acquire().await.unwrap();
    let response = tokio::time::timeout(Duration::from_secs(10), app.get("/status")).await;
    let response = response.expect("the request must not hang");
    assert_eq!(response.status(), 503);
    // A busy pool is not an outage: the watcher's own probe still reaches the database, so
    // nothing is refused at the door, and what needs no connection keeps answering.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        app.state.database.is_up(),
        "a full pool is not a down database"
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/about").await.status(), 200);
    // A reply sent without JavaScript that fails on the way: the member is told nothing was
    // saved and shown the words, instead of a redirect to an emptied form.
    let posted = app
        .client
        .post(format!("{}/api/comments/create", app.address))
        .header("accept", "text/html")
        .header("origin", app.address.as_str())
        .header("cookie", fern.cookies.as_str())
        .form(&[("post_id", "1"), ("body", "Words that must not be lost.")])
        .send()
        .await
        .unwrap();
    let page = kept_words_page(posted).await;
    assert!(page.contains("Words that must not be lost."));
    drop(held);
    assert_eq!(app.get("/status").await.status(), 200);
}
