//! `/realtime` through real sockets: two instances over one database, as behind a load
//! balancer. What one instance commits reaches sockets on the other; channels are
//! authorised as the subscriber; frames never name who acted; a revoked session's socket
//! closes within a second; a page that was away resumes from its last event id; the
//! listener survives its connection being killed.

use crate::community::{Member, admin, call, create_circle, join, json, member, write_post};
use crate::helpers::{TestApp, spawn_app, spawn_second_instance};
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens a socket on `app` as a browser on that site would (its Origin), with `cookies`.
async fn open(app: &TestApp, cookies: &str) -> Socket {
    try_open(app, cookies, &app.address).await.unwrap()
}

pub(crate) async fn try_open(
    app: &TestApp,
    cookies: &str,
    origin: &str,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let mut request = format!("ws://{}/realtime", app.addr)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("origin", HeaderValue::from_str(origin).unwrap());
    if !cookies.is_empty() {
        request
            .headers_mut()
            .insert("cookie", HeaderValue::from_str(cookies).unwrap());
    }
    connect_async(request).await.map(|(socket, _)| socket)
}

async fn send(socket: &mut Socket, frame: Value) {
    socket
        .send(Message::Text(frame.to_string().into()))
        .await
        .unwrap();
}

/// The next text frame, within `wait`.
async fn next_frame(socket: &mut Socket, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()??
            .ok()?;
        if let Message::Text(text) = message {
            return Some(serde_json::from_str(text.as_str()).unwrap());
        }
    }
}

/// Subscribes and returns the `subscribed` (or `refused`) answer, skipping other frames.
async fn subscribe(socket: &mut Socket, channel: &str, after: Option<i64>) -> Value {
    send(
        socket,
        serde_json::json!({ "type": "subscribe", "channel": channel, "after": after }),
    )
    .await;
    loop {
        let frame = next_frame(socket, Duration::from_secs(5))
            .await
            .expect("an answer to subscribe");
        if frame["type"] == "subscribed" || frame["type"] == "refused" {
            return frame;
        }
    }
}

/// Frames of type `event` until `count` arrived or `wait` passed.
async fn events(socket: &mut Socket, count: usize, wait: Duration) -> Vec<Value> {
    let deadline = Instant::now() + wait;
    let mut found = Vec::new();
    while found.len() < count {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match next_frame(socket, left).await {
            Some(frame) if frame["type"] == "event" => found.push(frame),
            Some(_) => {}
            None => break,
        }
    }
    found
}

/// The next `count` new-reply events, passing over any other event on the channel (a
/// post's own changes can arrive between them when the machine is loaded).
async fn reply_events(socket: &mut Socket, count: usize, wait: Duration) -> Vec<Value> {
    let deadline = Instant::now() + wait;
    let mut found = Vec::new();
    while found.len() < count {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match next_frame(socket, left).await {
            Some(frame) if frame["type"] == "event" && frame["kind"] == "comment.created" => {
                found.push(frame);
            }
            Some(_) => {}
            None => break,
        }
    }
    found
}

