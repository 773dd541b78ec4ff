//! `GET /realtime`: the live socket. Who is asking comes from the session cookie (the
//! session middleware already read it), the Origin must be this site, and each channel is
//! authorised when it is subscribed, as the member (or visitor) through Row Level Security.
//!
//! Each socket runs one task: frames from the hub go out through a bounded queue, the
//! client's frames come in (each at most `realtime.max_message_bytes`), a ping goes out
//! every `heartbeat_secs` and a peer silent for three of them is dropped, and four times a
//! second the session is asked again: revoked on any instance, or expired without a refresh,
//! and the socket is closed (the page reconnects, which refreshes, or finds itself signed
//! out).

use super::{Realtime, access};
use crate::{
    domain::realtime::{Channel, ClientFrame, ServerFrame},
    server::{
        auth::{
            origin,
            revocation::TokenStanding,
            session::{Caller, CurrentSession},
        },
        http::client_ip::ClientIp,
        realtime::hub::Refusal,
        services::identity::sessions::now_unix,
        state::AppState,
    },
};
use axum::{
    extract::{
        State, WebSocketUpgrade,
        ws::{CloseFrame, Message, Utf8Bytes, WebSocket},
    },
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use futures_util::{SinkExt, StreamExt};
use std::{
    net::{IpAddr, Ipv4Addr},
    time::{Duration, Instant},
};

/// Bytes of frames a socket gathers before writing them, and how many queued frames it
/// takes at once: a burst goes out in a few writes instead of one per frame, and a steady
/// socket is never held back (each batch is flushed as soon as the queue is empty).
const WRITE_BATCH_BYTES: usize = 8 * 1024;
const WRITE_BATCH_FRAMES: usize = 64;

/// Close codes the page understands (4000–4999 are the application's own).
pub mod close_code {
    /// Signed out or revoked: reconnect, and the server says who you are now.
    pub const SESSION_ENDED: u16 = 4001;
    /// Too slow to keep up: reconnect and resume.
    pub const TOO_SLOW: u16 = 4008;
    /// Going away (the instance is shutting down): reconnect elsewhere.
    pub const GOING_AWAY: u16 = 1001;
    pub const TOO_BIG: u16 = 1009;
    pub const NO_PONG: u16 = 4002;
    /// Admins paused live updates: the page keeps working without them.
    pub const PAUSED: u16 = 4013;
}

/// The upgrade: refused with 403 from another site, 429 past the per-member or
/// per-address limit.
pub async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Option<axum::Extension<Caller>>,
    client_ip: Option<axum::Extension<ClientIp>>,
    ws: WebSocketUpgrade,
) -> Response {
    // Another site's page may not open ours (cross-site WebSocket hijacking): the cookie
    // would ride along.
    if !origin::comes_from_this_site(&headers, &state.settings.server.public_url) {
        return (
            StatusCode::FORBIDDEN,
            "This socket is for Wellspring's own pages.",
        )
            .into_response();
    }
    let Some(realtime) = state.realtime.clone() else {
        return (StatusCode::NOT_FOUND, "Live updates are off.").into_response();
    };
    // Admins' kill switch (`services::flags`): the pages keep working without the socket.
    let live = crate::domain::feature_flag::FeatureFlag::LiveUpdates;
    if !crate::server::services::flags::enabled(&state.pool, &state.settings.flags, live).await {
        return (StatusCode::SERVICE_UNAVAILABLE, live.paused_sentence()).into_response();
    }
    let session = caller.and_then(|c| c.0.0.clone());
    let ip = client_ip.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.0);
    let limits = realtime.settings;
    let registration =
        match realtime
            .hub
            .register(session.as_ref().map(|s| s.user_id), ip, limits.send_queue)
        {
            Ok(registration) => registration,
            Err(Refusal::ShuttingDown) => {
                return (StatusCode::SERVICE_UNAVAILABLE, "Restarting; try again.").into_response();
            }
            Err(refusal) => {
                realtime.refused(refusal);
                return (StatusCode::TOO_MANY_REQUESTS, "Too many live connections.")
                    .into_response();
            }
        };
    // tungstenite's defaults keep 128 KiB read and write buffers per socket; frames here are
    // small, so a page's socket costs a few KiB instead. The write buffer only grows as
    // frames pass (an idle socket holds none of it); it lets the frames that queued while
    // the socket was busy go out in one write (`serve` flushes after each batch).
    ws.max_message_size(limits.max_message_bytes)
        .max_frame_size(limits.max_message_bytes)
        .read_buffer_size(4096)
        .write_buffer_size(WRITE_BATCH_BYTES)
        .on_upgrade(move |socket| {
            let hub = realtime.hub.clone();
            let id = registration.id;
            async move {
                serve(socket, &realtime, &state, session, registration).await;
                hub.unregister(id);
            }
        })
}

