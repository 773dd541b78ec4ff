//! The realtime benchmark's client (bench/realtime.sh): from the commit of a reply to its
//! arrival at every subscriber, beside a bare baseline in the same run — a plain LISTEN
//! client on the same database hearing the same NOTIFY, which is the floor any
//! PostgreSQL-bus design stands on.
//!
//! `realtime_bench --db URL --post ID --instances URL,URL [--subscribers 100,1000] [--events 200]
//!                 [--pids PID,PID] [--rates 50,100,200,400,800]`
//!
//! Each reply is written as the database owner (the triggers announce it as any reply),
//! timed from just before its COMMIT is sent. Subscribers are visitors' sockets on the
//! public post, spread evenly over the instances. Prints p50/p95/p99 per subscriber count,
//! the memory each idle socket costs the servers (from /proc, with `--pids`), and the event
//! rate at which p99 passes 100 ms.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::{SinkExt, StreamExt};
use sqlx::{Connection, PgConnection, postgres::PgListener};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

type Arrivals = Arc<Mutex<HashMap<i64, Vec<Instant>>>>;

/// The fields of a server frame the client times (`domain::realtime::ServerFrame`).
#[derive(serde::Deserialize)]
struct Frame<'a> {
    r#type: &'a str,
    #[serde(default)]
    kind: Option<&'a str>,
    #[serde(default)]
    comment: Option<i64>,
}

struct Args {
    db: String,
    post: i64,
    instances: Vec<String>,
    subscribers: Vec<usize>,
    events: usize,
    pids: Vec<u32>,
    rates: Vec<u32>,
}