async fn reply(app: &TestApp, who: &Member, post: i64, body: &str) -> i64 {
    let reply = call(
        app,
        "comments/create",
        &[("post_id", &post.to_string()), ("body", body)],
        &who.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let path = json(&reply).as_str().unwrap().to_owned();
    path.rsplit('-').next().unwrap().parse().unwrap()
}

/// Two instances, a public circle with a post by Fern, and Moss who replies.
struct World {
    a: TestApp,
    b: TestApp,
    fern: Member,
    moss: Member,
    post: i64,
}

async fn world() -> World {
    let a = spawn_app().await;
    let b = spawn_second_instance(&a).await;
    let chief = admin(&a, "chiefly", "Chief Keeper").await;
    let fern = member(&a, "fernleaf", "Fern Leaf").await;
    let moss = member(&a, "mossbank", "Moss Bank").await;
    create_circle(&a, &chief, "morning-pages", "public", false).await;
    join(&a, &fern, "morning-pages").await;
    join(&a, &moss, "morning-pages").await;
    let post = write_post(&a, &fern, "morning-pages", "First light", "Pages.").await;
    World {
        a,
        b,
        fern,
        moss,
        post,
    }
}

#[tokio::test]
async fn a_reply_written_through_one_instance_reaches_sockets_on_the_other_with_the_bell() {
    let World {
        a,
        b,
        fern,
        moss,
        post,
    } = world().await;
    // A visitor reads the post on B; Fern has it open on B with her bell.
    let mut visitor = open(&b, "").await;
    let answer = subscribe(&mut visitor, &format!("post:{post}"), None).await;
    assert_eq!(answer["type"], "subscribed", "{answer}");
    let mut fern_socket = open(&b, &fern.cookies).await;
    assert_eq!(
        subscribe(&mut fern_socket, &format!("post:{post}"), None).await["type"],
        "subscribed"
    );
    send(
        &mut fern_socket,
        serde_json::json!({ "type": "subscribe", "channel": "notifications" }),
    )
    .await;

    let comment = reply(&a, &moss, post, "Same here.").await;
    let heard = events(&mut visitor, 1, Duration::from_secs(5)).await;
    assert_eq!(heard.len(), 1, "the visitor on B hears the reply made on A");
    assert_eq!(heard[0]["kind"], "comment.created");
    assert_eq!(heard[0]["comment"], comment);
    assert_eq!(heard[0]["channel"], format!("post:{post}"));

    // Fern's socket: the event, and her unread count going from 0 to 1.
    let mut unread = Vec::new();
    let mut reply_heard = false;
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline && !(reply_heard && unread.last() == Some(&1)) {
        match next_frame(&mut fern_socket, Duration::from_secs(5)).await {
            Some(frame) if frame["type"] == "unread" => {
                unread.push(frame["count"].as_i64().unwrap())
            }
            Some(frame) if frame["type"] == "event" => reply_heard = true,
            Some(_) => {}
            None => break,
        }
    }
    assert!(reply_heard);
    assert_eq!(unread.first(), Some(&0), "the count on subscribing");
    assert_eq!(unread.last(), Some(&1), "the count after the reply");
}

#[tokio::test]
async fn private_channels_are_refused_to_outsiders_and_frames_never_name_the_actor() {
    let a = spawn_app().await;
    let chief = admin(&a, "chiefly", "Chief Keeper").await;
    let fern = member(&a, "fernleaf", "Fern Leaf").await;
    let moss = member(&a, "mossbank", "Moss Bank").await;
    let outsider = member(&a, "outsider", "Out Sider").await;
    create_circle(&a, &chief, "inner-room", "private", true).await;
    for who in [&fern, &moss] {
        join(&a, who, "inner-room").await;
    }
    // Their requests approved (the approval itself is tested with the circles).
    sqlx::query(
        "update app.circle_members set status = 'active'
          where circle_id = (select id from app.circles where slug = 'inner-room')",
    )
    .execute(&a.pool)
    .await
    .unwrap();
    let post = write_post(&a, &fern, "inner-room", "Heavy week", "Words.").await;
    let circle: i64 = sqlx::query_scalar("select id from app.circles where slug = 'inner-room'")
        .fetch_one(&a.pool)
        .await
        .unwrap();

    let mut outside = open(&a, &outsider.cookies).await;
    for channel in [format!("post:{post}"), format!("circle:{circle}")] {
        let answer = subscribe(&mut outside, &channel, None).await;
        assert_eq!(answer["type"], "refused", "{channel}: {answer}");
    }
    let mut visitor = open(&a, "").await;
    assert_eq!(
        subscribe(&mut visitor, "notifications", None).await["type"],
        "refused",
        "a visitor has no notifications"
    );
    assert_eq!(
        subscribe(&mut visitor, "post:nonsense", None).await["type"],
        "refused"
    );

    // Fern follows her post; Moss replies anonymously. Nothing anyone receives names him.
    let mut inside = open(&a, &fern.cookies).await;
    assert_eq!(
        subscribe(&mut inside, &format!("post:{post}"), None).await["type"],
        "subscribed"
    );
    let reply = call(
        &a,
        "comments/create",
        &[
            ("post_id", &post.to_string()),
            ("body", "With you."),
            ("anonymous", "on"),
        ],
        &moss.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let heard = events(&mut inside, 1, Duration::from_secs(5)).await;
    assert_eq!(heard.len(), 1);
    let moss_id: uuid::Uuid =
        sqlx::query_scalar("select user_id from app.profiles where handle = 'mossbank'")
            .fetch_one(&a.pool)
            .await
            .unwrap();
    let text = heard[0].to_string();
    assert!(
        !text.contains(&moss_id.to_string()) && !text.contains("mossbank"),
        "{text}"
    );
    assert!(
        events(&mut outside, 1, Duration::from_millis(500))
            .await
            .is_empty(),
        "the outsider hears nothing"
    );
}

#[tokio::test]
async fn a_revoked_sessions_socket_closes_within_a_second_and_other_sites_cannot_open_one() {
    let World {
        a, b, fern, post, ..
    } = world().await;
    let mut socket = open(&b, &fern.cookies).await;
    assert_eq!(
        subscribe(&mut socket, &format!("post:{post}"), None).await["type"],
        "subscribed"
    );
    // Fern signs out everywhere from instance A.
    sqlx::query("update auth.sessions set revoked_at = now() where revoked_at is null")
        .execute(&a.pool)
        .await
        .unwrap();
    let revoked_at = Instant::now();
    let mut code = None;
    while let Ok(Some(message)) = tokio::time::timeout(Duration::from_secs(3), socket.next()).await
    {
        if let Ok(Message::Close(frame)) = message {
            code = frame.map(|f| u16::from(f.code));
            break;
        }
    }
    let took = revoked_at.elapsed();
    assert_eq!(code, Some(4001), "closed as a session that ended");
    assert!(took < Duration::from_secs(1), "closed after {took:?}");

    let refused = try_open(&a, &fern.cookies, "https://evil.example").await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 403);
        }
        other => panic!("expected 403, got {other:?}"),
    }
}