async fn serve(
    socket: WebSocket,
    realtime: &Realtime,
    state: &AppState,
    session: Option<CurrentSession>,
    registration: super::hub::Registration,
) {
    let super::hub::Registration {
        id,
        mut receiver,
        close,
    } = registration;
    let settings = realtime.settings;
    let (mut sink, mut stream) = socket.split();
    let heartbeat = Duration::from_secs(settings.heartbeat_secs.max(1));
    let mut ping = tokio::time::interval(heartbeat);
    ping.reset();
    let mut check = tokio::time::interval(Duration::from_millis(250));
    let mut heard_at = Instant::now();
    realtime.opened();

    let goodbye = loop {
        tokio::select! {
            () = close.cancelled() => {
                break if realtime.hub_is_closing() {
                    (close_code::GOING_AWAY, "The server is restarting.")
                } else if realtime.live_paused() {
                    (close_code::PAUSED, "Live updates are paused for now; the page still works.")
                } else {
                    (close_code::TOO_SLOW, "Too far behind; reconnect to catch up.")
                };
            }
            outgoing = receiver.recv() => {
                let Some(text) = outgoing else { break (close_code::GOING_AWAY, "Closed.") };
                // What else queued meanwhile goes out with it: a burst costs a few writes
                // and wake-ups of the reader, not one per frame.
                if sink.feed(Message::Text(Utf8Bytes::from(&*text))).await.is_err() {
                    return;
                }
                for _ in 1..WRITE_BATCH_FRAMES {
                    let Ok(text) = receiver.try_recv() else { break };
                    if sink.feed(Message::Text(Utf8Bytes::from(&*text))).await.is_err() {
                        return;
                    }
                }
                if sink.flush().await.is_err() {
                    return;
                }
            }
            incoming = stream.next() => {
                let message = match incoming {
                    Some(Ok(message)) => message,
                    Some(Err(error)) => {
                        let too_big = error.to_string().contains("too long") || error.to_string().contains("size");
                        if too_big {
                            break (close_code::TOO_BIG, "That message is too large.");
                        }
                        return;
                    }
                    None => return,
                };
                heard_at = Instant::now();
                let reply = match message {
                    Message::Text(text) => handle(realtime, state, session.as_ref(), id, text.as_str()).await,
                    Message::Close(_) => return,
                    _ => Vec::new(),
                };
                for frame in reply {
                    let Ok(text) = serde_json::to_string(&frame) else { continue };
                    if sink.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
            }
            _ = ping.tick() => {
                if heard_at.elapsed() > heartbeat * 3 {
                    break (close_code::NO_PONG, "No answer; reconnect.");
                }
                if sink.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
            // A visitor has no session to lose: their sockets need no timer for it.
            _ = check.tick(), if session.is_some() => {
                if let Some(session) = &session
                    && !still_signed_in(state, session)
                {
                    break (close_code::SESSION_ENDED, "Your session ended.");
                }
            }
        }
    };
    let (code, reason) = goodbye;
    let _ = sink
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
    realtime.closed(code);
}

/// Revoked on any instance, a changed role, or an access token past its expiry.
fn still_signed_in(state: &AppState, session: &CurrentSession) -> bool {
    let standing = state.revocations.standing(
        session.session_id,
        session.user_id,
        &session.claims.app_role,
        session.claims.standing.as_ref().map_or(0, |s| s.id),
        session.claims.iat,
    );
    standing == TokenStanding::Valid && session.claims.exp > now_unix()
}

/// Answers one client frame.
async fn handle(
    realtime: &Realtime,
    state: &AppState,
    session: Option<&CurrentSession>,
    id: u64,
    text: &str,
) -> Vec<ServerFrame> {
    let Ok(frame) = serde_json::from_str::<ClientFrame>(text) else {
        return vec![ServerFrame::Refused {
            channel: String::new(),
            reason: "That message was not understood.".into(),
        }];
    };
    match frame {
        ClientFrame::Ping => vec![ServerFrame::Pong],
        ClientFrame::Unsubscribe { channel } => {
            if let Some(channel) = Channel::parse(&channel) {
                realtime.hub.unsubscribe(id, channel);
            }
            Vec::new()
        }
        ClientFrame::Subscribe {
            channel: name,
            after,
        } => {
            let refused = |reason: &str| {
                vec![ServerFrame::Refused {
                    channel: name.clone(),
                    reason: reason.to_owned(),
                }]
            };
            let Some(channel) = Channel::parse(&name) else {
                return refused("There is no such channel.");
            };
            let circle = match access::authorise(state, session, channel).await {
                Ok(Some(circle)) => circle,
                Ok(None) => return refused("You can't follow this here."),
                Err(error) => {
                    tracing::warn!(%error, "could not authorise a subscription");
                    return refused("Live updates are unavailable for a moment.");
                }
            };
            // Register first, then replay: an event published in between arrives twice at
            // worst, and the page drops repeats by id.
            let subscribed = if channel == Channel::Site {
                match access::readable_circles(state, session).await {
                    Ok(circles) => realtime.hub.subscribe_site(id, circles),
                    Err(error) => {
                        tracing::warn!(%error, "could not read the circles a socket may hear");
                        return refused("Live updates are unavailable for a moment.");
                    }
                }
            } else {
                realtime.hub.subscribe(id, channel, circle)
            };
            if !subscribed {
                return refused("This page follows too many things at once.");
            }
            let last = realtime.hub.last_event();
            let mut frames = vec![ServerFrame::Subscribed {
                channel: name.clone(),
                last,
            }];
            match channel {
                Channel::Notifications => {
                    if let Some(session) = session {
                        match access::unread(&state.pool, session.user_id).await {
                            Ok(count) => frames.push(ServerFrame::Unread { count }),
                            Err(error) => tracing::warn!(%error, "could not count unread"),
                        }
                    }
                }
                _ => {
                    if let Channel::Post(post) = channel {
                        let here = realtime.hub.local_readers(post);
                        frames.push(ServerFrame::Presence {
                            channel: name.clone(),
                            count: realtime.presence.total(post, here) as i64,
                        });
                    }
                    if let Some(after) = after {
                        frames.extend(access::replay(state, channel, after, last).await);
                    }
                }
            }
            frames
        }
    }
}