fn args() -> Args {
    let mut map = HashMap::new();
    let mut it = std::env::args().skip(1);
    while let Some(key) = it.next() {
        map.insert(
            key.trim_start_matches("--").to_owned(),
            it.next().unwrap_or_default(),
        );
    }
    let list = |key: &str, default: &str| -> Vec<String> {
        map.get(key)
            .map_or(default, String::as_str)
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    Args {
        db: map.get("db").cloned().expect("--db"),
        post: map
            .get("post")
            .and_then(|p| p.parse().ok())
            .expect("--post"),
        instances: list("instances", ""),
        subscribers: list("subscribers", "100,1000")
            .iter()
            .map(|s| s.parse().unwrap())
            .collect(),
        events: map
            .get("events")
            .and_then(|e| e.parse().ok())
            .unwrap_or(200),
        pids: list("pids", "")
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect(),
        rates: list("rates", "50,100,200,400,800")
            .iter()
            .map(|s| s.parse().unwrap())
            .collect(),
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Opens `count` visitor sockets spread over the instances, each subscribed to the post;
/// every `comment.created` frame's arrival time is recorded by reply id.
async fn subscribe_all(
    args: &Args,
    count: usize,
    arrivals: &Arrivals,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = Vec::with_capacity(count);
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(count.max(1));
    for i in 0..count {
        let base = &args.instances[i % args.instances.len()];
        let url = format!("{}/realtime", base.replacen("http", "ws", 1));
        let mut request = url.into_client_request().unwrap();
        request
            .headers_mut()
            .insert("origin", HeaderValue::from_str(base).unwrap());
        let channel = format!("post:{}", args.post);
        let arrivals = arrivals.clone();
        let ready = ready_tx.clone();
        tasks.push(tokio::spawn(async move {
            let Ok((mut socket, _)) = connect_async(request).await else {
                eprintln!("a socket could not connect");
                let _ = ready.send(()).await;
                return;
            };
            let subscribe = serde_json::json!({ "type": "subscribe", "channel": channel });
            let _ = socket
                .send(Message::Text(subscribe.to_string().into()))
                .await;
            while let Some(Ok(message)) = socket.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let now = Instant::now();
                // The client shares the cores with both servers: it reads only the fields
                // it needs, borrowed, rather than building a JSON tree per frame.
                let Ok(frame) = serde_json::from_str::<Frame<'_>>(text.as_str()) else {
                    continue;
                };
                if frame.r#type == "subscribed" {
                    let _ = ready.send(()).await;
                } else if frame.kind == Some("comment.created")
                    && let Some(comment) = frame.comment
                {
                    arrivals
                        .lock()
                        .unwrap()
                        .entry(comment)
                        .or_default()
                        .push(now);
                }
            }
        }));
        // Do not open thousands of handshakes at once on a small box.
        if i % 50 == 49 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    for _ in 0..count {
        let _ = ready_rx.recv().await;
    }
    tasks
}

/// Writes one reply as the owner; returns its id and when its COMMIT was sent.
async fn write_reply(conn: &mut PgConnection, post: i64, n: usize) -> (i64, Instant) {
    let mut tx = conn.begin().await.unwrap();
    let id: i64 = sqlx::query_scalar(
        "insert into app.comments (post_id, body, body_html, depth)
         values ($1, $2, $2, 0) returning id",
    )
    .bind(post)
    .bind(format!("bench reply {n}"))
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let at = Instant::now();
    tx.commit().await.unwrap();
    (id, at)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

struct Summary {
    p50: f64,
    p95: f64,
    p99: f64,
    delivered: usize,
    expected: usize,
}

fn summarise(sent: &[(i64, Instant)], arrivals: &Arrivals, per_event: usize) -> Summary {
    let arrivals = arrivals.lock().unwrap();
    let mut latencies = Vec::new();
    for (id, at) in sent {
        for arrived in arrivals.get(id).into_iter().flatten() {
            latencies.push(arrived.saturating_duration_since(*at).as_secs_f64() * 1000.0);
        }
    }
    latencies.sort_by(f64::total_cmp);
    Summary {
        p50: percentile(&latencies, 0.50),
        p95: percentile(&latencies, 0.95),
        p99: percentile(&latencies, 0.99),
        delivered: latencies.len(),
        expected: sent.len() * per_event,
    }
}

/// Writes `events` replies at `rate` per second (0: one after another, each waiting 20 ms).
async fn drive(
    conn: &mut PgConnection,
    post: i64,
    events: usize,
    rate: u32,
) -> Vec<(i64, Instant)> {
    let mut sent = Vec::with_capacity(events);
    let gap = if rate == 0 {
        Duration::from_millis(20)
    } else {
        Duration::from_secs_f64(1.0 / f64::from(rate))
    };
    let mut next = tokio::time::Instant::now();
    for n in 0..events {
        sent.push(write_reply(conn, post, n).await);
        next += gap;
        tokio::time::sleep_until(next).await;
    }
    // Let the last frames arrive.
    tokio::time::sleep(Duration::from_millis(500)).await;
    sent
}

#[tokio::main]
async fn main() {
    let args = args();
    let mut writer = PgConnection::connect(&args.db).await.expect("database");

    // The baseline: a plain LISTEN client, hearing the same announcements.
    let baseline: Arrivals = Arc::default();
    {
        let mut listener = PgListener::connect(&args.db).await.expect("listener");
        listener.listen("wellspring_events").await.unwrap();
        let baseline = baseline.clone();
        tokio::spawn(async move {
            while let Ok(notice) = listener.recv().await {
                let now = Instant::now();
                let event: serde_json::Value =
                    serde_json::from_str(notice.payload()).unwrap_or_default();
                if event["kind"] == "comment.created"
                    && let Some(comment) = event["comment"].as_i64()
                {
                    baseline
                        .lock()
                        .unwrap()
                        .entry(comment)
                        .or_default()
                        .push(now);
                }
            }
        });
    }

    println!(
        "| subscribers | instances | p50 ms | p95 ms | p99 ms | delivered | baseline LISTEN p50 / p99 ms | p99 ÷ baseline p99 |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut held: Vec<(usize, Vec<tokio::task::JoinHandle<()>>, Arrivals)> = Vec::new();
    let mut idle_cost = None;
    for &count in &args.subscribers {
        // Only one set is open at a time: the sockets of a smaller set, still subscribed,
        // would take their share of every event and be timed nowhere.
        for (_, tasks, _) in held.drain(..) {
            for task in tasks {
                task.abort();
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let before: u64 = args.pids.iter().map(|p| rss_kib(*p)).sum();
        let arrivals: Arrivals = Arc::default();
        let started = Instant::now();
        let tasks = subscribe_all(&args, count, &arrivals).await;
        let connect_secs = started.elapsed().as_secs_f64();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after: u64 = args.pids.iter().map(|p| rss_kib(*p)).sum();
        if !args.pids.is_empty() && count > 0 {
            idle_cost = Some((
                count,
                (after.saturating_sub(before)) as f64 * 1024.0 / count as f64,
            ));
        }
        let sent = drive(&mut writer, args.post, args.events, 0).await;
        let s = summarise(&sent, &arrivals, count);
        let b = summarise(&sent, &baseline, 1);
        println!(
            "| {count} | {} | {:.2} | {:.2} | {:.2} | {}/{} | {:.2} / {:.2} | {:.1} |",
            args.instances.len(),
            s.p50,
            s.p95,
            s.p99,
            s.delivered,
            s.expected,
            b.p50,
            b.p99,
            s.p99 / b.p99
        );
        eprintln!("({count} sockets connected and subscribed in {connect_secs:.1} s)");
        // The last (largest) set stays open for the rate ramp.
        held.push((count, tasks, arrivals));
    }
    if let Some((count, bytes)) = idle_cost {
        println!();
        println!(
            "Memory per idle subscribed socket (server RSS growth over {count} sockets): {:.1} KiB",
            bytes / 1024.0
        );
    }

    // The rate ramp, on the largest subscriber set.
    if let Some((count, _, arrivals)) = held.last() {
        println!();
        println!("Event rate ramp with {count} subscribers:");
        println!("| events/s | p50 ms | p99 ms | delivered | baseline p99 ms |");
        println!("|---:|---:|---:|---:|---:|");
        let mut limit = None;
        for &rate in &args.rates {
            let events = (rate as usize * 3).max(30);
            let sent = drive(&mut writer, args.post, events, rate).await;
            let s = summarise(&sent, arrivals, *count);
            let b = summarise(&sent, &baseline, 1);
            println!(
                "| {rate} | {:.2} | {:.2} | {}/{} | {:.2} |",
                s.p50, s.p99, s.delivered, s.expected, b.p99
            );
            if s.p99 > 100.0 || s.delivered < s.expected {
                limit = Some(rate);
                break;
            }
        }
        match limit {
            Some(rate) => println!("p99 passed 100 ms (or frames were lost) at {rate} events/s."),
            None => println!("p99 stayed under 100 ms up to the highest rate tried."),
        }
    }
}