#[tokio::test]
async fn a_page_that_was_away_resumes_from_its_last_event_and_a_killed_listener_misses_nothing() {
    let World {
        a, b, moss, post, ..
    } = world().await;
    let channel = format!("post:{post}");
    let mut socket = open(&b, "").await;
    subscribe(&mut socket, &channel, None).await;
    let first = reply(&a, &moss, post, "One.").await;
    let heard = reply_events(&mut socket, 1, Duration::from_secs(5)).await;
    assert_eq!(heard[0]["comment"], first);
    let last_seen = heard[0]["id"].as_i64().unwrap();
    drop(socket);

    // While the page is away, two more replies.
    let second = reply(&a, &moss, post, "Two.").await;
    let third = reply(&a, &moss, post, "Three.").await;
    // Both instances have heard of them (so the replay bound covers them).
    let wait_for = |app: &TestApp, id: i64| {
        let realtime = app.state.realtime.clone().unwrap();
        async move {
            let deadline = Instant::now() + Duration::from_secs(5);
            while realtime.last_event() < id && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    let newest: i64 = sqlx::query_scalar("select max(id) from app.events")
        .fetch_one(&a.pool)
        .await
        .unwrap();
    wait_for(&b, newest).await;
    let mut socket = open(&b, "").await;
    subscribe(&mut socket, &channel, Some(last_seen)).await;
    let replayed: Vec<Value> = reply_events(&mut socket, 2, Duration::from_secs(5)).await;
    let ids: Vec<i64> = replayed
        .iter()
        .map(|e| e["comment"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![second, third], "what was missed, in order, once");

    // Kill every LISTEN connection (both instances); replies written meanwhile still arrive,
    // each exactly once.
    let killed: i64 = sqlx::query_scalar(
        "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and query ilike 'listen%') t",
    )
    .fetch_one(&a.pool)
    .await
    .unwrap();
    assert!(killed >= 2, "both listeners found ({killed})");
    let mut written = Vec::new();
    for body in ["Four.", "Five.", "Six."] {
        written.push(reply(&a, &moss, post, body).await);
    }
    let heard: Vec<i64> = reply_events(&mut socket, 3, Duration::from_secs(10))
        .await
        .iter()
        .map(|e| e["comment"].as_i64().unwrap())
        .collect();
    assert_eq!(heard, written, "every reply, once, in order");
    assert!(
        reply_events(&mut socket, 1, Duration::from_millis(700))
            .await
            .is_empty(),
        "and nothing twice"
    );
}

/// The newest `presence` count a socket hears within `wait`, once it equals `want`.
async fn presence_reaches(socket: &mut Socket, want: i64, wait: Duration) -> Option<i64> {
    let deadline = Instant::now() + wait;
    let mut last = None;
    while Instant::now() < deadline {
        let left = deadline.saturating_duration_since(Instant::now());
        match next_frame(socket, left).await {
            Some(frame) if frame["type"] == "presence" => {
                last = frame["count"].as_i64();
                if last == Some(want) {
                    return last;
                }
            }
            Some(_) => {}
            None => break,
        }
    }
    last
}

#[tokio::test]
async fn readers_are_counted_across_instances_and_leaving_lowers_the_count() {
    let World { a, b, post, .. } = world().await;
    let channel = format!("post:{post}");
    let mut on_a = open(&a, "").await;
    subscribe(&mut on_a, &channel, None).await;
    let mut on_b = open(&b, "").await;
    let mut also_b = open(&b, "").await;
    subscribe(&mut on_b, &channel, None).await;
    subscribe(&mut also_b, &channel, None).await;
    // Within a couple of announcement ticks every reader hears "3 reading".
    assert_eq!(
        presence_reaches(&mut on_a, 3, Duration::from_secs(5)).await,
        Some(3)
    );
    assert_eq!(
        presence_reaches(&mut on_b, 3, Duration::from_secs(5)).await,
        Some(3)
    );
    drop(also_b);
    assert_eq!(
        presence_reaches(&mut on_a, 2, Duration::from_secs(5)).await,
        Some(2)
    );
}

#[tokio::test]
async fn a_database_outage_while_subscribed_loses_no_event_and_sends_none_twice() {
    use crate::helpers::{DbProxy, TestDatabase, spawn_app_on};
    let database = TestDatabase::migrated().await;
    let proxy = DbProxy::start(&database.url).await;
    let through_proxy = proxy.url_for(&database.url);
    let app = spawn_app_on(database, through_proxy, |_| {}).await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    join(&app, &fern, "morning-pages").await;
    let post = write_post(&app, &fern, "morning-pages", "First light", "Pages.").await;
    let mut socket = open(&app, "").await;
    assert_eq!(
        subscribe(&mut socket, &format!("post:{post}"), None).await["type"],
        "subscribed"
    );

    // The instance loses its database (every connection, the listener's included) while
    // replies keep being committed elsewhere (here, as the owner, straight to PostgreSQL).
    proxy.cut();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut written = Vec::new();
    for n in 0..3 {
        let id: i64 = sqlx::query_scalar(
            "insert into app.comments (post_id, body, body_html, depth)
             values ($1, $2, $2, 0) returning id",
        )
        .bind(post)
        .bind(format!("written while away {n}"))
        .fetch_one(&app.pool)
        .await
        .unwrap();
        written.push(id);
    }
    proxy.restore();

    // Once the listener is back, the hub replays what it missed: every reply, once, in order.
    let heard: Vec<i64> = events(&mut socket, 3, Duration::from_secs(15))
        .await
        .iter()
        .filter(|e| e["kind"] == "comment.created")
        .map(|e| e["comment"].as_i64().unwrap())
        .collect();
    assert_eq!(heard, written);
    assert!(
        events(&mut socket, 1, Duration::from_millis(700))
            .await
            .is_empty(),
        "nothing twice"
    );
    // And the instance serves again.
    let fresh = reply(&app, &fern, post, "Back.").await;
    let heard = events(&mut socket, 1, Duration::from_secs(5)).await;
    assert_eq!(heard[0]["comment"], fresh);
}

#[tokio::test]
async fn the_latest_feed_hears_new_public_posts_and_never_a_private_circles() {
    let a = spawn_app().await;
    let b = spawn_second_instance(&a).await;
    let chief = admin(&a, "chiefly", "Chief Keeper").await;
    let fern = member(&a, "fernleaf", "Fern Leaf").await;
    create_circle(&a, &chief, "morning-pages", "public", false).await;
    create_circle(&a, &chief, "inner-room", "private", false).await;
    join(&a, &fern, "morning-pages").await;
    join(&a, &fern, "inner-room").await;
    sqlx::query("update app.circle_members set status = 'active'")
        .execute(&a.pool)
        .await
        .unwrap();
    let mut visitor = open(&b, "").await;
    assert_eq!(
        subscribe(&mut visitor, "site", None).await["type"],
        "subscribed"
    );
    let mut insider = open(&b, &fern.cookies).await;
    assert_eq!(
        subscribe(&mut insider, "site", None).await["type"],
        "subscribed"
    );

    let hidden = write_post(&a, &fern, "inner-room", "Just us", "Words.").await;
    let shown = write_post(&a, &fern, "morning-pages", "Everyone", "Words.").await;
    let heard: Vec<i64> = events(&mut visitor, 2, Duration::from_secs(3))
        .await
        .iter()
        .map(|e| e["post"].as_i64().unwrap())
        .collect();
    assert_eq!(heard, vec![shown], "the visitor hears the public post only");
    let heard: Vec<i64> = events(&mut insider, 2, Duration::from_secs(5))
        .await
        .iter()
        .map(|e| e["post"].as_i64().unwrap())
        .collect();
    assert_eq!(
        heard,
        vec![hidden, shown],
        "a member of the private circle hears both"
    );
}

#[tokio::test]
async fn a_live_page_reads_reaction_counts_as_its_reader() {
    let World {
        a,
        fern,
        moss,
        post,
        ..
    } = world().await;
    let id = post.to_string();
    let pressed = call(
        &a,
        "reactions/toggle",
        &[("target", "post"), ("id", &id), ("kind", "hug")],
        &moss.cookies,
    )
    .await;
    assert_eq!(pressed.status, StatusCode::OK, "{}", pressed.body);
    let as_moss = json(
        &call(
            &a,
            "reactions/counts",
            &[("target", "post"), ("id", &id)],
            &moss.cookies,
        )
        .await,
    );
    let as_fern = json(
        &call(
            &a,
            "reactions/counts",
            &[("target", "post"), ("id", &id)],
            &fern.cookies,
        )
        .await,
    );
    let as_visitor = json(
        &call(
            &a,
            "reactions/counts",
            &[("target", "post"), ("id", &id)],
            "",
        )
        .await,
    );
    for who in [&as_moss, &as_fern, &as_visitor] {
        assert_eq!(who["hug"], 1, "everyone sees the same counts: {who}");
    }
    assert_eq!(as_moss["mine"], serde_json::json!(["hug"]));
    assert_eq!(
        as_fern["mine"],
        serde_json::json!([]),
        "only Moss's own reaction is his"
    );
    assert_eq!(as_visitor["mine"], serde_json::json!([]));
    let missing = call(
        &a,
        "reactions/counts",
        &[("target", "post"), ("id", "999999")],
        "",
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let bad = call(
        &a,
        "reactions/counts",
        &[("target", "profile"), ("id", &id)],
        "",
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn sockets_past_the_limits_are_refused_and_everything_is_counted_in_metrics() {
    let a = crate::helpers::spawn_app_with(|settings| {
        // As deployed: visitors' pages cached. A visitor's upgrade must pass the cache by.
        settings.server.visitor_page_cache_ms = 1000;
        settings.realtime.sockets_per_ip = 2;
        settings.realtime.subscriptions_per_socket = 1;
    })
    .await;
    let mut first = open(&a, "").await;
    let _second = open(&a, "").await;
    match try_open(&a, "", &a.address).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 429, "a third socket from one address");
        }
        other => panic!("expected 429, got {other:?}"),
    }
    assert_eq!(
        subscribe(&mut first, "site", None).await["type"],
        "subscribed"
    );
    let answer = subscribe(&mut first, "post:1", None).await;
    assert_eq!(
        answer["type"], "refused",
        "one channel per socket here: {answer}"
    );
    // A message past the size limit closes the socket with 1009.
    send(
        &mut first,
        serde_json::json!({ "type": "ping", "pad": "x".repeat(8000) }),
    )
    .await;
    let mut code = None;
    while let Ok(Some(message)) = tokio::time::timeout(Duration::from_secs(3), first.next()).await {
        match message {
            Ok(Message::Close(frame)) => {
                code = frame.map(|f| u16::from(f.code));
                break;
            }
            Err(_) => break,
            _ => {}
        }
    }
    assert!(
        matches!(code, Some(1009) | None),
        "closed for size: {code:?}"
    );

    let (_, _, metrics) = a.get_text("/metrics").await;
    for line in [
        "wellspring_realtime_refused_total 1",
        "wellspring_realtime_opened_total 2",
        "wellspring_realtime_sockets",
        "wellspring_realtime_subscriptions",
        "wellspring_realtime_frames_total",
        "wellspring_realtime_closed_total{reason=\"slow_consumer\"} 0",
    ] {
        assert!(metrics.contains(line), "{line} in\n{metrics}");
    }
}

// ---------------------------------------------------------------------------------------
// How sockets are closed: a silent peer, a restart, a reader too far behind
// ---------------------------------------------------------------------------------------

/// Reads (so answering the server's pings, as a browser does) until a closing frame comes,
/// the socket ends, or `wait` passes; the closing frame's code, if one came.
pub(crate) async fn close_code(socket: &mut Socket, wait: Duration) -> Option<u16> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|f| u16::from(f.code)),
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(_)) | None) | Err(_) => return None,
        }
    }
}

