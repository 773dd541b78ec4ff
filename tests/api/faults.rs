//! Faults on a throwaway PostgreSQL cluster the test controls: crashed under a mixed load of
//! readers and a writer, then started again.

use crate::{
    community::{admin, call, create_circle, join, member, post_page, write_post},
    helpers::spawn_app_at,
};
use reqwest::StatusCode;
use sqlx::{Connection, PgConnection};
use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};
use wellspring::server::db::embedded::EmbeddedPostgres;

/// One answer the load saw: when it was asked (since the start), how long it took, and what.
#[derive(Clone, Debug)]
struct Seen {
    at: Duration,
    took: Duration,
    status: StatusCode,
    /// For a write: its text, to be looked for after recovery.
    body: Option<String>,
}

#[tokio::test]
async fn a_crash_under_load_loses_no_acknowledged_write_and_service_returns_with_the_database() {
    let dir = std::env::temp_dir().join(format!(
        "wellspring-faults-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let cluster = Arc::new(
        tokio::task::spawn_blocking({
            let dir = dir.clone();
            move || EmbeddedPostgres::start(&dir)
        })
        .await
        .unwrap()
        .expect("a throwaway cluster"),
    );
    let mut admin_conn = PgConnection::connect(&cluster.url("postgres"))
        .await
        .unwrap();
    sqlx::query("create database faults")
        .execute(&mut admin_conn)
        .await
        .unwrap();
    admin_conn.close().await.unwrap();
    let app = spawn_app_at(&cluster.url("faults"), |_| {}).await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    join(&app, &fern, "morning-pages").await;
    let post = write_post(&app, &fern, "morning-pages", "First light", "Pages.").await;
    let page = post_page("morning-pages", post);

    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let app = Arc::new(app);
    // One writer (replies, one at a time, each numbered) and two readers (the post's page).
    let writer = tokio::spawn({
        let (app, stop, cookies) = (app.clone(), stop.clone(), fern.cookies.clone());
        async move {
            let mut seen = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let body = format!("Reply number {n} under load.");
                let asked = Instant::now();
                let reply = call(
                    &app,
                    "comments/create",
                    &[("post_id", &post.to_string()), ("body", &body)],
                    &cookies,
                )
                .await;
                seen.push(Seen {
                    at: asked - started,
                    took: asked.elapsed(),
                    status: reply.status,
                    body: Some(body),
                });
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            seen
        }
    });
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (app, stop, page) = (app.clone(), stop.clone(), page.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut seen = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let asked = Instant::now();
                    let status = client
                        .get(format!("{}{page}", app.address))
                        .send()
                        .await
                        .map(|r| r.status())
                        .unwrap_or(StatusCode::BAD_GATEWAY);
                    seen.push(Seen {
                        at: asked - started,
                        took: asked.elapsed(),
                        status,
                        body: None,
                    });
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                seen
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let crashed_at = started.elapsed();
    tokio::task::spawn_blocking({
        let cluster = cluster.clone();
        move || cluster.crash()
    })
    .await
    .unwrap()
    .expect("crashed");
    tokio::time::sleep(Duration::from_millis(2000)).await;
    tokio::task::spawn_blocking({
        let cluster = cluster.clone();
        move || cluster.start_again()
    })
    .await
    .unwrap()
    .expect("started again");
    let back_at = started.elapsed();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    stop.store(true, Ordering::Relaxed);

    let writes = writer.await.unwrap();
    let mut reads = Vec::new();
    for reader in readers {
        reads.extend(reader.await.unwrap());
    }
    let all: Vec<&Seen> = writes.iter().chain(reads.iter()).collect();

    // Never a false success: every write the writer was told succeeded is there.
    let acknowledged: Vec<&String> = writes
        .iter()
        .filter(|w| w.status == StatusCode::OK)
        .filter_map(|w| w.body.as_ref())
        .collect();
    assert!(acknowledged.len() >= 10, "the writer got going: {writes:?}");
    let stored: Vec<String> =
        sqlx::query_scalar("select body from app.comments where post_id = $1")
            .bind(post)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    for body in &acknowledged {
        assert!(stored.contains(body), "acknowledged but lost: {body}");
    }
    // Errors only while the database was down, and only 503s.
    for seen in &all {
        if seen.status != StatusCode::OK {
            assert_eq!(seen.status, StatusCode::SERVICE_UNAVAILABLE, "{seen:?}");
            assert!(
                seen.at + seen.took >= crashed_at && seen.at <= back_at + Duration::from_secs(1),
                "an error outside the outage: {seen:?} (crash {crashed_at:?}, back {back_at:?})"
            );
        }
    }
    let during: Vec<&&Seen> = all
        .iter()
        .filter(|s| s.at > crashed_at + Duration::from_millis(500) && s.at + s.took < back_at)
        .collect();
    assert!(!during.is_empty(), "the load went on during the outage");
    for seen in &during {
        assert_eq!(seen.status, StatusCode::SERVICE_UNAVAILABLE, "{seen:?}");
        assert!(
            seen.took < Duration::from_secs(1),
            "answered at once while the database was down, not after the pool's 3 s: {seen:?}"
        );
    }
    // Back within a second or so of the database.
    let first_ok_after = all
        .iter()
        .filter(|s| s.at >= back_at && s.status == StatusCode::OK)
        .map(|s| s.at + s.took)
        .min()
        .expect("served again after the restart");
    let recovery = first_ok_after - back_at;
    eprintln!(
        "crash test: {} writes ({} acknowledged), {} reads; {} answers during the outage; \
         served again {recovery:?} after the database",
        writes.len(),
        acknowledged.len(),
        reads.len(),
        during.len()
    );
    assert!(
        recovery < Duration::from_millis(1500),
        "served again {recovery:?} after the database returned"
    );

    drop(all);
    let app = Arc::into_inner(app).expect("the load has finished");
    drop(app);
    let cluster = Arc::into_inner(cluster).expect("one owner left");
    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .unwrap()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The 99th percentile of `samples`.
fn p99(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[(samples.len() * 99 / 100).min(samples.len() - 1)]
}

async fn read_times(app: &crate::helpers::TestApp, count: usize) -> Vec<Duration> {
    let client = reqwest::Client::new();
    let mut times = Vec::with_capacity(count);
    for _ in 0..count {
        let asked = Instant::now();
        let response = client
            .get(format!("{}/about", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.bytes().await.unwrap();
        times.push(asked.elapsed());
    }
    times
}

#[tokio::test]
async fn a_thousand_slowloris_sockets_barely_slow_a_reader_and_are_closed() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let app = crate::helpers::spawn_app_with(|s| s.server.header_read_timeout_secs = 4).await;
    read_times(&app, 20).await;
    let quiet = p99(&mut read_times(&app, 150).await);

    // A thousand clients that send their headers a byte at a time and never finish.
    let mut sockets = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let mut socket = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        socket.write_all(b"GET / HTTP/1.1\r\nX-").await.unwrap();
        sockets.push(socket);
    }
    let opened = Instant::now();
    let trickle = tokio::spawn(async move {
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            for socket in &mut sockets {
                let _ = socket.write_all(b"a").await;
            }
        }
        sockets
    });
    let loaded = p99(&mut read_times(&app, 150).await);
    let mut sockets = trickle.await.unwrap();
    eprintln!("slowloris: reader p99 {quiet:?} alone, {loaded:?} beside 1,000 slow sockets");
    // Twice the quiet figure, with a floor for a shared two-core machine's noise.
    assert!(
        loaded <= (quiet * 2).max(quiet + Duration::from_millis(25)),
        "reader p99 {loaded:?} beside slowloris, {quiet:?} without"
    );

    // Every one is closed by the server once its headers are overdue.
    let deadline = opened + Duration::from_secs(12);
    let mut closed = 0;
    for socket in &mut sockets {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut buffer = [0u8; 512];
        if let Ok(Ok(_)) = tokio::time::timeout(left, socket.read(&mut buffer)).await {
            closed += 1;
        }
    }
    assert_eq!(closed, 1000, "every slow socket closed by the server");
}