/// A peer that completes the handshake and then never says another word, not even a pong
/// (a client library would answer pings by itself), and the server's frames as raw bytes.
async fn silent_peer(app: &TestApp) -> TcpStream {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let handshake = format!(
        "GET /realtime HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Origin: {}\r\n\r\n",
        app.addr, app.address
    );
    stream.write_all(handshake.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).await.unwrap();
        head.push(byte[0]);
    }
    assert!(
        head.starts_with(b"HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&head)
    );
    stream
}

/// The close code in the first closing frame among `bytes` (unmasked server frames).
fn close_code_in(bytes: &[u8]) -> Option<u16> {
    let mut at = 0;
    while at + 2 <= bytes.len() {
        let opcode = bytes[at] & 0x0f;
        let (len, start) = match bytes[at + 1] & 0x7f {
            126 => (
                usize::from(u16::from_be_bytes([
                    *bytes.get(at + 2)?,
                    *bytes.get(at + 3)?,
                ])),
                at + 4,
            ),
            127 => return None,
            n => (usize::from(n), at + 2),
        };
        if opcode == 0x8 {
            return Some(u16::from_be_bytes([
                *bytes.get(start)?,
                *bytes.get(start + 1)?,
            ]));
        }
        at = start + len;
    }
    None
}

#[tokio::test]
async fn a_silent_peer_is_closed_with_4002_and_one_that_answers_pings_stays() {
    use tokio::io::AsyncReadExt;
    let app = crate::helpers::spawn_app_with(|settings| settings.realtime.heartbeat_secs = 1).await;
    let mut silent = silent_peer(&app).await;
    let mut answering = open(&app, "").await;
    // This one reads all along, and so answers every ping with a pong, as browsers do.
    let answering = tokio::spawn(async move {
        let code = close_code(&mut answering, Duration::from_millis(5500)).await;
        (code, answering)
    });
    // The silent one hears pings and, after three heartbeats without a word, a goodbye.
    let mut heard = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(8), silent.read_to_end(&mut heard)).await;
    assert!(heard.starts_with(&[0x89]), "pinged first: {heard:?}");
    assert_eq!(
        close_code_in(&heard),
        Some(4002),
        "a peer silent for three heartbeats is closed with 4002: {heard:?}"
    );
    let (code, mut answering) = answering.await.unwrap();
    assert_eq!(code, None, "a peer that answers stays open");
    assert_eq!(
        subscribe(&mut answering, "site", None).await["type"],
        "subscribed"
    );
}

#[tokio::test]
async fn a_restarting_server_closes_its_sockets_with_1001_and_still_stops_in_time() {
    let mut app = spawn_app().await;
    let mut socket = open(&app, "").await;
    assert_eq!(
        subscribe(&mut socket, "site", None).await["type"],
        "subscribed"
    );
    let started = Instant::now();
    let server = app.begin_shutdown();
    assert_eq!(
        close_code(&mut socket, Duration::from_secs(5)).await,
        Some(1001),
        "going away: pages reconnect, to another instance if there is one"
    );
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("an open socket does not hold the shutdown")
        .unwrap()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_socket_that_falls_behind_is_closed_with_4008_not_buffered_without_end() {
    let app = crate::helpers::spawn_app_with(|settings| settings.realtime.send_queue = 4).await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    let post = write_post(&app, &chief, "morning-pages", "First light", "Pages.").await;
    let circle: i64 = sqlx::query_scalar("select circle_id from app.posts where id = $1")
        .bind(post)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // A reader on a slow line (a small receive window) that stops reading, behind a burst
    // far larger than its queue (4 frames here; 256 by default).
    let tcp = tokio::net::TcpSocket::new_v4().unwrap();
    tcp.set_recv_buffer_size(2048).unwrap();
    let stream = tcp.connect(app.addr).await.unwrap();
    let mut request = format!("ws://{}/realtime", app.addr)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("origin", HeaderValue::from_str(&app.address).unwrap());
    let (socket, _) = tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream))
        .await
        .unwrap();
    let mut socket: Socket = socket;
    assert_eq!(
        subscribe(&mut socket, &format!("post:{post}"), None).await["type"],
        "subscribed"
    );
    // A burst of activity on the post, committed at once.
    sqlx::query(
        "select app.emit_event('reaction.added', $1, $2, null, null, null)
           from generate_series(1, 3000)",
    )
    .bind(circle)
    .bind(post)
    .execute(&app.pool)
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        close_code(&mut socket, Duration::from_secs(10)).await,
        Some(4008),
        "too far behind: closed, to reconnect and catch up from the table"
    );
    let (_, _, metrics) = app.get_text("/metrics").await;
    let closed: f64 = metrics
        .lines()
        .find_map(|line| {
            line.strip_prefix("wellspring_realtime_closed_total{reason=\"slow_consumer\"} ")
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0.0);
    assert!(closed >= 1.0, "counted as a slow consumer: {metrics}");
}
